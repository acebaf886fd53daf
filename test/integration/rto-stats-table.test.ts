import { beforeAll, describe, expect, it } from 'vitest';
import { RTO_STATS_TABLE_SCHEMA } from '../../local/cloud/dynamodb/table-schemas.ts';
import { RtoStatsTable, type DeliveryOutcomeEvent, type RtoArea } from '../../lambdas/fulfilment/adapters/rto-stats-table.ts';
import { estimateRtoRisk, type AreaCounts } from '../../lambdas/fulfilment/domain/rto-risk.ts';
import { aggregateHistory, generateRtoHistory, loadIndiaPlaces, seedRtoStats } from '../../local/seed/rto-history.ts';
import { useDynamoDbLocalTable } from '../helpers/dynamodb-local.ts';

const TABLE = 'rto-stats-test';
let stats: RtoStatsTable;
let nextOrder = 0;
const orderKey = () => `saffron-threads#${9_000_000 + nextOrder++}`;
const counts = (codDelivered: number, codReturned: number, prepaidDelivered = 0, prepaidReturned = 0): AreaCounts => ({
  cod: { delivered: codDelivered, returned: codReturned },
  prepaid: { delivered: prepaidDelivered, returned: prepaidReturned },
});

const table = useDynamoDbLocalTable(TABLE, RTO_STATS_TABLE_SCHEMA);

beforeAll(() => {
  stats = new RtoStatsTable(TABLE, table.client());
});

// Every describe block uses its own country so the national counters start at zero.
const outcome = (area: RtoArea, payment: DeliveryOutcomeEvent['payment'], result: DeliveryOutcomeEvent['outcome'], key = orderKey(), at?: string): DeliveryOutcomeEvent => ({
  ...area,
  payment,
  outcome: result,
  orderKey: key,
  ...(at ? { at } : {}),
});

describe('counting outcomes', () => {
  it('adds every outcome up at the pincode, district, state and national levels', async () => {
    const koramangala: RtoArea = { country: 'XA', pincode: '560034', district: 'Bengaluru', state: 'Karnataka' };
    const gpo: RtoArea = { country: 'XA', pincode: '560001', district: 'Bengaluru', state: 'Karnataka' };
    const mysuru: RtoArea = { country: 'XA', pincode: '570001', district: 'Mysuru', state: 'Karnataka' };
    const patna: RtoArea = { country: 'XA', pincode: '800001', district: 'Patna', state: 'Bihar' };

    for (const event of [
      outcome(koramangala, 'cod', 'delivered'),
      outcome(koramangala, 'cod', 'returned'),
      outcome(koramangala, 'prepaid', 'delivered'),
      outcome(gpo, 'cod', 'returned'),
      outcome(mysuru, 'prepaid', 'returned'),
      outcome(patna, 'cod', 'returned'),
    ]) {
      expect(await stats.recordOutcome(event)).toBe('recorded');
    }

    expect(await stats.statsFor(koramangala)).toEqual({ pincode: counts(1, 1, 1, 0), district: counts(1, 2, 1, 0), state: counts(1, 2, 1, 1), national: counts(1, 3, 1, 1) });
    // Names are matched however they are cased or spaced.
    expect(await stats.statsFor({ country: 'xa', pincode: '570 001', district: ' mysuru ', state: 'KARNATAKA' })).toEqual({
      pincode: counts(0, 0, 0, 1),
      district: counts(0, 0, 0, 1),
      state: counts(1, 2, 1, 1),
      national: counts(1, 3, 1, 1),
    });
  });

  it('leaves out levels with nothing counted, and reads zeros nationally before anything is', async () => {
    expect(await stats.statsFor({ country: 'XB', pincode: '110001', district: 'New Delhi', state: 'Delhi' })).toEqual({ national: counts(0, 0) });
  });
});

describe('exactly once per order', () => {
  const area: RtoArea = { country: 'XC', pincode: '226001', district: 'Lucknow', state: 'Uttar Pradesh' };

  it('counts a replayed outcome once', async () => {
    const key = orderKey();
    expect(await stats.recordOutcome(outcome(area, 'cod', 'delivered', key))).toBe('recorded');
    expect(await stats.recordOutcome(outcome(area, 'cod', 'delivered', key))).toBe('replayed');
    expect(await Promise.all(Array.from({ length: 5 }, () => stats.recordOutcome(outcome(area, 'cod', 'delivered', key))))).toEqual(Array(5).fill('replayed'));

    expect((await stats.statsFor(area)).pincode).toEqual(counts(1, 0));
    expect(await stats.outcomeOf(key)).toBe('delivered');
  });

  it('moves the count when an order delivered is corrected to returned, at the levels first counted', async () => {
    const key = orderKey();
    await stats.recordOutcome(outcome(area, 'cod', 'delivered', key, '2026-11-02T10:00:00Z'));
    // The correction carries no district: the marker's areas are corrected all the same.
    expect(await stats.recordOutcome(outcome({ country: 'XC', pincode: '226001' }, 'cod', 'returned', key, '2026-11-09T10:00:00Z'))).toBe('corrected');
    expect(await stats.recordOutcome(outcome(area, 'cod', 'returned', key, '2026-11-09T10:00:00Z'))).toBe('replayed');

    expect(await stats.statsFor(area)).toEqual({ pincode: counts(1, 1), district: counts(1, 1), state: counts(1, 1), national: counts(1, 1) });
    expect(await stats.outcomeOf(key)).toBe('returned');
  });

  it('ignores a late replay of the outcome it corrected, when the events carry their time', async () => {
    const key = orderKey();
    const elsewhere: RtoArea = { ...area, pincode: '226002' };
    await stats.recordOutcome(outcome(elsewhere, 'prepaid', 'delivered', key, '2026-11-02T10:00:00Z'));
    await stats.recordOutcome(outcome(elsewhere, 'prepaid', 'returned', key, '2026-11-09T10:00:00Z'));
    expect(await stats.recordOutcome(outcome(elsewhere, 'prepaid', 'delivered', key, '2026-11-02T10:00:00Z'))).toBe('stale');

    expect((await stats.statsFor(elsewhere)).pincode).toEqual(counts(0, 0, 0, 1));
  });
});

describe('under concurrency', () => {
  it('counts all of 50 concurrent outcomes for one pincode', { timeout: 120_000 }, async () => {
    const area: RtoArea = { country: 'XD', pincode: '845401', district: 'East Champaran', state: 'Bihar' };
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, index) => stats.recordOutcome(outcome(area, index % 2 === 0 ? 'cod' : 'prepaid', index % 5 === 0 ? 'returned' : 'delivered'))),
    );

    expect(results).toEqual(Array(50).fill('recorded'));
    const expected = counts(20, 5, 20, 5);
    expect(await stats.statsFor(area)).toEqual({ pincode: expected, district: expected, state: expected, national: expected });
  });

  it('moves one count when the same order is corrected and replayed concurrently', { timeout: 120_000 }, async () => {
    const area: RtoArea = { country: 'XE', pincode: '302001', district: 'Jaipur', state: 'Rajasthan' };
    const key = orderKey();
    await stats.recordOutcome(outcome(area, 'cod', 'delivered', key));
    const results = await Promise.all(Array.from({ length: 10 }, () => stats.recordOutcome(outcome(area, 'cod', 'returned', key))));

    expect(results.filter((result) => result === 'corrected')).toHaveLength(1);
    expect(results.filter((result) => result === 'replayed')).toHaveLength(9);
    expect((await stats.statsFor(area)).national).toEqual(counts(0, 1));
  });
});

describe('seeding from the synthetic history', () => {
  it('writes the aggregated counters, which read back as aggregated', { timeout: 120_000 }, async () => {
    const places = loadIndiaPlaces().filter((place) => place.state === 'Karnataka');
    const options = { seed: 3, orders: 3_000, places };
    const written = await seedRtoStats(table.client(), TABLE, options);
    const expected = aggregateHistory(generateRtoHistory(options));

    expect(written).toEqual({ orders: 3_000, rows: expected.rows.length });
    const gpo = places.find((place) => place.pincode === '560001')!;
    const read = await stats.statsFor({ country: 'IN', ...gpo });
    expect(read).toEqual(expected.statsFor({ country: 'IN', ...gpo }));
    expect(estimateRtoRisk(read, 'cod').basis).toBe('district');
  });
});
