/** A source's version of an order: its updated_at, then the delivery's triggered-at as tie-break. */
export interface SnapshotVersion {
  readonly version: number;
  readonly triggeredAt: string;
}

/**
 * Whether `incoming` should replace `stored`. Webhooks arrive out of order and more than once;
 * only a strictly newer state may overwrite, so the order always ends in its newest state.
 * The orders table enforces the same rule in its condition expression (see orders-table.ts).
 */
export function isNewerSnapshot(stored: SnapshotVersion | undefined, incoming: SnapshotVersion): boolean {
  if (!stored) return true;
  if (incoming.version !== stored.version) return incoming.version > stored.version;
  return incoming.triggeredAt > stored.triggeredAt;
}

/** Statuses an order item moves through; CANCELLED can be reached from any state before acceptance. */
export const ORDER_STATUSES = ['RECEIVED', 'HANDED_TO_LEGACY', 'ACCEPTED', 'REJECTED', 'FAILED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
