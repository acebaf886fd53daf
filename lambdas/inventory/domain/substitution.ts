/**
 * Auto-substitution: when a line is short, a brand may allow another SKU in its place, but only
 * in categories it approved (a kurta in the next pack size, a listed equivalent serum), never
 * silently for anything else.
 */
export interface SubstitutionRules {
  readonly brand: string;
  /** Categories the brand allows substitutes in. */
  readonly approvedCategories: readonly string[];
  /** SKU → its category, for every SKU a rule mentions. */
  readonly categoryOf: Readonly<Record<string, string>>;
  /** SKU → acceptable replacements, best first, with the reason the customer is told. */
  readonly equivalents: Readonly<Record<string, readonly { readonly sku: string; readonly reason: string }[]>>;
}

export interface Substitution {
  readonly originalSku: string;
  readonly substituteSku: string;
  readonly reason: string;
}

export type SubstitutionDecision =
  | { readonly substituted: true; readonly substitution: Substitution }
  | { readonly substituted: false; readonly why: 'category_not_approved' | 'no_equivalent' | 'no_equivalent_in_stock' };

/** The first listed equivalent that has enough stock, if the SKU's category is approved. */
export function chooseSubstitute(rules: SubstitutionRules, sku: string, quantity: number, available: (sku: string) => number): SubstitutionDecision {
  const category = rules.categoryOf[sku];
  if (!category || !rules.approvedCategories.includes(category)) return { substituted: false, why: 'category_not_approved' };
  const candidates = (rules.equivalents[sku] ?? []).filter((candidate) => rules.categoryOf[candidate.sku] === category);
  if (candidates.length === 0) return { substituted: false, why: 'no_equivalent' };
  const chosen = candidates.find((candidate) => available(candidate.sku) >= quantity);
  if (!chosen) return { substituted: false, why: 'no_equivalent_in_stock' };
  return { substituted: true, substitution: { originalSku: sku, substituteSku: chosen.sku, reason: chosen.reason } };
}
