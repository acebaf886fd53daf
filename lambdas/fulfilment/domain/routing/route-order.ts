import { availableAt, demandOf, fewestParcelOptions, shortfallOf } from './options.ts';
import { comparison, describeParcel, describeShortfall, describeWeights, whySplit } from './reasons.ts';
import { clampRisk, rankOptions, scoreOptions, type EvaluatedOption } from './scoring.ts';
import type { PlannedShipment, RoutingDecision, RoutingRequest } from './types.ts';

/**
 * Chooses the warehouse, or the split across warehouses, for one order: the option with the
 * fewest parcels (options.ts) and, among those, the best weighted score (scoring.ts). Candidates
 * outside the destination country are ignored: carriers here do not cross borders.
 */

/** How many runners-up a decision lists. */
const ALTERNATIVES = 3;

function toShipments(option: EvaluatedOption, request: RoutingRequest): PlannedShipment[] {
  return option.parcels.map((parcel) => ({
    warehouseId: parcel.candidate.warehouse.id,
    lines: parcel.lines,
    costMinor: parcel.quote.totalMinor + parcel.handlingMinor,
    shippingMinor: parcel.quote.totalMinor,
    handlingMinor: parcel.handlingMinor,
    currency: request.rateCard.currency,
    etaDays: parcel.dispatch.etaDays,
    promisedDeliveryDate: parcel.dispatch.promisedDeliveryDate,
    zone: parcel.quote.zone,
    weightGrams: parcel.quote.weightGrams,
    coverDays: parcel.health.coverDays,
    scores: option.scores,
  }));
}

/** The best option per distinct set of warehouses, so alternatives are real alternatives. */
function runnersUp(ranked: readonly EvaluatedOption[]): EvaluatedOption[] {
  const seen = new Set<string>([ranked[0]?.parcels.map((parcel) => parcel.candidate.warehouse.id).join('+') ?? '']);
  return ranked.filter((option) => {
    const ids = option.parcels.map((parcel) => parcel.candidate.warehouse.id).join('+');
    if (seen.has(ids)) return false;
    seen.add(ids);
    return true;
  });
}

export function routeOrder(request: RoutingRequest): RoutingDecision {
  const demand = demandOf(request.lines);
  const candidates = request.candidates.filter((candidate) => candidate.warehouse.country === request.destination.country);
  if (demand.length === 0) return { kind: 'unfillable', shipments: [], reasons: ['the order has no lines to ship'], alternatives: [], short: [] };
  const short = shortfallOf(demand, candidates);
  const options = short.length > 0 ? [] : fewestParcelOptions(demand, candidates);
  const [chosen, ...rest] = rankOptions(scoreOptions(request, options));
  if (!chosen) {
    const reasons = describeShortfall(short, candidates);
    return { kind: 'unfillable', shipments: [], reasons: reasons.length > 0 ? reasons : ['no warehouse can fill the order'], alternatives: [], short };
  }
  const others = runnersUp([chosen, ...rest]).slice(0, ALTERNATIVES);
  const risk = clampRisk(request.rtoRisk[request.paymentMethod]);
  const split = chosen.parcels.length > 1;
  const missing = (candidate: (typeof candidates)[number]) => demand.filter((line) => availableAt(candidate, line.sku) < line.quantity).map((line) => line.sku);
  const reasons = [
    ...(split ? [whySplit(candidates, missing, chosen.parcels.length)] : []),
    ...chosen.parcels.map((parcel) => describeParcel(parcel, request.rateCard, request.paymentMethod, risk)),
    comparison(chosen, others),
    describeWeights(request.weights),
  ];
  return {
    kind: split ? 'split' : 'single',
    shipments: toShipments(chosen, request),
    reasons,
    alternatives: others.map((option) => ({ warehouseIds: option.parcels.map((parcel) => parcel.candidate.warehouse.id), total: option.scores.total })),
    short: [],
  };
}
