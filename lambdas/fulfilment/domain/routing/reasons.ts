import type { PaymentMethod } from '../../../shared/canonical-order.ts';
import type { EvaluatedOption, EvaluatedParcel } from './scoring.ts';
import { normalisedWeights } from './scoring.ts';
import type { RoutingWeights, Shortfall, WarehouseCandidate } from './types.ts';
import type { RateCard } from './rate-card.ts';

/**
 * The sentences ops and the what-if tool read: every factor that weighed in, in the customer's
 * currency, so a surprising choice can be explained without re-running the numbers.
 */

const SYMBOL: Record<RateCard['currency'], string> = { INR: '₹', IDR: 'Rp ', MYR: 'RM ' };

export function formatMoney(minor: number, currency: RateCard['currency']): string {
  const major = minor / 100;
  const digits = Number.isInteger(Math.round(major * 100) / 100) ? 0 : 2;
  return `${SYMBOL[currency]}${major.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

const kilograms = (grams: number) => `${Number((grams / 1000).toFixed(2))} kg`;
const two = (value: number) => value.toFixed(2);
const wholeDays = (days: number, unit: string) => `${Math.floor(days)} ${unit}${Math.floor(days) === 1 ? '' : 's'}`;

export function describeParcel(parcel: EvaluatedParcel, card: RateCard, payment: PaymentMethod, risk: number): string {
  const { quote, dispatch, health } = parcel;
  const currency = card.currency;
  const cod = quote.codFeeMinor > 0 ? `, incl. ${formatMoney(quote.codFeeMinor, currency)} COD fee` : '';
  const slabs = `${quote.slabs} slab${quote.slabs === 1 ? '' : 's'} of ${card.slabGrams} g`;
  const cutoff = dispatch.afterCutoff ? ` (after the ${parcel.candidate.warehouse.dispatchCutoff.localTime} cut-off, leaves tomorrow)` : '';
  const low = health.low ? `, leaving ${health.sku} below its safety stock` : '';
  return (
    `${parcel.candidate.warehouse.id}: ${formatMoney(quote.totalMinor, currency)} shipping (zone ${quote.zone}, ${kilograms(quote.weightGrams)} = ${slabs}${cod})` +
    ` + ${formatMoney(parcel.handlingMinor, currency)} handling, ${wholeDays(dispatch.etaDays, 'day')}${cutoff} to ${dispatch.promisedDeliveryDate},` +
    ` ${wholeDays(health.coverDays, 'day')} of cover for ${health.sku}${low},` +
    ` expected RTO cost ${formatMoney(Math.round(parcel.expectedRtoMinor), currency)} at ${Math.round(risk * 100)}% ${payment} return risk`
  );
}

const idsOf = (option: EvaluatedOption) => option.parcels.map((parcel) => parcel.candidate.warehouse.id).join(' + ');

export function comparison(chosen: EvaluatedOption, others: readonly EvaluatedOption[]): string {
  const scores = `cost ${two(chosen.scores.cost)}, speed ${two(chosen.scores.speed)}, stock health ${two(chosen.scores.stockHealth)}, RTO risk ${two(chosen.scores.rtoRisk)}`;
  if (others.length === 0) return `${idsOf(chosen)} is the only option (${scores}; total ${two(chosen.scores.total)})`;
  return `best total ${two(chosen.scores.total)} (${scores}) vs ${others.map((other) => `${idsOf(other)} ${two(other.scores.total)}`).join(', ')}`;
}

export function describeWeights(weights: RoutingWeights): string {
  const share = normalisedWeights(weights);
  return `weights: cost ${two(share.cost)}, speed ${two(share.speed)}, stock health ${two(share.stockHealth)}, RTO risk ${two(share.rtoRisk)}`;
}

/** Why no single warehouse could take the order: what each one lacks. */
export function whySplit(candidates: readonly WarehouseCandidate[], missing: (candidate: WarehouseCandidate) => readonly string[], parcels: number): string {
  const lacks = [...candidates]
    .sort((a, b) => a.warehouse.id.localeCompare(b.warehouse.id))
    .map((candidate) => `${candidate.warehouse.id} lacks ${missing(candidate).join(', ')}`)
    .join('; ');
  return `no single warehouse holds every line (${lacks}); split into ${parcels} shipments, the fewest possible`;
}

export function describeShortfall(short: readonly Shortfall[], candidates: readonly WarehouseCandidate[]): string[] {
  const where = candidates.map((candidate) => candidate.warehouse.id).sort().join(', ') || 'no warehouse';
  return short.map((entry) => `${entry.sku}: ${entry.requested} ordered, only ${entry.available} available across ${where}`);
}
