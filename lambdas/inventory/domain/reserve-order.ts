import { allocate, type AllocatedSubstitution, type OrderedItem } from './allocation.ts';
import type { ReservationLine, ReservationStatus } from './reservation.ts';
import type { SubstitutionRules } from './substitution.ts';

/**
 * Reserve Stock for one order: choose the warehouse from current availability, hold the stock
 * all or nothing, and if another order took the last units between the read and the write,
 * choose again from fresh numbers. A replay returns the reservation already held, never a
 * second one. In shadow mode nothing is written: the answer says what would have been held.
 */
export interface ReservationStore {
  reservation(orderKey: string): Promise<{ status: ReservationStatus; lines: readonly ReservationLine[]; details?: Record<string, unknown> } | undefined>;
  levels(keys: readonly { sku: string; warehouseId: string }[]): Promise<readonly { sku: string; warehouseId: string; available: number }[]>;
  reserve(orderKey: string, lines: readonly ReservationLine[], expiresAt: number, details?: Record<string, unknown>): Promise<{ status: 'RESERVED'; replayed: boolean } | { status: 'SHORTFALL' } | { status: 'CLOSED'; was: ReservationStatus }>;
}

export type ReserveResult =
  | { readonly status: 'RESERVED'; readonly warehouseId: string; readonly lines: readonly ReservationLine[]; readonly substitutions: readonly AllocatedSubstitution[]; readonly replayed: boolean }
  | { readonly status: 'SHORTFALL'; readonly short: readonly { sku: string; requested: number; bestAvailable: number }[] }
  /** The reservation was committed or released already (a very late replay): nothing to hold. */
  | { readonly status: 'CLOSED'; readonly was: ReservationStatus };

export interface ReserveRequest {
  readonly orderKey: string;
  readonly items: readonly OrderedItem[];
  readonly warehouseIds: readonly string[];
  readonly rules: SubstitutionRules;
  readonly expiresAt: number;
  readonly dryRun: boolean;
}

/** Racing orders can take the chosen stock between read and write; after this many re-choices it is a shortfall. */
const MAX_ALLOCATION_ATTEMPTS = 4;

function stored(reservation: { status: ReservationStatus; lines: readonly ReservationLine[]; details?: Record<string, unknown> }): ReserveResult {
  if (reservation.status !== 'RESERVED') return { status: 'CLOSED', was: reservation.status };
  const details = reservation.details ?? {};
  return {
    status: 'RESERVED',
    warehouseId: String(details.warehouseId ?? reservation.lines[0]?.warehouseId ?? ''),
    lines: reservation.lines,
    substitutions: (details.substitutions as AllocatedSubstitution[] | undefined) ?? [],
    replayed: true,
  };
}

export async function reserveOrder(store: ReservationStore, request: ReserveRequest): Promise<ReserveResult> {
  if (!request.dryRun) {
    const existing = await store.reservation(request.orderKey);
    if (existing && existing.status !== 'SHORTFALL') return stored(existing);
  }
  // Every SKU that could fill a line, at every warehouse the brand ships from.
  const skus = new Set(request.items.flatMap((item) => [item.sku, ...(request.rules.equivalents[item.sku] ?? []).map((equivalent) => equivalent.sku)]));
  const keys = [...skus].flatMap((sku) => request.warehouseIds.map((warehouseId) => ({ sku, warehouseId })));
  for (let attempt = 1; ; attempt++) {
    const levels = await store.levels(keys);
    const available = new Map(levels.map((level) => [`${level.sku}@${level.warehouseId}`, level.available]));
    const allocation = allocate(request.items, request.warehouseIds, (sku, warehouseId) => available.get(`${sku}@${warehouseId}`) ?? 0, request.rules);
    if (allocation.kind === 'short') return { status: 'SHORTFALL', short: allocation.short };
    const { warehouseId, lines, substitutions } = allocation;
    if (request.dryRun) return { status: 'RESERVED', warehouseId, lines, substitutions, replayed: false };
    const outcome = await store.reserve(request.orderKey, lines, request.expiresAt, { warehouseId, substitutions });
    if (outcome.status === 'RESERVED') {
      if (!outcome.replayed) return { status: 'RESERVED', warehouseId, lines, substitutions, replayed: false };
      // A concurrent copy of this step won: answer with what it held.
      const existing = await store.reservation(request.orderKey);
      if (existing) return stored(existing);
    }
    if (outcome.status === 'CLOSED') return { status: 'CLOSED', was: outcome.was };
    if (attempt >= MAX_ALLOCATION_ATTEMPTS) {
      const fresh = await store.levels(keys);
      const best = (sku: string) => Math.max(0, ...fresh.filter((level) => level.sku === sku).map((level) => level.available));
      const all = request.items.map((item) => ({ sku: item.sku, requested: item.quantity, bestAvailable: best(item.sku) }));
      const short = all.filter((entry) => entry.bestAvailable < entry.requested);
      return { status: 'SHORTFALL', short: short.length > 0 ? short : all };
    }
  }
}
