import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findDrift } from '../../../lambdas/inventory/domain/drift.ts';
import { chunkLines, InvalidReservationError, MAX_LINES_PER_CHUNK, mergeLines } from '../../../lambdas/inventory/domain/reservation.ts';

describe('planning a reservation', () => {
  it('merges lines of the same SKU and warehouse into one hold', () => {
    expect(
      mergeLines([
        { sku: 'B', warehouseId: 'IN-DEL-01', quantity: 1 },
        { sku: 'A', warehouseId: 'IN-BLR-01', quantity: 2 },
        { sku: 'B', warehouseId: 'IN-DEL-01', quantity: 3 },
      ]),
    ).toEqual([
      { sku: 'A', warehouseId: 'IN-BLR-01', quantity: 2 },
      { sku: 'B', warehouseId: 'IN-DEL-01', quantity: 4 },
    ]);
  });

  it('refuses empty reservations and quantities that are not whole and positive', () => {
    expect(() => mergeLines([])).toThrow(InvalidReservationError);
    expect(() => mergeLines([{ sku: 'A', warehouseId: 'W', quantity: 0 }])).toThrow(/whole number above 0/);
    expect(() => mergeLines([{ sku: 'A', warehouseId: 'W', quantity: 1.5 }])).toThrow(InvalidReservationError);
  });

  it('splits into transactions within the limit, keeping every unit exactly once', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ sku: fc.constantFrom(...Array.from({ length: 300 }, (_, i) => `S${i}`)), warehouseId: fc.constantFrom('W1', 'W2'), quantity: fc.integer({ min: 1, max: 5 }) }), { minLength: 1, maxLength: 400 }), (lines) => {
        const chunks = chunkLines(mergeLines(lines));
        expect(chunks.every((chunk) => chunk.length >= 1 && chunk.length <= MAX_LINES_PER_CHUNK)).toBe(true);
        const total = (list: readonly { quantity: number }[]) => list.reduce((sum, line) => sum + line.quantity, 0);
        expect(total(chunks.flat())).toBe(total(lines));
        const keys = chunks.flat().map((line) => `${line.sku}/${line.warehouseId}`);
        expect(new Set(keys).size).toBe(keys.length);
      }),
    );
  });
});

describe('finding drift', () => {
  it('reports every SKU whose count differs, including ones only one side lists', () => {
    const drift = findDrift('MY-KUL-01', new Map([['A', 5], ['B', 2], ['GONE', 3]]), new Map([['A', 5], ['B', 4], ['NEW', 7]]));
    expect(drift.map(({ sku, delta }) => [sku, delta])).toEqual([['B', 2], ['GONE', -3], ['NEW', 7]]);
  });
});
