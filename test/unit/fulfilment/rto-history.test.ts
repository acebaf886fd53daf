import { beforeAll, describe, expect, it } from 'vitest';
import { estimateRtoRisk } from '../../../lambdas/fulfilment/domain/rto-risk.ts';
import {
  aggregateHistory,
  EXPECTED_OVERALL_BANDS,
  generateRtoHistory,
  HIGH_RTO_STATES,
  loadIndiaPlaces,
  overallRates,
  readIndiaPlaces,
  rtoHistoryModel,
  tierOf,
  type AggregatedRtoStats,
  type PinPlace,
} from '../../../local/seed/rto-history.ts';

let places: PinPlace[];
let history: AggregatedRtoStats;
const place = (pincode: string) => {
  const found = places.find((candidate) => candidate.pincode === pincode);
  if (!found) throw new Error(`PIN ${pincode} is not in IN.txt`);
  return found;
};

beforeAll(() => {
  places = loadIndiaPlaces();
  history = aggregateHistory(generateRtoHistory({ seed: 1 }));
});

describe('the India place list', () => {
  it('has every PIN of IN.txt once, with its district and state', () => {
    expect(places.length).toBeGreaterThan(19_000);
    expect(new Set(places.map((entry) => entry.pincode)).size).toBe(places.length);
    expect(place('560001')).toEqual({ pincode: '560001', district: 'Bengaluru', state: 'Karnataka' });
    expect(tierOf(place('560001'))).toBe('metro');
  });

  it('gives a PIN listed under several districts the one most of its rows name', () => {
    const dump = ['IN\t800001\tA\tBihar\t34\tPatna\t', 'IN\t800001\tB\tBihar\t34\tNalanda\t', 'IN\t800001\tC\tBihar\t34\tNalanda\t'].join('\n');
    expect(readIndiaPlaces(dump)).toEqual([{ pincode: '800001', district: 'Nalanda', state: 'Bihar' }]);
  });
});

describe('the synthetic RTO history', () => {
  it('is the same for the same seed, and differs for another', () => {
    const draw = (seed: number) => [...generateRtoHistory({ seed, orders: 5_000, places })];
    const first = draw(7);
    expect(first).toHaveLength(5_000);
    expect(draw(7)).toEqual(first);
    expect(draw(8)).not.toEqual(first);
    expect(rtoHistoryModel({ seed: 7, places }).hotspots).toEqual(rtoHistoryModel({ seed: 7, places }).hotspots);
  });

  it('adds up the same orders at every level', () => {
    const total = (level: string) =>
      history.rows.filter((row) => row.level === level).reduce((sum, { counts }) => sum + counts.cod.delivered + counts.cod.returned + counts.prepaid.delivered + counts.prepaid.returned, 0);
    expect(history.orders).toBe(200_000);
    for (const level of ['pincode', 'district', 'state', 'national']) expect(total(level)).toBe(200_000);
  });

  it('has overall COD share and RTO rates inside the documented bands', () => {
    const rates = overallRates(history);
    expect(rates.codShare).toBeGreaterThanOrEqual(EXPECTED_OVERALL_BANDS.codShare[0]);
    expect(rates.codShare).toBeLessThanOrEqual(EXPECTED_OVERALL_BANDS.codShare[1]);
    expect(rates.codRto).toBeGreaterThanOrEqual(EXPECTED_OVERALL_BANDS.codRto[0]);
    expect(rates.codRto).toBeLessThanOrEqual(EXPECTED_OVERALL_BANDS.codRto[1]);
    expect(rates.prepaidRto).toBeGreaterThanOrEqual(EXPECTED_OVERALL_BANDS.prepaidRto[0]);
    expect(rates.prepaidRto).toBeLessThanOrEqual(EXPECTED_OVERALL_BANDS.prepaidRto[1]);
  });

  it('gives a metro PIN a lower COD risk than PINs in a high-risk state, and prepaid a lower risk than COD', () => {
    const bengaluru = estimateRtoRisk(history.statsFor({ country: 'IN', ...place('560001') }), 'cod');
    const bihar = places.find((entry) => entry.state === 'Bihar' && tierOf(entry) === 'tier3')!;
    const rural = estimateRtoRisk(history.statsFor({ country: 'IN', ...bihar }), 'cod');

    expect(bengaluru.risk).toBeLessThan(rural.risk - 0.05);
    expect(bengaluru.basis).not.toBe('national');
    expect(estimateRtoRisk(history.statsFor({ country: 'IN', ...place('560001') }), 'prepaid').risk).toBeLessThan(0.06);
  });

  it('plants notoriously high-risk PINs in high-risk states that speak for themselves', () => {
    const { hotspots } = rtoHistoryModel({ seed: 1, places });
    expect(hotspots).toHaveLength(8);
    for (const pincode of hotspots) {
      expect(HIGH_RTO_STATES.has(place(pincode).state)).toBe(true);
      const estimate = estimateRtoRisk(history.statsFor({ country: 'IN', ...place(pincode) }), 'cod');
      expect(estimate.risk).toBeGreaterThan(0.4);
      expect(estimate.basis).toBe('pincode');
    }
  });
});
