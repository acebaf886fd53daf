import { planDispatch, type DispatchPlan } from './dispatch.ts';
import type { FillOption, Parcel } from './options.ts';
import { quoteShipping, type ShippingQuote } from './rate-card.ts';
import { shipmentHealth, type LineHealth } from './stock-health.ts';
import type { RoutingRequest, RoutingWeights, Scores } from './types.ts';
import { zoneFor } from './zones.ts';

/**
 * Scores of the ways to fill one order. Each option (one parcel, or a split) gets four raw values:
 *
 *   cost        Σ parcels (carrier price + COD fee + warehouse per-order and per-unit charge)
 *   speed       the slowest parcel's days to delivery (the customer waits for the last one)
 *   stockHealth the worst parcel's health (stock-health.ts), 0–1
 *   rtoRisk     Σ parcels risk × (forward + return freight): the expected cost of parcels coming back
 *
 * Each is normalised against the best option of this order, so the best scores 1 and others the
 * share of it they achieve: best ÷ value for cost, days and RTO cost (lower is better), value ÷
 * best for health. An option at 0 where lower is better scores 1, and when every option's health
 * is 0 they all score 1 (nothing to tell them apart). The total is Σ weight × score with the
 * weights divided by their sum (equal weights when all are 0), so totals are 0–1 as well.
 */

export interface EvaluatedParcel extends Parcel {
  readonly quote: ShippingQuote;
  readonly dispatch: DispatchPlan;
  readonly health: LineHealth;
  readonly handlingMinor: number;
  readonly expectedRtoMinor: number;
}

export interface EvaluatedOption {
  readonly parcels: readonly EvaluatedParcel[];
  readonly raw: { readonly costMinor: number; readonly etaDays: number; readonly health: number; readonly expectedRtoMinor: number };
  readonly scores: Scores;
  /** Warehouse ids and lines, for deterministic tie-breaks. */
  readonly key: string;
}

export const clampRisk = (risk: number) => (Number.isFinite(risk) ? Math.min(1, Math.max(0, risk)) : 0);

export function normalisedWeights(weights: RoutingWeights): RoutingWeights {
  const parts = [weights.cost, weights.speed, weights.stockHealth, weights.rtoRisk].map((weight) => (Number.isFinite(weight) ? Math.max(0, weight) : 0));
  const sum = parts.reduce((total, weight) => total + weight, 0);
  const [cost = 0, speed = 0, stockHealth = 0, rtoRisk = 0] = sum === 0 ? [0.25, 0.25, 0.25, 0.25] : parts.map((weight) => weight / sum);
  return { cost, speed, stockHealth, rtoRisk };
}

function evaluateParcel(request: RoutingRequest, parcel: Parcel): EvaluatedParcel {
  const { warehouse } = parcel.candidate;
  if (warehouse.cost.currency !== request.rateCard.currency) {
    throw new Error(`${warehouse.id} charges in ${warehouse.cost.currency} but the ${request.rateCard.country} rate card is in ${request.rateCard.currency}`);
  }
  const units = parcel.lines.reduce((sum, line) => sum + line.quantity, 0);
  const weightGrams = parcel.lines.reduce((sum, line) => sum + line.quantity * request.weightGrams(line.sku), 0);
  const quote = quoteShipping(request.rateCard, zoneFor(request.rateCard, parcel.candidate.location, request.destination), weightGrams, request.paymentMethod);
  const risk = clampRisk(request.rtoRisk[request.paymentMethod]);
  return {
    ...parcel,
    quote,
    dispatch: planDispatch(request.orderedAt, warehouse, quote.transitDays),
    health: shipmentHealth(parcel.candidate, parcel.lines),
    handlingMinor: warehouse.cost.perOrderMinor + warehouse.cost.perUnitMinor * units,
    expectedRtoMinor: risk * (quote.freightMinor + quote.returnFreightMinor),
  };
}

const lowerIsBetter = (value: number, best: number) => (value === 0 ? 1 : best / value);
const higherIsBetter = (value: number, best: number) => (best === 0 ? 1 : value / best);

export function scoreOptions(request: RoutingRequest, options: readonly FillOption[]): EvaluatedOption[] {
  const evaluated = options.map((option) => {
    const parcels = option.map((parcel) => evaluateParcel(request, parcel));
    const raw = {
      costMinor: parcels.reduce((sum, parcel) => sum + parcel.quote.totalMinor + parcel.handlingMinor, 0),
      etaDays: Math.max(...parcels.map((parcel) => parcel.dispatch.etaDays)),
      health: Math.min(...parcels.map((parcel) => parcel.health.health)),
      expectedRtoMinor: parcels.reduce((sum, parcel) => sum + parcel.expectedRtoMinor, 0),
    };
    const key = parcels.map((parcel) => `${parcel.candidate.warehouse.id}[${parcel.lines.map((line) => `${line.sku}×${line.quantity}`).join(',')}]`).join('+');
    return { parcels, raw, key };
  });
  const best = {
    costMinor: Math.min(...evaluated.map((option) => option.raw.costMinor)),
    etaDays: Math.min(...evaluated.map((option) => option.raw.etaDays)),
    health: Math.max(...evaluated.map((option) => option.raw.health)),
    expectedRtoMinor: Math.min(...evaluated.map((option) => option.raw.expectedRtoMinor)),
  };
  const weights = normalisedWeights(request.weights);
  return evaluated.map((option) => {
    const cost = lowerIsBetter(option.raw.costMinor, best.costMinor);
    const speed = lowerIsBetter(option.raw.etaDays, best.etaDays);
    const stockHealth = higherIsBetter(option.raw.health, best.health);
    const rtoRisk = lowerIsBetter(option.raw.expectedRtoMinor, best.expectedRtoMinor);
    const total = weights.cost * cost + weights.speed * speed + weights.stockHealth * stockHealth + weights.rtoRisk * rtoRisk;
    return { ...option, scores: { cost, speed, stockHealth, rtoRisk, total } };
  });
}

/** Best total first; equal totals (to 1e-9, so float noise cannot decide) by warehouse ids and lines. */
export function rankOptions(options: readonly EvaluatedOption[]): EvaluatedOption[] {
  const rounded = (total: number) => Math.round(total * 1e9);
  return [...options].sort((a, b) => rounded(b.scores.total) - rounded(a.scores.total) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
