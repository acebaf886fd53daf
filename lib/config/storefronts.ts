import { BRANDS, type BrandConfig } from './brands.ts';
import type { StorefrontMapping } from '../../lambdas/inventory/domain/storefront-stock.ts';
import { productsOf } from './catalog.ts';

/**
 * Where each brand's storefront keeps its stock: a Shopify location per warehouse the brand ships
 * from, and an inventory item per SKU it sells. Shopify assigns these ids; a real deployment
 * copies them from the store's admin (Settings → Locations, and each variant's inventory item).
 * The demo brands get stable made-up ids that the local Shopify simulator knows.
 *
 * `shop` is `<shop>.myshopify.com`, the host of the brand's Admin API.
 */
export type StorefrontConfig = StorefrontMapping;

function storefrontOf(brand: BrandConfig, brandIndex: number): StorefrontConfig {
  const base = 8_100_000_000 + brandIndex * 1_000;
  return {
    brand: brand.id,
    shop: brand.storefrontDomain,
    locationIds: Object.fromEntries(brand.warehouses.map((warehouseId, index) => [warehouseId, `gid://shopify/Location/${70_000_000 + brandIndex * 10 + index}`])),
    inventoryItemIds: Object.fromEntries(productsOf(brand.country).map((product, index) => [product.sku, `gid://shopify/InventoryItem/${base + index}`])),
  };
}

export const STOREFRONTS: readonly StorefrontConfig[] = BRANDS.map((brand, index) => storefrontOf(brand, index + 1));

export function findStorefront(brandId: string): StorefrontConfig | undefined {
  return STOREFRONTS.find((storefront) => storefront.brand === brandId);
}
