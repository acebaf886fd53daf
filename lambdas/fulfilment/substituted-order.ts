import type { CanonicalOrder } from '#shared/canonical-order';

/** The order as it will ship: each substituted line names its substitute SKU (same quantity and price). */
export function withSubstitutions(order: CanonicalOrder, substitutions: readonly { originalSku: string; substituteSku: string }[]): CanonicalOrder {
  if (substitutions.length === 0) return order;
  const replacement = new Map(substitutions.map((substitution) => [substitution.originalSku, substitution.substituteSku]));
  return { ...order, lines: order.lines.map((line) => ({ ...line, sku: replacement.get(line.sku) ?? line.sku })) };
}
