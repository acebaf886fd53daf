import type { WmsStockItem } from '../../../lambdas/inventory/domain/wms-contract.ts';

/** A new on-hand count for one SKU. */
export interface StockCount {
  readonly sku: string;
  readonly onHand: number;
}

export interface StockPage {
  /** Sorted by SKU. */
  readonly items: WmsStockItem[];
  /** The SKU to continue after, or null on the last page. */
  readonly continueAfterSku: string | null;
}

export interface StockChanges {
  readonly items: WmsStockItem[];
  readonly lastSequence: number;
  readonly hasMore: boolean;
}

interface WarehouseStock {
  sequence: number;
  readonly items: Map<string, WmsStockItem>;
}

/** Plain code-unit order, so every client sorts and pages SKUs the same way whatever its locale. */
const bySku = (a: WmsStockItem, b: WmsStockItem) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0);

function assertPageSize(size: number): void {
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`a page holds at least one item, got ${size}`);
}

/**
 * The simulated WMS's stock: per warehouse, each SKU's latest count stamped with the warehouse's
 * sequence. No I/O and no clock (callers pass the time), so the contract's paging and ordering
 * rules can be tested on their own.
 */
export class StockLedger {
  private readonly warehouses = new Map<string, WarehouseStock>();

  constructor(warehouseIds: Iterable<string>) {
    for (const id of warehouseIds) {
      if (this.warehouses.has(id)) throw new Error(`warehouse ${id} is configured twice`);
      this.warehouses.set(id, { sequence: 0, items: new Map() });
    }
  }

  has(warehouseId: string): boolean {
    return this.warehouses.has(warehouseId);
  }

  /**
   * Applies counts in the order given, each taking the warehouse's next sequence, and returns the
   * items as stamped. All or nothing: one bad count rejects the batch before anything changes.
   */
  apply(warehouseId: string, counts: readonly StockCount[], at: string): WmsStockItem[] {
    const warehouse = this.warehouse(warehouseId);
    const skus = new Set<string>();
    for (const { sku, onHand } of counts) {
      if (sku === '') throw new Error('a SKU must not be empty');
      if (!Number.isSafeInteger(onHand) || onHand < 0) throw new RangeError(`on hand for ${sku} must be a whole number ≥ 0, got ${onHand}`);
      // Two counts for one SKU in one event would leave the receiver guessing which is current.
      if (skus.has(sku)) throw new Error(`${sku} is counted twice in one change`);
      skus.add(sku);
    }
    return counts.map(({ sku, onHand }) => {
      const item = { sku, on_hand: onHand, sequence: ++warehouse.sequence, updated_at: at };
      warehouse.items.set(sku, item);
      return item;
    });
  }

  /** Adds `delta` (negative to take away) to a SKU's count; a SKU never counted starts at zero. */
  adjust(warehouseId: string, sku: string, delta: number, at: string): WmsStockItem {
    const current = this.warehouse(warehouseId).items.get(sku)?.on_hand ?? 0;
    const [item] = this.apply(warehouseId, [{ sku, onHand: current + delta }], at);
    return item!;
  }

  /** Up to `pageSize` items of the snapshot, starting after `afterSku`. */
  snapshotPage(warehouseId: string, pageSize: number, afterSku?: string): StockPage {
    assertPageSize(pageSize);
    const remaining = [...this.warehouse(warehouseId).items.values()].filter((item) => afterSku === undefined || item.sku > afterSku).sort(bySku);
    const items = remaining.slice(0, pageSize);
    return { items, continueAfterSku: remaining.length > pageSize ? items.at(-1)!.sku : null };
  }

  /** The SKUs whose last change came after `afterSequence`, oldest first, at most `limit`. */
  changesAfter(warehouseId: string, afterSequence: number, limit: number): StockChanges {
    assertPageSize(limit);
    const newer = [...this.warehouse(warehouseId).items.values()].filter((item) => item.sequence > afterSequence).sort((a, b) => a.sequence - b.sequence);
    const items = newer.slice(0, limit);
    return { items, lastSequence: items.at(-1)?.sequence ?? afterSequence, hasMore: newer.length > limit };
  }

  /** On hand by SKU. */
  stock(warehouseId: string): Map<string, number> {
    return new Map([...this.warehouse(warehouseId).items.values()].map((item) => [item.sku, item.on_hand]));
  }

  private warehouse(warehouseId: string): WarehouseStock {
    const warehouse = this.warehouses.get(warehouseId);
    if (!warehouse) throw new Error(`unknown warehouse ${warehouseId}`);
    return warehouse;
  }
}
