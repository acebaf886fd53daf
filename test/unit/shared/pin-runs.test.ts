import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePinRuns, encodePinRuns } from '../../../lambdas/shared/postal/pin-runs.ts';

describe('the compact postal-code encoding', () => {
  it('decodes to exactly the set that was encoded', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(999_999), { maxLength: 300 }), (codes) => {
        expect([...decodePinRuns(encodePinRuns(codes))].sort((a, b) => a - b)).toEqual([...new Set(codes)].sort((a, b) => a - b));
      }),
    );
  });

  it('spends two characters on a short run of consecutive codes', () => {
    const single = encodePinRuns([5]);
    expect(encodePinRuns([5, 6, 7, 8]).length).toBe(single.length);
    expect(single).toHaveLength(2);
  });

  it('refuses a string that was cut off or corrupted, rather than returning a partial set', () => {
    const encoded = encodePinRuns([110001, 110002, 560001]);
    expect(() => decodePinRuns(encoded.slice(0, -1))).toThrow(RangeError);
    expect(() => decodePinRuns(`${encoded}!`)).toThrow(RangeError);
  });
});
