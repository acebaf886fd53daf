import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyOutcome,
  estimateRtoRisk,
  MIN_BASIS_OBSERVATIONS,
  NATIONAL_PRIOR,
  PRIOR_STRENGTH,
  riskBand,
  type AreaCounts,
  type OutcomeCounts,
  type PaymentMethod,
  type RtoAreaStats,
} from '../../../lambdas/fulfilment/domain/rto-risk.ts';

const counts = (delivered: number, returned: number): OutcomeCounts => ({ delivered, returned });
const area = (cod: OutcomeCounts, prepaid: OutcomeCounts = counts(0, 0)): AreaCounts => ({ cod, prepaid });
const NONE = area(counts(0, 0));

const outcomeCounts = fc.record({ delivered: fc.nat(100_000), returned: fc.nat(100_000) });
const areaCounts = fc.record({ cod: outcomeCounts, prepaid: outcomeCounts });
const payment = fc.constantFrom<PaymentMethod>('cod', 'prepaid');
const stats: fc.Arbitrary<RtoAreaStats> = fc.record(
  { pincode: areaCounts, district: areaCounts, state: areaCounts, national: areaCounts },
  { requiredKeys: ['national'] },
);
const LEVELS = ['pincode', 'district', 'state', 'national'] as const;

describe('estimateRtoRisk', () => {
  it('with no outcomes anywhere is the national prior, based on the national level', () => {
    for (const method of ['cod', 'prepaid'] as const) {
      expect(estimateRtoRisk({ national: NONE }, method)).toMatchObject({ risk: NATIONAL_PRIOR[method], basis: 'national', observations: 0 });
      expect(estimateRtoRisk({ pincode: NONE, district: NONE, state: NONE, national: NONE }, method).risk).toBeCloseTo(NATIONAL_PRIOR[method], 12);
    }
  });

  it('keeps a pincode with 3 orders close to its district, and lets one with 500 speak for itself', () => {
    const district = area(counts(800, 200)); // 20 % over 1,000 COD orders
    const national = area(counts(80_000, 20_000));
    const few = estimateRtoRisk({ pincode: area(counts(0, 3)), district, national }, 'cod');
    const many = estimateRtoRisk({ pincode: area(counts(0, 500)), district, national }, 'cod');

    expect(few.risk).toBeLessThan(0.35);
    expect(few.basis).toBe('district');
    expect(few.observations).toBe(1000);
    expect(many.risk).toBeGreaterThan(0.95);
    expect(many).toMatchObject({ basis: 'pincode', observations: 500 });
    expect(many.explanation).toMatch(/^COD RTO risk 96\.\d% \(high\), based on pincode with 500 COD orders/);
  });

  it('chains the levels as documented: each level shrinks towards its parent by PRIOR_STRENGTH pseudo-orders', () => {
    const k = PRIOR_STRENGTH;
    const national = (30 + k * NATIONAL_PRIOR.cod) / (100 + k);
    const state = (10 + k * national) / (40 + k);
    const pincode = (2 + k * state) / (5 + k);
    const estimate = estimateRtoRisk({ pincode: area(counts(3, 2)), state: area(counts(30, 10)), national: area(counts(70, 30)) }, 'cod');
    expect(estimate.risk).toBeCloseTo(pincode, 12);
    expect(estimate).toMatchObject({ basis: 'state', observations: 40 });
  });

  it('reads only the asked payment method', () => {
    const national = area(counts(900, 100), counts(990, 10));
    expect(estimateRtoRisk({ national }, 'prepaid').risk).toBeCloseTo((10 + PRIOR_STRENGTH * NATIONAL_PRIOR.prepaid) / (1000 + PRIOR_STRENGTH), 12);
  });

  it('names as basis the finest level with at least MIN_BASIS_OBSERVATIONS orders', () => {
    const enough = area(counts(MIN_BASIS_OBSERVATIONS, 0));
    const short = area(counts(MIN_BASIS_OBSERVATIONS - 1, 0));
    expect(estimateRtoRisk({ pincode: short, district: enough, state: short, national: enough }, 'cod').basis).toBe('district');
    expect(estimateRtoRisk({ pincode: enough, national: NONE }, 'cod').basis).toBe('pincode');
    expect(estimateRtoRisk({ pincode: short, district: short, state: short, national: short }, 'cod')).toMatchObject({ basis: 'national', observations: 29 });
  });

  it('treats negative or non-finite counts as nothing observed', () => {
    const garbage = area({ delivered: -5, returned: Number.NaN });
    expect(estimateRtoRisk({ pincode: garbage, national: NONE }, 'cod').risk).toBeCloseTo(NATIONAL_PRIOR.cod, 12);
  });

  describe('properties', () => {
    it('the risk is always within [0, 1]', () => {
      fc.assert(
        fc.property(stats, payment, (given, method) => {
          const { risk } = estimateRtoRisk(given, method);
          expect(risk).toBeGreaterThanOrEqual(0);
          expect(risk).toBeLessThanOrEqual(1);
        }),
      );
    });

    it('with no data at any level it equals the national prior', () => {
      const empty = fc.record({ pincode: fc.constant(NONE), district: fc.constant(NONE), state: fc.constant(NONE), national: fc.constant(NONE) }, { requiredKeys: ['national'] });
      fc.assert(
        fc.property(empty, payment, (given, method) => {
          expect(estimateRtoRisk(given, method).risk).toBeCloseTo(NATIONAL_PRIOR[method], 12);
        }),
      );
    });

    it('adding returned outcomes, at any levels, never lowers the risk', () => {
      fc.assert(
        fc.property(stats, payment, fc.subarray([...LEVELS], { minLength: 1 }), fc.integer({ min: 1, max: 1000 }), (given, method, levels, returns) => {
          const before = estimateRtoRisk(given, method).risk;
          const after: Record<string, AreaCounts | undefined> = { ...given };
          for (const level of levels) {
            let updated = after[level] ?? NONE;
            for (let index = 0; index < returns; index++) updated = { ...updated, [method]: applyOutcome(updated[method], 'returned') };
            after[level] = updated;
          }
          expect(estimateRtoRisk(after as unknown as RtoAreaStats, method).risk).toBeGreaterThanOrEqual(before - 1e-12);
        }),
      );
    });

    it('adding delivered outcomes never raises the risk', () => {
      fc.assert(
        fc.property(stats, payment, fc.constantFrom(...LEVELS), (given, method, level) => {
          const before = estimateRtoRisk(given, method).risk;
          const current = given[level] ?? NONE;
          const after = { ...given, [level]: { ...current, [method]: applyOutcome(current[method], 'delivered') } };
          expect(estimateRtoRisk(after, method).risk).toBeLessThanOrEqual(before + 1e-12);
        }),
      );
    });

    it("more observations at a level (same raw rate) move the estimate toward that level's raw rate", () => {
      fc.assert(
        fc.property(
          stats,
          payment,
          fc.constantFrom(...LEVELS),
          fc.record({ delivered: fc.nat(500), returned: fc.nat(500) }).filter((own) => own.delivered + own.returned > 0),
          fc.integer({ min: 2, max: 50 }),
          (given, method, level, own, factor) => {
            // The level under test is the finest one given, so the estimate is that level's.
            const finer = LEVELS.slice(0, LEVELS.indexOf(level));
            const base: Record<string, AreaCounts | undefined> = { ...given };
            for (const drop of finer) delete base[drop];
            const withCounts = (scale: number) =>
              ({ ...base, [level]: { ...(given[level] ?? NONE), [method]: counts(own.delivered * scale, own.returned * scale) } }) as unknown as RtoAreaStats;
            const raw = own.returned / (own.delivered + own.returned);
            const before = Math.abs(estimateRtoRisk(withCounts(1), method).risk - raw);
            const after = Math.abs(estimateRtoRisk(withCounts(factor), method).risk - raw);
            expect(after).toBeLessThanOrEqual(before + 1e-12);
          },
        ),
      );
    });
  });
});

describe('riskBand', () => {
  it('is low below 10 %, medium from 10 %, high from 25 %', () => {
    expect([0, 0.03, 0.0999].map(riskBand)).toEqual(['low', 'low', 'low']);
    expect([0.1, 0.2, 0.2499].map(riskBand)).toEqual(['medium', 'medium', 'medium']);
    expect([0.25, 0.6, 1].map(riskBand)).toEqual(['high', 'high', 'high']);
  });
});

describe('applyOutcome', () => {
  it('adds one outcome without changing its input', () => {
    const before = counts(4, 1);
    expect(applyOutcome(before, 'delivered')).toEqual(counts(5, 1));
    expect(applyOutcome(before, 'returned')).toEqual(counts(4, 2));
    expect(before).toEqual(counts(4, 1));
  });
});
