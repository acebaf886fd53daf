/**
 * Reservations: stock held for an order, all lines or none. The rules here are pure; the
 * inventory table (adapters/inventory-table.ts) applies them atomically with DynamoDB
 * transactions conditioned on availability.
 */
export interface ReservationLine {
  readonly sku: string;
  readonly warehouseId: string;
  readonly quantity: number;
}

export const RESERVATION_STATUSES = ['RESERVED', 'COMMITTED', 'RELEASED', 'SHORTFALL'] as const;
export type ReservationStatus = (typeof RESERVATION_STATUSES)[number];

/** DynamoDB's limit of actions per TransactWriteItems; one is the chunk's own marker. */
export const MAX_TRANSACTION_ACTIONS = 100;
export const MAX_LINES_PER_CHUNK = MAX_TRANSACTION_ACTIONS - 1;

export class InvalidReservationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidReservationError';
  }
}

/**
 * One quantity per SKU × warehouse: a transaction may touch an item only once, and two lines of
 * the same variant from the same warehouse are one hold on that stock.
 */
export function mergeLines(lines: readonly ReservationLine[]): ReservationLine[] {
  const merged = new Map<string, ReservationLine>();
  for (const line of lines) {
    if (!Number.isInteger(line.quantity) || line.quantity <= 0) {
      throw new InvalidReservationError(`quantity of ${line.sku} at ${line.warehouseId} must be a whole number above 0, received ${line.quantity}`);
    }
    const key = `${line.sku}\u0000${line.warehouseId}`;
    const existing = merged.get(key);
    merged.set(key, { ...line, quantity: (existing?.quantity ?? 0) + line.quantity });
  }
  if (merged.size === 0) throw new InvalidReservationError('a reservation needs at least one line');
  // Sorted, so every order takes chunks in the same sequence and replays split identically.
  return [...merged.values()].sort((a, b) => (a.sku === b.sku ? a.warehouseId.localeCompare(b.warehouseId) : a.sku.localeCompare(b.sku)));
}

/** Splits merged lines into transactions that fit DynamoDB's limit. */
export function chunkLines(lines: readonly ReservationLine[]): ReservationLine[][] {
  const chunks: ReservationLine[][] = [];
  for (let start = 0; start < lines.length; start += MAX_LINES_PER_CHUNK) chunks.push(lines.slice(start, start + MAX_LINES_PER_CHUNK));
  return chunks;
}

/** Which status change each operation makes, so a replay of a finished one changes nothing. */
export const TRANSITIONS = {
  commit: { from: 'RESERVED', to: 'COMMITTED' },
  release: { from: 'RESERVED', to: 'RELEASED' },
} as const satisfies Record<string, { from: ReservationStatus; to: ReservationStatus }>;

/** Reservations not committed by then are released; a sale's dispatch cut-off decides the default. */
export const DEFAULT_RESERVATION_TTL_MS = 2 * 60 * 60 * 1000;
