import { readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INDIA_DUMP_PATH, readIndiaPins } from '../../../local/tools/derive-india-pins.ts';
import { INDIA_PIN_COUNT, INDIA_PIN_RUNS } from '../../../lambdas/shared/postal/india-pins.ts';
import { isValidPostalCode, normalizePostalCode, postalCodeProblem } from '../../../lambdas/shared/postal/postal-codes.ts';
import { decodePinRuns } from '../../../lambdas/shared/postal/pin-runs.ts';

const dumpPins = readIndiaPins(readFileSync(INDIA_DUMP_PATH, 'utf8'));

describe('Indian PIN codes', () => {
  it.each(['110001', '560001', '400001', '600001', '302001'])('accepts %s, a PIN that exists', (pin) => {
    expect(isValidPostalCode('IN', pin)).toBe(true);
    expect(postalCodeProblem('IN', pin)).toBeUndefined();
  });

  it('refuses a well-shaped PIN that no post office has', () => {
    expect(dumpPins.has(123456)).toBe(false);
    expect(postalCodeProblem('IN', '123456')).toBe('"123456" is not an existing Indian PIN code');
  });

  it.each(['000000', '1100', '1100011', '11000A', ' 110001', ''])('refuses "%s", which is not shaped like a PIN', (code) => {
    expect(isValidPostalCode('IN', code)).toBe(false);
    expect(postalCodeProblem('IN', code)).toContain('is not a 6-digit PIN');
  });

  it('ships exactly the PINs of the GeoNames dump it was derived from', () => {
    const shipped = decodePinRuns(INDIA_PIN_RUNS);
    expect(shipped.size).toBe(dumpPins.size);
    expect(INDIA_PIN_COUNT).toBe(dumpPins.size);
    expect([...dumpPins].filter((pin) => !shipped.has(pin))).toEqual([]);
  });

  it('keeps the generated module small enough to bundle into every intake function', () => {
    const bytes = statSync(new URL('../../../lambdas/shared/postal/india-pins.ts', import.meta.url)).size;
    expect(bytes).toBeLessThan(20_000);
  });
});

describe('Indonesian and Malaysian postal codes', () => {
  it.each([
    ['ID', '10110', true],
    ['ID', '40111', true],
    ['ID', '4011', false],
    ['ID', '401110', false],
    ['MY', '50450', true],
    ['MY', '05000', true],
    ['MY', '5045O', false],
  ] as const)('%s %s is valid: %s', (country, code, valid) => {
    expect(isValidPostalCode(country, code)).toBe(valid);
  });

  it('explains the expected format', () => {
    expect(postalCodeProblem('MY', '504500')).toBe('"504500" is not a 5-digit poskod, the MY postal code format');
  });
});

describe('normalizing a postal code', () => {
  it('drops the spaces customers type inside and around it', () => {
    expect(normalizePostalCode(' 560 001 ')).toBe('560001');
  });
});
