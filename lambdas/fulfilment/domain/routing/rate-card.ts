import type { Country, Currency, PaymentMethod } from '../../../shared/canonical-order.ts';

/**
 * A carrier rate card: price by zone and weight, per country. Prices are integer minor units.
 * India is zoned the way Indian couriers zone (city, state, metro pair, rest of India, special
 * regions); Indonesia and Malaysia are zoned by province/state and island/region, because there
 * the sea crossing, not the distance, is what makes a parcel slow and dear.
 */
export const INDIA_ZONES = ['within-city', 'within-state', 'metro-to-metro', 'rest-of-india', 'special'] as const;
export const INDONESIA_ZONES = ['same-province', 'same-island', 'cross-island'] as const;
export const MALAYSIA_ZONES = ['same-state', 'same-region', 'cross-region'] as const;
export type IndiaZone = (typeof INDIA_ZONES)[number];
export type IndonesiaZone = (typeof INDONESIA_ZONES)[number];
export type MalaysiaZone = (typeof MALAYSIA_ZONES)[number];
export type Zone = IndiaZone | IndonesiaZone | MalaysiaZone;

export interface ZoneRate {
  /** Price of the first slab (up to `slabGrams`). */
  readonly firstSlabMinor: number;
  /** Price of every further slab or part of one. */
  readonly additionalSlabMinor: number;
  /** Carrier's promised transit days from dispatch. */
  readonly transitDays: number;
}

/** A metro area: places within `radiusKm` of its centre are in it (district names vary too much between sources to match on). */
export interface MetroArea {
  readonly name: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly radiusKm: number;
}

export interface IndiaGeography {
  readonly metros: readonly MetroArea[];
  /** States and territories couriers price as special (north-east, J&K, islands), in any spelling `placeKey` folds. */
  readonly specialStates: readonly string[];
  /** Two places this close are one city for a courier even across a district line. */
  readonly sameCityKm: number;
}

export interface RegionGeography {
  /** State or province (any spelling `placeKey` folds) → island or region. */
  readonly regionOf: Readonly<Record<string, string>>;
  /** Region of a state the map does not list; none: unknown states count as another region (the dearer guess). */
  readonly defaultRegion?: string;
  /**
   * Places this close price as one province or state: couriers treat Jabodetabek or the Klang
   * Valley as one local area although it spans several.
   */
  readonly localKm: number;
}

interface Pricing<Z extends Zone> {
  readonly currency: Currency;
  readonly slabGrams: number;
  readonly zones: Readonly<Record<Z, ZoneRate>>;
  /** Flat fee per COD shipment: every parcel collects separately, so a split pays it twice. */
  readonly codFeeMinor: number;
  /** Return (RTO) freight as a share of forward freight; Indian couriers charge RTO at the forward rate. */
  readonly returnFreightRatio: number;
}

export type RateCard =
  | (Pricing<IndiaZone> & { readonly country: Extract<Country, 'IN'>; readonly geography: IndiaGeography })
  | (Pricing<IndonesiaZone> & { readonly country: Extract<Country, 'ID'>; readonly geography: RegionGeography })
  | (Pricing<MalaysiaZone> & { readonly country: Extract<Country, 'MY'>; readonly geography: RegionGeography });

export interface ShippingQuote {
  readonly zone: Zone;
  readonly weightGrams: number;
  readonly slabs: number;
  readonly freightMinor: number;
  readonly codFeeMinor: number;
  /** What the merchant pays the carrier for the forward trip. */
  readonly totalMinor: number;
  /** Freight for the trip back if the parcel is refused (the COD fee is not charged on a return). */
  readonly returnFreightMinor: number;
  readonly transitDays: number;
}

/** Whole slabs charged: any part of a slab is a slab, and an empty parcel still pays the first. */
export function slabsFor(weightGrams: number, slabGrams: number): number {
  return Math.max(1, Math.ceil(weightGrams / slabGrams));
}

function rateOf(card: RateCard, zone: Zone): ZoneRate {
  const rate = (card.zones as Readonly<Record<string, ZoneRate>>)[zone];
  if (!rate) throw new Error(`the ${card.country} rate card has no zone "${zone}"`);
  return rate;
}

export function quoteShipping(card: RateCard, zone: Zone, weightGrams: number, payment: PaymentMethod): ShippingQuote {
  const rate = rateOf(card, zone);
  const slabs = slabsFor(weightGrams, card.slabGrams);
  const freightMinor = rate.firstSlabMinor + (slabs - 1) * rate.additionalSlabMinor;
  const codFeeMinor = payment === 'cod' ? card.codFeeMinor : 0;
  return {
    zone,
    weightGrams,
    slabs,
    freightMinor,
    codFeeMinor,
    totalMinor: freightMinor + codFeeMinor,
    returnFreightMinor: Math.round(freightMinor * card.returnFreightRatio),
    transitDays: rate.transitDays,
  };
}
