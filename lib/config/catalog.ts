import type { BrandConfig } from './brands.ts';
import type { SubstitutionRules } from '../../lambdas/inventory/domain/substitution.ts';

/**
 * What the demo brands sell. Every brand of a country sells that country's products, so one SKU
 * in one warehouse is shared stock that several storefronts show.
 *
 * `category` is what substitution rules approve; `substituteOnly` products are pack-size
 * variants that are offered in place of a short SKU but are not in the demo order mix.
 */
export interface Product {
  readonly sku: string;
  readonly title: string;
  /** Major units of the country's currency, as a storefront lists it. */
  readonly price: number;
  readonly category: string;
  readonly substituteOnly?: boolean;
  /** Packed shipping weight of one unit; routing assumes a default when absent (lib/config/routing.ts). */
  readonly weightGrams?: number;
}

export const PRODUCTS: Readonly<Record<BrandConfig['country'], readonly Product[]>> = {
  IN: [
    { sku: 'ST-KURTA-IND-M', title: 'Indigo block-print kurta (M)', price: 1899, category: 'apparel', weightGrams: 350 },
    { sku: 'ST-DUPATTA-SLK', title: 'Banarasi silk dupatta', price: 2499, category: 'apparel', weightGrams: 250 },
    { sku: 'ST-JUTTI-38', title: 'Embroidered jutti (38)', price: 1299, category: 'footwear', weightGrams: 650 },
    // Above ₹2,500 a piece, so it pays 18 % GST where the others pay 5 %.
    { sku: 'ST-SAREE-CHND', title: 'Chanderi silk saree', price: 5499, category: 'apparel', weightGrams: 800 },
  ],
  ID: [
    { sku: 'KG-SERUM-30ML', title: 'Kopi brightening serum 30 ml', price: 189000, category: 'serum', weightGrams: 120 },
    { sku: 'KG-SCRUB-100G', title: 'Coffee body scrub 100 g', price: 99000, category: 'body-scrub', weightGrams: 180 },
    { sku: 'KG-SERUM-2X15ML', title: 'Kopi brightening serum 2 × 15 ml', price: 189000, category: 'serum', substituteOnly: true, weightGrams: 140 },
    { sku: 'KG-SCRUB-2X50G', title: 'Coffee body scrub 2 × 50 g', price: 99000, category: 'body-scrub', substituteOnly: true, weightGrams: 200 },
  ],
  MY: [
    { sku: 'RL-CUSHION-BTK', title: 'Batik cushion cover', price: 69, category: 'soft-furnishing', weightGrams: 300 },
    { sku: 'RL-RATTAN-LAMP', title: 'Rattan pendant lamp', price: 289, category: 'lighting', weightGrams: 1800 },
  ],
};

/** The same product in another pack at the same price: the only substitutions the demo brands offer. */
export const EQUIVALENTS: Readonly<Record<string, readonly { readonly sku: string; readonly reason: string }[]>> = {
  'KG-SERUM-30ML': [{ sku: 'KG-SERUM-2X15ML', reason: 'the same serum in two 15 ml bottles, at the same price' }],
  'KG-SCRUB-100G': [{ sku: 'KG-SCRUB-2X50G', reason: 'the same scrub in two 50 g jars, at the same price' }],
};

export function productsOf(country: BrandConfig['country']): readonly Product[] {
  return PRODUCTS[country];
}

export function findProduct(sku: string): Product | undefined {
  return Object.values(PRODUCTS)
    .flat()
    .find((product) => product.sku === sku);
}

/** The brand's substitution rules in the shape the allocation domain reads. */
export function substitutionRulesFor(brand: BrandConfig): SubstitutionRules {
  const products = productsOf(brand.country);
  return {
    brand: brand.id,
    approvedCategories: brand.substitution.approvedCategories,
    categoryOf: Object.fromEntries(products.map((product) => [product.sku, product.category])),
    equivalents: Object.fromEntries(products.filter((product) => EQUIVALENTS[product.sku]).map((product) => [product.sku, EQUIVALENTS[product.sku]!])),
  };
}
