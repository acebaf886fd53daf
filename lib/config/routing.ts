import type { RoutingWeights } from '../../lambdas/fulfilment/domain/routing/types.ts';
import type { BrandConfig } from './brands.ts';
import { findProduct } from './catalog.ts';

/**
 * Per-brand routing policy: how much each factor weighs when choosing a warehouse, and when a COD
 * order's address is confirmed with the customer before it ships. Weights are relative (routing
 * divides by their sum); a brand override replaces only the factors it names.
 */

export const DEFAULT_ROUTING_WEIGHTS: RoutingWeights = { cost: 0.35, speed: 0.3, stockHealth: 0.2, rtoRisk: 0.15 };

export const CATEGORY_ROUTING_WEIGHTS: Readonly<Record<BrandConfig['category'], RoutingWeights>> = {
  // Fashion sells on the delivery promise (and sizes sell out), so speed leads.
  fashion: { cost: 0.2, speed: 0.45, stockHealth: 0.2, rtoRisk: 0.15 },
  // Beauty baskets are small and cheap: a rupee of shipping is a large share of the margin.
  beauty: { cost: 0.45, speed: 0.2, stockHealth: 0.2, rtoRisk: 0.15 },
  // Home goods are heavy, so a refused parcel costs two heavy trips: RTO weighs more.
  home: { cost: 0.35, speed: 0.15, stockHealth: 0.2, rtoRisk: 0.3 },
};

export const BRAND_ROUTING_OVERRIDES: Readonly<Record<string, Partial<RoutingWeights>>> = {
  // Kids' sizes run out within days of a drop; keep stock spread rather than drain one warehouse.
  'monsoon-kids': { stockHealth: 0.35 },
  // Sells sarees as gifts with a promised date: speed above everything.
  'saffron-threads': { speed: 0.55, cost: 0.15 },
};

export function routingWeightsFor(brand: Pick<BrandConfig, 'id' | 'category'>): RoutingWeights {
  return { ...(CATEGORY_ROUTING_WEIGHTS[brand.category] ?? DEFAULT_ROUTING_WEIGHTS), ...BRAND_ROUTING_OVERRIDES[brand.id] };
}

export const CONFIRMATION_TIMEOUT_ACTIONS = ['cancel', 'proceed'] as const;
export type ConfirmationTimeoutAction = (typeof CONFIRMATION_TIMEOUT_ACTIONS)[number];

/**
 * When to ask a COD customer to confirm their address before shipping: if the destination's RTO
 * risk for COD is at or above `codRiskThreshold`. Unanswered after the timeout, the order is
 * cancelled or shipped anyway.
 */
export interface AddressConfirmationPolicy {
  readonly codRiskThreshold: number;
  readonly confirmationTimeoutMinutes: number;
  readonly onTimeout: ConfirmationTimeoutAction;
}

export const DEFAULT_CONFIRMATION_POLICY: AddressConfirmationPolicy = { codRiskThreshold: 0.3, confirmationTimeoutMinutes: 120, onTimeout: 'proceed' };

const CATEGORY_CONFIRMATION_POLICY: Readonly<Record<BrandConfig['category'], AddressConfirmationPolicy>> = {
  fashion: DEFAULT_CONFIRMATION_POLICY,
  // A cheap parcel coming back costs little: ask only the riskiest, and ship if they stay silent.
  beauty: { codRiskThreshold: 0.4, confirmationTimeoutMinutes: 90, onTimeout: 'proceed' },
  // A heavy lamp or rug coming back costs more than the margin: ask earlier, and cancel on silence.
  home: { codRiskThreshold: 0.2, confirmationTimeoutMinutes: 240, onTimeout: 'cancel' },
};

export const BRAND_CONFIRMATION_OVERRIDES: Readonly<Record<string, Partial<AddressConfirmationPolicy>>> = {
  // Saree orders are often gifts for a date; give the buyer the evening to answer rather than cancel.
  'saffron-threads': { confirmationTimeoutMinutes: 360 },
};

export function addressConfirmationPolicyFor(brand: Pick<BrandConfig, 'id' | 'category'>): AddressConfirmationPolicy {
  return { ...(CATEGORY_CONFIRMATION_POLICY[brand.category] ?? DEFAULT_CONFIRMATION_POLICY), ...BRAND_CONFIRMATION_OVERRIDES[brand.id] };
}

/** Shipping weight of a product the catalog gives no weight for: a conservative mid-size parcel. */
export const DEFAULT_PRODUCT_WEIGHT_GRAMS = 500;

export function productWeightGrams(sku: string): number {
  return findProduct(sku)?.weightGrams ?? DEFAULT_PRODUCT_WEIGHT_GRAMS;
}
