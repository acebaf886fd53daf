import { INDONESIA_ZONES, MALAYSIA_ZONES, type IndiaGeography, type RateCard, type RegionGeography, type Zone } from './rate-card.ts';
import type { Place } from './types.ts';

/**
 * Which zone of the rate card a parcel from `origin` to `destination` falls in. Names are
 * compared through `placeKey`, because sources spell "Jammu & Kashmir", "Pulau Pinang" or
 * "DKI Jakarta" their own ways.
 */

const EARTH_RADIUS_KM = 6371;

/** Great-circle distance. Kept here so routing needs nothing but the two places it is given. */
export function haversineKm(a: Pick<Place, 'latitude' | 'longitude'>, b: Pick<Place, 'latitude' | 'longitude'>): number {
  const radians = (degrees: number) => (degrees * Math.PI) / 180;
  const dLat = radians(b.latitude - a.latitude);
  const dLon = radians(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.latitude)) * Math.cos(radians(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Lower case, no accents, "&" read as "and", punctuation and repeated spaces dropped. */
export function placeKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function metroOf(geography: IndiaGeography, place: Place): string | undefined {
  return geography.metros.find((metro) => haversineKm(metro, place) <= metro.radiusKm)?.name;
}

function indiaZone(geography: IndiaGeography, origin: Place, destination: Place): Zone {
  const special = new Set(geography.specialStates.map(placeKey));
  if (special.has(placeKey(destination.state))) return 'special';
  const originMetro = metroOf(geography, origin);
  const destinationMetro = metroOf(geography, destination);
  const sameDistrict = origin.district !== undefined && destination.district !== undefined && placeKey(origin.district) === placeKey(destination.district);
  // A warehouse on a metro's edge (Hoskote, Bhiwandi) is that city's local hub for a courier.
  if (sameDistrict || (originMetro !== undefined && originMetro === destinationMetro) || haversineKm(origin, destination) <= geography.sameCityKm) return 'within-city';
  if (placeKey(origin.state) === placeKey(destination.state)) return 'within-state';
  if (originMetro !== undefined && destinationMetro !== undefined) return 'metro-to-metro';
  return 'rest-of-india';
}

/** The region map keyed by `placeKey`, built once per rate card. */
const keyedRegions = new WeakMap<RegionGeography, ReadonlyMap<string, string>>();

function regionOf(geography: RegionGeography, place: Place): string | undefined {
  let keyed = keyedRegions.get(geography);
  if (!keyed) {
    keyed = new Map(Object.entries(geography.regionOf).map(([state, region]) => [placeKey(state), region]));
    keyedRegions.set(geography, keyed);
  }
  return keyed.get(placeKey(place.state)) ?? geography.defaultRegion;
}

/** 0: same state or province, 1: same island or region, 2: across the sea (the zone lists are in this order). */
function regionTier(geography: RegionGeography, origin: Place, destination: Place): 0 | 1 | 2 {
  if (placeKey(origin.state) === placeKey(destination.state) || haversineKm(origin, destination) <= geography.localKm) return 0;
  const region = regionOf(geography, origin);
  return region !== undefined && region === regionOf(geography, destination) ? 1 : 2;
}

export function zoneFor(card: RateCard, origin: Place, destination: Place): Zone {
  switch (card.country) {
    case 'IN':
      return indiaZone(card.geography, origin, destination);
    case 'ID':
      return INDONESIA_ZONES[regionTier(card.geography, origin, destination)];
    case 'MY':
      return MALAYSIA_ZONES[regionTier(card.geography, origin, destination)];
  }
}
