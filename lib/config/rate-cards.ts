import type { Country } from '../../lambdas/shared/canonical-order.ts';
import type { RateCard } from '../../lambdas/fulfilment/domain/routing/rate-card.ts';

/**
 * What the carriers charge, per destination country, in minor units. Modelled on the published
 * aggregator cards the brands ship with (surface express), rounded; refreshed when a card changes.
 *
 * India prices each started 500 g, by courier zone; Indonesia and Malaysia price each started kg,
 * by whether the parcel stays in the province or state, on the island or region, or crosses the sea.
 */

/** States and territories Indian couriers price as special: the north-east, J&K and Ladakh, the islands. */
const INDIA_SPECIAL_STATES = [
  'Arunachal Pradesh', 'Assam', 'Manipur', 'Meghalaya', 'Mizoram', 'Nagaland', 'Sikkim', 'Tripura',
  'Jammu & Kashmir', 'Ladakh', 'Andaman & Nicobar Islands', 'Lakshadweep',
];

/** The metros of courier "metro-to-metro" pricing; the radius takes in the satellite towns warehouses sit in. */
const INDIA_METROS = [
  { name: 'Delhi NCR', latitude: 28.6139, longitude: 77.209, radiusKm: 60 },
  { name: 'Mumbai', latitude: 19.076, longitude: 72.8777, radiusKm: 60 },
  { name: 'Bengaluru', latitude: 12.9716, longitude: 77.5946, radiusKm: 45 },
  { name: 'Chennai', latitude: 13.0827, longitude: 80.2707, radiusKm: 40 },
  { name: 'Kolkata', latitude: 22.5726, longitude: 88.3639, radiusKm: 40 },
  { name: 'Hyderabad', latitude: 17.385, longitude: 78.4867, radiusKm: 40 },
  { name: 'Pune', latitude: 18.5204, longitude: 73.8567, radiusKm: 30 },
  { name: 'Ahmedabad', latitude: 23.0225, longitude: 72.5714, radiusKm: 30 },
];

/** Province → island group, in English (as the postal module names them) and Indonesian. */
const INDONESIA_ISLANDS: Record<string, readonly string[]> = {
  java: ['DKI Jakarta', 'Jakarta', 'Banten', 'West Java', 'Jawa Barat', 'Central Java', 'Jawa Tengah', 'DI Yogyakarta', 'Yogyakarta', 'East Java', 'Jawa Timur'],
  sumatra: [
    'Aceh', 'North Sumatra', 'Sumatera Utara', 'West Sumatra', 'Sumatera Barat', 'Riau', 'Riau Islands', 'Kepulauan Riau', 'Jambi',
    'South Sumatra', 'Sumatera Selatan', 'Bengkulu', 'Lampung', 'Bangka Belitung Islands', 'Kepulauan Bangka Belitung',
  ],
  kalimantan: ['West Kalimantan', 'Kalimantan Barat', 'Central Kalimantan', 'Kalimantan Tengah', 'South Kalimantan', 'Kalimantan Selatan', 'East Kalimantan', 'Kalimantan Timur', 'North Kalimantan', 'Kalimantan Utara'],
  sulawesi: [
    'North Sulawesi', 'Sulawesi Utara', 'Gorontalo', 'Central Sulawesi', 'Sulawesi Tengah', 'West Sulawesi', 'Sulawesi Barat',
    'South Sulawesi', 'Sulawesi Selatan', 'Southeast Sulawesi', 'Sulawesi Tenggara',
  ],
  'bali-nusa-tenggara': ['Bali', 'West Nusa Tenggara', 'Nusa Tenggara Barat', 'East Nusa Tenggara', 'Nusa Tenggara Timur'],
  maluku: ['Maluku', 'North Maluku', 'Maluku Utara'],
  papua: ['Papua', 'West Papua', 'Papua Barat', 'South Papua', 'Central Papua', 'Highland Papua', 'Southwest Papua'],
};

const regionMap = (groups: Record<string, readonly string[]>) => Object.fromEntries(Object.entries(groups).flatMap(([region, states]) => states.map((state) => [state, region])));

export const RATE_CARDS: { readonly [C in Country]: Extract<RateCard, { country: C }> } = {
  IN: {
    country: 'IN',
    currency: 'INR',
    slabGrams: 500,
    zones: {
      'within-city': { firstSlabMinor: 3500, additionalSlabMinor: 3000, transitDays: 1 },
      'within-state': { firstSlabMinor: 4200, additionalSlabMinor: 3800, transitDays: 2 },
      'metro-to-metro': { firstSlabMinor: 5500, additionalSlabMinor: 5000, transitDays: 3 },
      'rest-of-india': { firstSlabMinor: 6500, additionalSlabMinor: 6000, transitDays: 5 },
      special: { firstSlabMinor: 8500, additionalSlabMinor: 8000, transitDays: 7 },
    },
    codFeeMinor: 4000,
    returnFreightRatio: 1,
    geography: { metros: INDIA_METROS, specialStates: INDIA_SPECIAL_STATES, sameCityKm: 30 },
  },
  ID: {
    country: 'ID',
    currency: 'IDR',
    slabGrams: 1000,
    zones: {
      'same-province': { firstSlabMinor: 1_000_000, additionalSlabMinor: 900_000, transitDays: 2 },
      'same-island': { firstSlabMinor: 1_800_000, additionalSlabMinor: 1_600_000, transitDays: 3 },
      'cross-island': { firstSlabMinor: 4_500_000, additionalSlabMinor: 4_000_000, transitDays: 5 },
    },
    codFeeMinor: 500_000,
    returnFreightRatio: 1,
    geography: { regionOf: regionMap(INDONESIA_ISLANDS), localKm: 50 },
  },
  MY: {
    country: 'MY',
    currency: 'MYR',
    slabGrams: 1000,
    zones: {
      'same-state': { firstSlabMinor: 600, additionalSlabMinor: 200, transitDays: 1 },
      'same-region': { firstSlabMinor: 750, additionalSlabMinor: 250, transitDays: 2 },
      // Peninsular ↔ Sabah, Sarawak, Labuan goes by air or sea: dearer per kg and slower.
      'cross-region': { firstSlabMinor: 1400, additionalSlabMinor: 800, transitDays: 4 },
    },
    codFeeMinor: 300,
    returnFreightRatio: 1,
    geography: { regionOf: regionMap({ east: ['Sabah', 'Sarawak', 'Labuan', 'Wilayah Persekutuan Labuan'] }), defaultRegion: 'peninsular', localKm: 40 },
  },
};

export function rateCardFor(country: Country): RateCard {
  return RATE_CARDS[country];
}

/**
 * Warehouse state and district, for callers that cannot look the warehouse's postal code up
 * (the postal module is the first choice; this keeps routing working if it does not know a code).
 */
export const WAREHOUSE_REGIONS: Readonly<Record<string, { readonly state: string; readonly district?: string }>> = {
  'IN-BLR-01': { state: 'Karnataka', district: 'Bangalore Rural' },
  'IN-DEL-01': { state: 'Haryana', district: 'Gurgaon' },
  'IN-BOM-01': { state: 'Maharashtra', district: 'Thane' },
  'ID-JKT-01': { state: 'West Java' },
  'ID-SUB-01': { state: 'East Java' },
  'MY-KUL-01': { state: 'Selangor' },
  'MY-PEN-01': { state: 'Penang' },
};
