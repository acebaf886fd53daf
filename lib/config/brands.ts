/**
 * The storefronts this deployment serves. Each brand gets its own Shopify webhook secret in
 * Secrets Manager, named `<app>/<env>/shopify/<brand id>`.
 */
export interface BrandConfig {
  readonly id: string;
  readonly name: string;
  readonly storefrontDomain: string;
  readonly country: 'IN' | 'ID' | 'MY';
  readonly currency: 'INR' | 'IDR' | 'MYR';
}

export const BRANDS: readonly BrandConfig[] = [
  { id: 'saffron-threads', name: 'Saffron Threads', storefrontDomain: 'saffron-threads.myshopify.com', country: 'IN', currency: 'INR' },
  { id: 'kopi-glow', name: 'Kopi Glow', storefrontDomain: 'kopi-glow.myshopify.com', country: 'ID', currency: 'IDR' },
  { id: 'rumah-living', name: 'Rumah Living', storefrontDomain: 'rumah-living.myshopify.com', country: 'MY', currency: 'MYR' },
];
