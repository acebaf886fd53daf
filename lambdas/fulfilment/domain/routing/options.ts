import type { OrderedLine, Shortfall, WarehouseCandidate } from './types.ts';

/**
 * The ways an order can be filled, fewest parcels first. Rules, in order:
 * 1. one warehouse that holds every line beats any split;
 * 2. otherwise only the splits with the fewest parcels are considered;
 * 3. a SKU's quantity is divided between warehouses only when no candidate holds all of it,
 *    because two half-parcels of one item cost two labels and confuse the customer.
 * Splitting a SKU takes from the fullest warehouses first (ties by id), so it is cut into as few
 * pieces as the set allows.
 */

export interface Parcel {
  readonly candidate: WarehouseCandidate;
  readonly lines: readonly OrderedLine[];
}
export type FillOption = readonly Parcel[];

/** Past this many line assignments per warehouse set, the rest are not explored (deterministically). */
const MAX_ASSIGNMENTS_PER_SET = 4096;

export function availableAt(candidate: WarehouseCandidate, sku: string): number {
  return Math.max(0, candidate.stock[sku]?.available ?? 0);
}

/** Repeated SKUs summed, empty lines dropped, first-seen order kept. */
export function demandOf(lines: readonly OrderedLine[]): OrderedLine[] {
  const totals = new Map<string, number>();
  for (const line of lines) if (line.quantity > 0) totals.set(line.sku, (totals.get(line.sku) ?? 0) + line.quantity);
  return [...totals].map(([sku, quantity]) => ({ sku, quantity }));
}

export function shortfallOf(demand: readonly OrderedLine[], candidates: readonly WarehouseCandidate[]): Shortfall[] {
  return demand
    .map((line) => ({ sku: line.sku, requested: line.quantity, available: candidates.reduce((sum, candidate) => sum + availableAt(candidate, line.sku), 0) }))
    .filter((entry) => entry.available < entry.requested);
}

type Piece = { readonly warehouseId: string; readonly sku: string; readonly quantity: number };

function splitAcross(set: readonly WarehouseCandidate[], line: OrderedLine): Piece[] | undefined {
  const fullestFirst = [...set].sort((a, b) => availableAt(b, line.sku) - availableAt(a, line.sku) || a.warehouse.id.localeCompare(b.warehouse.id));
  const pieces: Piece[] = [];
  let remaining = line.quantity;
  for (const candidate of fullestFirst) {
    const quantity = Math.min(remaining, availableAt(candidate, line.sku));
    if (quantity > 0) pieces.push({ warehouseId: candidate.warehouse.id, sku: line.sku, quantity });
    remaining -= quantity;
  }
  return remaining === 0 ? pieces : undefined;
}

/** For each SKU, the ways this set can ship it; undefined when it cannot. */
function choicesWithin(set: readonly WarehouseCandidate[], demand: readonly OrderedLine[], all: readonly WarehouseCandidate[]): Piece[][][] | undefined {
  const choices: Piece[][][] = [];
  for (const line of demand) {
    const heldWhole = all.some((candidate) => availableAt(candidate, line.sku) >= line.quantity);
    const options = heldWhole
      ? set.filter((candidate) => availableAt(candidate, line.sku) >= line.quantity).map((candidate) => [{ warehouseId: candidate.warehouse.id, ...line }])
      : [splitAcross(set, line)].filter((pieces): pieces is Piece[] => pieces !== undefined);
    if (options.length === 0) return undefined;
    choices.push(options);
  }
  return choices;
}

function assignmentsWithin(set: readonly WarehouseCandidate[], demand: readonly OrderedLine[], all: readonly WarehouseCandidate[]): FillOption[] {
  const choices = choicesWithin(set, demand, all);
  if (!choices) return [];
  let partials: Piece[][] = [[]];
  for (const options of choices) partials = partials.flatMap((partial) => options.map((pieces) => [...partial, ...pieces])).slice(0, MAX_ASSIGNMENTS_PER_SET);
  return partials
    .map((pieces) => set.map((candidate) => ({ candidate, lines: pieces.filter((piece) => piece.warehouseId === candidate.warehouse.id).map(({ sku, quantity }) => ({ sku, quantity })) })))
    .filter((parcels) => parcels.every((parcel) => parcel.lines.length > 0));
}

function* subsetsOfSize<T>(items: readonly T[], size: number, from = 0): Generator<T[]> {
  if (size === 0) {
    yield [];
    return;
  }
  for (let index = from; index <= items.length - size; index++) {
    for (const rest of subsetsOfSize(items, size - 1, index + 1)) yield [items[index]!, ...rest];
  }
}

/** Every way to fill the order with the fewest parcels possible; empty when no combination can. */
export function fewestParcelOptions(demand: readonly OrderedLine[], candidates: readonly WarehouseCandidate[]): FillOption[] {
  if (demand.length === 0) return [];
  const byId = [...candidates].sort((a, b) => a.warehouse.id.localeCompare(b.warehouse.id));
  for (let size = 1; size <= byId.length; size++) {
    const options: FillOption[] = [];
    for (const set of subsetsOfSize(byId, size)) options.push(...assignmentsWithin(set, demand, candidates));
    if (options.length > 0) return options;
  }
  return [];
}
