import { findDrift, type StockDrift } from './drift.ts';

/**
 * Keeping our on-hand counts equal to the warehouses': applying counts from webhooks and polls,
 * and reconciling a full snapshot. Pure coordination over two narrow ports, so the rules (newer
 * counts only, reservations untouched, drift reported) are tested without AWS.
 */
export interface WarehouseCount {
  readonly sku: string;
  readonly onHand: number;
  /** The warehouse's change sequence for this SKU: higher is newer. */
  readonly sequence: number;
  readonly updatedAt: string;
}

/** One SKU × warehouse. `available` is stored as onHand − reserved − safetyStock so a condition can compare it. */
export interface LevelAfterChange {
  readonly sku: string;
  readonly warehouseId: string;
  readonly onHand: number;
  readonly reserved: number;
  readonly safetyStock: number;
  readonly available: number;
  readonly version: number;
}

export type SyncSource = 'wms-webhook' | 'wms-poll' | 'reconciliation';

/** What the stock table must offer (adapters/inventory-table.ts implements it). */
export interface StockStore {
  applyStockCount(
    sku: string,
    warehouseId: string,
    onHand: number,
    update: { sequence?: number; source: string; at: string; safetyStock?: number; sameSequenceWins?: boolean },
  ): Promise<'applied' | 'stale' | 'unchanged'>;
  onHandBySku(warehouseId: string): Promise<Map<string, number>>;
  levels(keys: readonly { sku: string; warehouseId: string }[]): Promise<LevelAfterChange[]>;
  pollCursor(warehouseId: string): Promise<number>;
  savePollCursor(warehouseId: string, sequence: number): Promise<void>;
}

/** What the WMS must offer (adapters/wms-client.ts implements it over HTTP). */
export interface StockFeed {
  snapshot(warehouseId: string): Promise<{ asOf: string; items: readonly { sku: string; on_hand: number; sequence: number; updated_at: string }[] }>;
  changesSince(warehouseId: string, afterSequence: number): Promise<{ items: readonly { sku: string; on_hand: number; sequence: number; updated_at: string }[]; lastSequence: number; hasMore: boolean }>;
}

export interface AppliedCounts {
  /** Levels that changed, as they are now, for `Stock Level Changed`. */
  readonly changed: readonly LevelAfterChange[];
  /** Counts older than what we hold (a late or replayed delivery), ignored. */
  readonly stale: number;
}

/** Applies counts in sequence order; a count not newer than the one we hold changes nothing. */
export async function applyCounts(store: StockStore, warehouseId: string, counts: readonly WarehouseCount[], source: SyncSource, safetyStock: number): Promise<AppliedCounts> {
  const applied: string[] = [];
  let stale = 0;
  for (const count of [...counts].sort((a, b) => a.sequence - b.sequence)) {
    const outcome = await store.applyStockCount(count.sku, warehouseId, count.onHand, { sequence: count.sequence, source, at: count.updatedAt, safetyStock });
    if (outcome === 'applied') applied.push(count.sku);
    if (outcome === 'stale') stale++;
  }
  return { changed: await store.levels([...new Set(applied)].map((sku) => ({ sku, warehouseId }))), stale };
}

const fromWire = (item: { sku: string; on_hand: number; sequence: number; updated_at: string }): WarehouseCount => ({ sku: item.sku, onHand: item.on_hand, sequence: item.sequence, updatedAt: item.updated_at });

/** One poll of a warehouse without webhooks: every change since the cursor, then the cursor moves. */
export async function pollWarehouse(store: StockStore, feed: StockFeed, warehouseId: string, safetyStock: number): Promise<AppliedCounts & { cursor: number }> {
  let cursor = await store.pollCursor(warehouseId);
  const changed = new Map<string, LevelAfterChange>();
  let stale = 0;
  for (let page = 0; page < 100; page++) {
    const { items, lastSequence, hasMore } = await feed.changesSince(warehouseId, cursor);
    const result = await applyCounts(store, warehouseId, items.map(fromWire), 'wms-poll', safetyStock);
    for (const level of result.changed) changed.set(level.sku, level);
    stale += result.stale;
    // The cursor only moves after the page is applied: a crash in between re-reads the page, and re-applying is harmless.
    if (lastSequence > cursor) {
      cursor = lastSequence;
      await store.savePollCursor(warehouseId, cursor);
    }
    if (!hasMore) break;
  }
  return { changed: [...changed.values()], stale, cursor };
}

export interface Reconciliation {
  readonly warehouseId: string;
  readonly snapshotAt: string;
  /** SKUs we held with a different count than the WMS's: drift. */
  readonly drifts: readonly StockDrift[];
  /** SKUs we had never seen at this warehouse (first load, new listings): not drift. */
  readonly added: readonly string[];
  readonly changed: readonly LevelAfterChange[];
}

/**
 * Compares the WMS's full snapshot with our counts and sets ours to the WMS's where they differ.
 * Reserved units are never touched. A count that a newer webhook overtook while the snapshot was
 * being read is not reported or applied: the newer count already stands.
 */
export async function reconcileWarehouse(store: StockStore, feed: StockFeed, warehouseId: string, safetyStock: number, now: Date): Promise<Reconciliation> {
  const snapshot = await feed.snapshot(warehouseId);
  const wms = new Map(snapshot.items.map((item) => [item.sku, item]));
  const ours = await store.onHandBySku(warehouseId);
  const drifts: StockDrift[] = [];
  const added: string[] = [];
  for (const drift of findDrift(warehouseId, ours, new Map([...wms].map(([sku, item]) => [sku, item.on_hand])))) {
    const item = wms.get(drift.sku);
    // A SKU the WMS no longer lists has none on hand there; without its sequence the snapshot's word is final.
    const outcome = await store.applyStockCount(drift.sku, warehouseId, drift.wms, {
      sequence: item?.sequence,
      source: 'reconciliation',
      at: item?.updated_at ?? now.toISOString(),
      safetyStock,
      sameSequenceWins: true,
    });
    if (outcome !== 'applied') continue;
    if (ours.has(drift.sku)) drifts.push(drift);
    else added.push(drift.sku);
  }
  return {
    warehouseId,
    snapshotAt: snapshot.asOf,
    drifts,
    added,
    changed: await store.levels([...drifts.map((drift) => drift.sku), ...added].map((sku) => ({ sku, warehouseId }))),
  };
}
