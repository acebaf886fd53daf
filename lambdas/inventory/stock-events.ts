import type { PublishableEvent } from '#shared/event-publisher';
import type { StockChangeSource } from '#shared/inventory-events';
import type { LevelAfterChange } from './domain/stock-sync.ts';

/** `Stock Level Changed` for each level, as it stands now. */
export function stockLevelChanged(levels: readonly LevelAfterChange[], source: StockChangeSource, correlationId: string): PublishableEvent<'Stock Level Changed'>[] {
  const occurredAt = new Date().toISOString();
  return levels.map((level) => ({
    detailType: 'Stock Level Changed',
    detail: {
      occurredAt,
      correlationId,
      sku: level.sku,
      warehouseId: level.warehouseId,
      onHand: level.onHand,
      reserved: level.reserved,
      safetyStock: level.safetyStock,
      available: level.available,
      version: level.version,
      source,
    },
  }));
}

/** Reads the levels a reservation touched and describes them; used after reserve, release and commit. */
export async function stockLevelEvents(
  store: { levels(keys: readonly { sku: string; warehouseId: string }[]): Promise<readonly LevelAfterChange[]> },
  lines: readonly { sku: string; warehouseId: string }[],
  source: StockChangeSource,
  correlationId: string,
): Promise<PublishableEvent<'Stock Level Changed'>[]> {
  return stockLevelChanged(await store.levels(lines), source, correlationId);
}
