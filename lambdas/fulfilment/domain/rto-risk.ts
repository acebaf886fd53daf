/**
 * Return-to-origin (RTO) risk of one destination and payment method, learned from past delivery
 * outcomes. In India a COD parcel to some pincodes comes back undelivered far more often than a
 * prepaid one; routing and COD address confirmation act on this estimate.
 *
 * The estimate is hierarchical empirical Bayes with beta-binomial updates. Every level is a
 * Beta prior centred on its parent's estimate and worth PRIOR_STRENGTH pseudo-orders:
 *
 *   national = (returned_N + k · NATIONAL_PRIOR) / (orders_N + k)
 *   state    = (returned_S + k · national)       / (orders_S + k)
 *   district = (returned_D + k · state)          / (orders_D + k)
 *   pincode  = (returned_P + k · district)       / (orders_P + k)
 *
 * so a level's own rate gets the weight orders / (orders + k): a pincode with 3 orders moves its
 * district's estimate by 3/23 of the way towards its own rate, one with 500 by 500/520. A level
 * the caller does not know (no district for the address, say) passes its parent's estimate on.
 */

export type PaymentMethod = 'cod' | 'prepaid';
export type DeliveryOutcome = 'delivered' | 'returned';
export type AreaLevel = 'pincode' | 'district' | 'state' | 'national';
export type RiskBand = 'low' | 'medium' | 'high';

/** Delivery outcomes of one payment method in one area. */
export interface OutcomeCounts {
  readonly delivered: number;
  readonly returned: number;
}

/** Outcomes of one area, per payment method. */
export interface AreaCounts {
  readonly cod: OutcomeCounts;
  readonly prepaid: OutcomeCounts;
}

/** What is known of a destination, finest level first; unknown areas are left out. */
export interface RtoAreaStats {
  readonly pincode?: AreaCounts;
  readonly district?: AreaCounts;
  readonly state?: AreaCounts;
  readonly national: AreaCounts;
}

export interface RtoRiskEstimate {
  /** Probability that a parcel to this destination comes back undelivered, in [0, 1]. */
  readonly risk: number;
  /** The finest level with at least MIN_BASIS_OBSERVATIONS orders of this payment method. */
  readonly basis: AreaLevel;
  /** Orders of this payment method observed at the basis level. */
  readonly observations: number;
  readonly explanation: string;
}

/**
 * Pseudo-orders a parent's estimate is worth as a child's prior. 20 is about what a new pincode
 * sees in a month of a mid-size brand's COD orders: below that the district speaks louder, above
 * it the pincode's own history does, and at 100+ orders it is more than 80 % the pincode's own.
 */
export const PRIOR_STRENGTH = 20;

/**
 * Orders a level needs before it is named as the basis of an estimate: at 30 its own rate carries
 * 60 % of the weight (30 / (30 + 20)), so the estimate is mostly that area's own experience.
 */
export const MIN_BASIS_OBSERVATIONS = 30;

/**
 * Rates assumed before any outcome is recorded anywhere, the prior of the national level: typical
 * Indian D2C figures (COD RTO commonly 15–35 %, prepaid 2–5 %). Once the national level holds a
 * few hundred outcomes they no longer matter.
 */
export const NATIONAL_PRIOR: Readonly<Record<PaymentMethod, number>> = { cod: 0.2, prepaid: 0.03 };

/**
 * Band limits. Below 10 % (prepaid everywhere, COD in the best metros) nothing extra is done;
 * from 25 % (one COD parcel in four comes back, paying shipping both ways) an order is worth an
 * address/intent confirmation before it ships, or a nudge to prepay.
 */
export const RISK_BANDS = { mediumFrom: 0.1, highFrom: 0.25 } as const;

const EMPTY: OutcomeCounts = { delivered: 0, returned: 0 };

/** Missing, negative or non-finite counts are treated as nothing observed. */
function clean(counts: OutcomeCounts | undefined): OutcomeCounts {
  if (!counts) return EMPTY;
  const valid = (value: number) => (Number.isFinite(value) && value > 0 ? value : 0);
  return { delivered: valid(counts.delivered), returned: valid(counts.returned) };
}

const percent = (value: number) => `${(value * 100).toFixed(1)}%`;

/** The counts after one more outcome (pure; the input is not changed). */
export function applyOutcome(counts: OutcomeCounts, outcome: DeliveryOutcome): OutcomeCounts {
  return outcome === 'delivered' ? { ...counts, delivered: counts.delivered + 1 } : { ...counts, returned: counts.returned + 1 };
}

export function riskBand(risk: number): RiskBand {
  if (risk >= RISK_BANDS.highFrom) return 'high';
  return risk >= RISK_BANDS.mediumFrom ? 'medium' : 'low';
}

/** RTO risk of a destination for one payment method; see the module comment for the formula. */
export function estimateRtoRisk(stats: RtoAreaStats, payment: PaymentMethod): RtoRiskEstimate {
  const coarseToFine: [AreaLevel, AreaCounts | undefined][] = [
    ['national', stats.national],
    ['state', stats.state],
    ['district', stats.district],
    ['pincode', stats.pincode],
  ];
  let estimate = NATIONAL_PRIOR[payment];
  let basis: AreaLevel = 'national';
  let observations = 0;
  const steps: string[] = [];
  for (const [level, area] of coarseToFine) {
    if (!area && level !== 'national') continue;
    const { delivered, returned } = clean(area?.[payment]);
    const orders = delivered + returned;
    const prior = estimate;
    estimate = Math.min(1, Math.max(0, (returned + PRIOR_STRENGTH * prior) / (orders + PRIOR_STRENGTH)));
    if (level === 'national' || orders >= MIN_BASIS_OBSERVATIONS) {
      basis = level;
      observations = orders;
    }
    const weight = orders / (orders + PRIOR_STRENGTH);
    steps.unshift(`${level} ${returned}/${orders} returned (own weight ${percent(weight)} against ${percent(prior)}) → ${percent(estimate)}`);
  }
  const label = payment === 'cod' ? 'COD' : 'prepaid';
  return {
    risk: estimate,
    basis,
    observations,
    explanation: `${label} RTO risk ${percent(estimate)} (${riskBand(estimate)}), based on ${basis} with ${observations} ${label} orders: ${steps.join('; ')}`,
  };
}
