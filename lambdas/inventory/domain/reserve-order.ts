import type { ReservationLine, ReservationStatus } from './reservation.ts';

/**
 * Reserve And Route for one order: plan where the stock comes from using current levels, hold it
 * all or nothing, and if another order took units between the read and the write, plan again
 * from fresh numbers. A replay returns the reservation already held, never a second one. In
 * shadow mode nothing is written: the answer says what would have been held.
 */
export interface StockView {
  readonly sku: string;
  readonly warehouseId: string;
  readonly available: number;
  readonly onHand: number;
  readonly safetyStock: number;
}

export interface Shortfall {
  readonly sku: string;
  readonly requested: number;
  readonly bestAvailable: number;
}

/** A plan: the lines to hold (each at its warehouse) and what to remember about the choice. */
export type Plan =
  | { readonly kind: 'fill'; readonly lines: readonly ReservationLine[]; readonly details: Record<string, unknown> }
  | { readonly kind: 'short'; readonly short: readonly Shortfall[] };

export interface ReservationStore {
  reservation(orderKey: string): Promise<{ status: ReservationStatus; lines: readonly ReservationLine[]; details?: Record<string, unknown> } | undefined>;
  levels(keys: readonly { sku: string; warehouseId: string }[]): Promise<readonly StockView[]>;
  reserve(orderKey: string, lines: readonly ReservationLine[], expiresAt: number, details?: Record<string, unknown>): Promise<{ status: 'RESERVED'; replayed: boolean } | { status: 'SHORTFALL' } | { status: 'CLOSED'; was: ReservationStatus }>;
}

export type ReserveResult =
  | { readonly status: 'RESERVED'; readonly lines: readonly ReservationLine[]; readonly details: Record<string, unknown>; readonly replayed: boolean }
  | { readonly status: 'SHORTFALL'; readonly short: readonly Shortfall[] }
  /** The reservation was committed or released already (a very late replay): nothing to hold. */
  | { readonly status: 'CLOSED'; readonly was: ReservationStatus };

export interface ReserveRequest {
  readonly orderKey: string;
  /** Every SKU × warehouse the plan may use. */
  readonly stockKeys: readonly { sku: string; warehouseId: string }[];
  readonly plan: (levels: readonly StockView[]) => Plan;
  readonly expiresAt: number;
  readonly dryRun: boolean;
}

/**
 * Racing orders can take the chosen stock between read and write. Each lost race means another
 * order got the units, so re-planning converges; the cap only guards against a defect.
 */
const MAX_PLAN_ATTEMPTS = 25;

function stored(reservation: { status: ReservationStatus; lines: readonly ReservationLine[]; details?: Record<string, unknown> }): ReserveResult {
  if (reservation.status !== 'RESERVED') return { status: 'CLOSED', was: reservation.status };
  return { status: 'RESERVED', lines: reservation.lines, details: reservation.details ?? {}, replayed: true };
}

export async function reserveOrder(store: ReservationStore, request: ReserveRequest): Promise<ReserveResult> {
  if (!request.dryRun) {
    const existing = await store.reservation(request.orderKey);
    if (existing && existing.status !== 'SHORTFALL') return stored(existing);
  }
  for (let attempt = 1; ; attempt++) {
    const plan = request.plan(await store.levels(request.stockKeys));
    if (plan.kind === 'short') return { status: 'SHORTFALL', short: plan.short };
    if (request.dryRun) return { status: 'RESERVED', lines: plan.lines, details: plan.details, replayed: false };
    const outcome = await store.reserve(request.orderKey, plan.lines, request.expiresAt, plan.details);
    if (outcome.status === 'RESERVED') {
      if (!outcome.replayed) return { status: 'RESERVED', lines: plan.lines, details: plan.details, replayed: false };
      // A concurrent copy of this step won: answer with what it held.
      const existing = await store.reservation(request.orderKey);
      if (existing) return stored(existing);
    }
    if (outcome.status === 'CLOSED') return { status: 'CLOSED', was: outcome.was };
    if (attempt >= MAX_PLAN_ATTEMPTS) throw new Error(`reservation of ${request.orderKey} lost ${attempt} races in a row; the step's retry will plan again`);
    // Spread the losers out so they do not collide on the next warehouse all at once.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * 2 ** attempt)));
  }
}
