/** One SKU whose on-hand count in the WMS differs from ours. */
export interface StockDrift {
  readonly sku: string;
  readonly warehouseId: string;
  readonly ours: number;
  readonly wms: number;
  /** wms − ours: positive when we under-counted, negative when we would have oversold. */
  readonly delta: number;
}

/**
 * Compares the WMS's full snapshot of one warehouse with ours. A SKU we hold that the WMS no
 * longer lists counts as zero on hand there; a SKU only the WMS lists is new stock.
 */
export function findDrift(warehouseId: string, ours: ReadonlyMap<string, number>, wms: ReadonlyMap<string, number>): StockDrift[] {
  const skus = new Set([...ours.keys(), ...wms.keys()]);
  return [...skus]
    .sort()
    .map((sku) => ({ sku, warehouseId, ours: ours.get(sku) ?? 0, wms: wms.get(sku) ?? 0 }))
    .filter((entry) => entry.ours !== entry.wms)
    .map((entry) => ({ ...entry, delta: entry.wms - entry.ours }));
}
