import type { Country } from '../canonical-order.ts';
import { INDIA_PIN_RUNS } from './india-pins.ts';
import { decodePinRuns } from './pin-runs.ts';

/**
 * Postal codes checked per country. India's PIN must exist, because a mistyped PIN sends a parcel
 * to the wrong district and couriers refuse COD to unknown PINs; Indonesia and Malaysia are
 * checked for shape only (no open, complete list of their codes is bundled).
 */
const SHAPE: Record<Country, { readonly pattern: RegExp; readonly description: string }> = {
  IN: { pattern: /^[1-9]\d{5}$/, description: 'a 6-digit PIN' },
  ID: { pattern: /^\d{5}$/, description: 'a 5-digit kode pos' },
  MY: { pattern: /^\d{5}$/, description: 'a 5-digit poskod' },
};

/** Decoded once per cold start (about a millisecond), then every lookup is a Set hit. */
const INDIA_PINS = decodePinRuns(INDIA_PIN_RUNS);

/** Why `code` cannot be a postal code in `country`, or undefined when it can. */
export function postalCodeProblem(country: Country, code: string): string | undefined {
  const shape = SHAPE[country];
  if (!shape.pattern.test(code)) return `"${code}" is not ${shape.description}, the ${country} postal code format`;
  if (country === 'IN' && !INDIA_PINS.has(Number(code))) return `"${code}" is not an existing Indian PIN code`;
  return undefined;
}

export function isValidPostalCode(country: Country, code: string): boolean {
  return postalCodeProblem(country, code) === undefined;
}

/** Customers write "110 001" as often as "110001"; the digits are what identifies the place. */
export function normalizePostalCode(code: string): string {
  return code.replace(/\s+/g, '');
}
