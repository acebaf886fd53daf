import { InventoryTable } from '../../lambdas/inventory/adapters/inventory-table.ts';
import { WAREHOUSES } from '../../lib/config/warehouses.ts';
import { inventoryTableName } from '../../lib/constructs/data-table.ts';
import type { Target } from './config-commands.ts';

/** One SKU in every warehouse: what is on hand, held, kept back and sellable, and where the count came from. */
export async function describeStock({ environment, client }: Target, sku: string): Promise<string[]> {
  const levels = await new InventoryTable(inventoryTableName(environment), client).levels(WAREHOUSES.map((warehouse) => ({ sku, warehouseId: warehouse.id })));
  if (levels.length === 0) return [`no stock of ${sku} in any warehouse`];
  return [
    `${'warehouse'.padEnd(10)} ${'on hand'.padStart(8)} ${'reserved'.padStart(8)} ${'safety'.padStart(6)} ${'available'.padStart(9)}  last count`,
    ...levels.map(
      (level) =>
        `${level.warehouseId.padEnd(10)} ${String(level.onHand).padStart(8)} ${String(level.reserved).padStart(8)} ${String(level.safetyStock).padStart(6)} ${String(level.available).padStart(9)}  ${level.lastSyncSource ?? '?'} at ${level.lastSyncedAt ?? '?'} (sequence ${level.syncSequence ?? '-'})`,
    ),
  ];
}

/** An order's reservation: its state, the lines held and any substitution. */
export async function describeReservation({ environment, client }: Target, brand: string, orderId: string): Promise<string[]> {
  const reservation = await new InventoryTable(inventoryTableName(environment), client).reservation(`${brand}#${orderId}`);
  if (!reservation) return [`no reservation for ${brand}/${orderId}`];
  return [
    `${reservation.status}, expires ${new Date(reservation.expiresAt).toISOString()}`,
    ...reservation.lines.map((line) => `  ${line.quantity} × ${line.sku} at ${line.warehouseId}`),
    ...((reservation.details?.substitutions as { originalSku: string; substituteSku: string; reason: string }[] | undefined) ?? []).map(
      (substitution) => `  substituted ${substitution.originalSku} → ${substitution.substituteSku}: ${substitution.reason}`,
    ),
  ];
}
