/**
 * Where a destination postal code is, for order routing: a point to measure warehouse distance
 * from, and the administrative area that shipping zones are drawn by.
 *
 * India is known to the district, from the GeoNames table in ./india-geo.ts; Indonesia and
 * Malaysia only to the province or state, from the hand-made ranges in ./region-geo.ts.
 */
import type { Country } from '../canonical-order.ts';
import { INDIA_DISTRICTS, INDIA_STATES, type IndiaDistrictRow } from './india-geo.ts';
import { decodePinRuns } from './pin-runs.ts';
import { findPostalRegion } from './region-geo.ts';

export interface PostalLocation {
  readonly country: Country;
  readonly postalCode: string;
  readonly latitude: number;
  readonly longitude: number;
  /** State or union territory (IN), province (ID), state or federal territory (MY). */
  readonly state: string;
  /** Indian district; absent where only the region is known. */
  readonly district?: string;
  /**
   * How much the point can be trusted: `district` is the centroid of the PIN's district (tens of
   * kilometres), `region` the main city of a province or state (up to hundreds).
   */
  readonly precision: 'district' | 'region';
}

export interface Coordinates {
  readonly latitude: number;
  readonly longitude: number;
}

const INDIAN_PIN = /^[1-9]\d{5}$/;

/** PIN → row of INDIA_DISTRICTS, built on the first Indian lookup (a few milliseconds) and kept. */
let districtByPin: Map<number, IndiaDistrictRow> | undefined;

function indiaDistricts(): Map<number, IndiaDistrictRow> {
  if (districtByPin === undefined) {
    districtByPin = new Map();
    for (const row of INDIA_DISTRICTS) {
      for (const pin of decodePinRuns(row[4])) districtByPin.set(pin, row);
    }
  }
  return districtByPin;
}

function locateIndianPin(postalCode: string): PostalLocation | undefined {
  if (!INDIAN_PIN.test(postalCode)) return undefined;
  const row = indiaDistricts().get(Number(postalCode));
  if (row === undefined) return undefined;
  const [stateIndex, district, latitude, longitude] = row;
  const state = INDIA_STATES[stateIndex];
  if (state === undefined) throw new RangeError(`india-geo.ts: district ${district} refers to missing state ${stateIndex}`);
  return { country: 'IN', postalCode, latitude, longitude, state, district, precision: 'district' };
}

/**
 * The location of `postalCode` in `country`, or undefined when the code is malformed or unknown.
 * Pass the code as the customer's digits only (see normalizePostalCode): " 110001" is malformed.
 */
export function locatePostalCode(country: Country, postalCode: string): PostalLocation | undefined {
  if (country === 'IN') return locateIndianPin(postalCode);
  const region = findPostalRegion(country, postalCode);
  if (region === undefined) return undefined;
  const { state, latitude, longitude } = region;
  return { country, postalCode, latitude, longitude, state, precision: 'region' };
}

/** Mean Earth radius (IUGG), the usual constant for the haversine formula. */
const EARTH_RADIUS_KM = 6371;

const radians = (degrees: number): number => (degrees * Math.PI) / 180;

/** Great-circle distance in kilometres (haversine): straight-line, not road distance. */
export function distanceKm(a: Coordinates, b: Coordinates): number {
  const dLatitude = radians(b.latitude - a.latitude);
  const dLongitude = radians(b.longitude - a.longitude);
  const h =
    Math.sin(dLatitude / 2) ** 2 + Math.cos(radians(a.latitude)) * Math.cos(radians(b.latitude)) * Math.sin(dLongitude / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
