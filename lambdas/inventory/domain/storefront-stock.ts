/**
 * Storefront stock: what each brand's Shopify store should show as available, per inventory item
 * and location. The plan is pure; adapters/shopify-inventory.ts sends each push as one
 * `inventorySetQuantities` mutation.
 */

/** Shopify accepts at most this many entries in one input array. */
export const MAX_QUANTITIES_PER_MUTATION = 250;

/** How one brand's store names our stock: its locations per warehouse, its inventory items per SKU. */
export interface StorefrontMapping {
  readonly brand: string;
  /** The store's domain, e.g. "saffron-threads.myshopify.com". */
  readonly shop: string;
  /** warehouseId → Location gid ("gid://shopify/Location/<n>"). */
  readonly locationIds: Readonly<Record<string, string>>;
  /** sku → InventoryItem gid ("gid://shopify/InventoryItem/<n>"). */
  readonly inventoryItemIds: Readonly<Record<string, string>>;
}

/** What we can sell of one SKU from one warehouse; negative when oversold or under safety stock. */
export interface StockAvailability {
  readonly sku: string;
  readonly warehouseId: string;
  readonly available: number;
}

export interface StorefrontQuantity {
  readonly inventoryItemId: string;
  readonly locationId: string;
  readonly quantity: number;
}

/** One mutation's worth of quantities for one store. */
export interface StorefrontPush {
  readonly brand: string;
  readonly shop: string;
  readonly quantities: readonly StorefrontQuantity[];
}

/**
 * Fans stock levels out to every brand that sells the SKU from that warehouse. Levels arrive in
 * the order they were read, so a repeated SKU × warehouse keeps its last value. SKUs and
 * warehouses a brand does not map are not on its store, and are skipped. Output is sorted by
 * brand, SKU and warehouse, so the same input always makes the same mutations.
 */
export function planStorefrontPushes(levels: readonly StockAvailability[], storefronts: readonly StorefrontMapping[]): StorefrontPush[] {
  const newest = latestLevels(levels);
  return [...storefronts].sort((a, b) => compare(a.brand, b.brand) || compare(a.shop, b.shop)).flatMap((storefront) => {
    const quantities = newest.flatMap((level) => {
      const inventoryItemId = lookup(storefront.inventoryItemIds, level.sku);
      const locationId = lookup(storefront.locationIds, level.warehouseId);
      if (inventoryItemId === undefined || locationId === undefined) return [];
      // Shopify would show a negative count as "sold out" anyway; zero says the same without leaking oversell.
      return [{ inventoryItemId, locationId, quantity: Math.max(0, level.available) }];
    });
    return chunk(quantities, MAX_QUANTITIES_PER_MUTATION).map((part) => ({ brand: storefront.brand, shop: storefront.shop, quantities: part }));
  });
}

function latestLevels(levels: readonly StockAvailability[]): StockAvailability[] {
  const byKey = new Map<string, StockAvailability>();
  for (const level of levels) byKey.set(`${level.sku}\u0000${level.warehouseId}`, level);
  return [...byKey.values()].sort((a, b) => compare(a.sku, b.sku) || compare(a.warehouseId, b.warehouseId));
}

/** Own keys only: a SKU called "constructor" must not find Object.prototype's. */
function lookup(record: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Code-unit order, not locale order, so the plan is the same on every machine. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let start = 0; start < items.length; start += size) parts.push(items.slice(start, start + size));
  return parts;
}
