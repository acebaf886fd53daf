import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backOffSeconds, handlingForWhatsAppError } from '../../../lambdas/notifications/domain/whatsapp-errors.ts';

describe('what to do when WhatsApp refuses a message', () => {
  it.each([
    [130429, 429, 'back_off'],
    [131056, 400, 'back_off'],
    [80007, 400, 'back_off'],
    [131047, 400, 'template_only'],
    [132001, 404, 'backup_template'],
    [131026, 400, 'email'],
    [132000, 400, 'permanent'],
    [1, 400, 'retry'],
    [2, 503, 'retry'],
    [undefined, 500, 'retry'],
    [undefined, 502, 'retry'],
    [undefined, 429, 'back_off'],
    [131051, 400, 'email'],
    [100, 400, 'email'],
    [undefined, 400, 'email'],
  ] as const)('code %s with HTTP %s → %s', (code, status, handling) => {
    expect(handlingForWhatsAppError(code, status)).toBe(handling);
  });

  it('a known code decides even when the HTTP status says server error', () => {
    expect(handlingForWhatsAppError(132000, 500)).toBe('permanent');
    expect(handlingForWhatsAppError(131026, 500)).toBe('email');
  });
});

describe('back-off', () => {
  it('grows from 30 s per attempt and never passes 15 minutes', () => {
    const highest = (attempt: number) => backOffSeconds(attempt, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6, 10, 100].map(highest)).toEqual([30, 60, 120, 240, 480, 900, 900, 900]);
  });

  it('is a random whole number of seconds between 1 and the ceiling, so a throttled burst spreads out', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, random) => {
        const seconds = backOffSeconds(attempt, () => random);
        const ceiling = Math.min(900, 30 * 2 ** (attempt - 1));
        expect(Number.isInteger(seconds)).toBe(true);
        expect(seconds).toBeGreaterThanOrEqual(1);
        expect(seconds).toBeLessThanOrEqual(ceiling);
      }),
    );
    expect(backOffSeconds(3, () => 0)).toBe(1);
    expect(backOffSeconds(3, () => 0.5)).toBe(60);
  });
});
