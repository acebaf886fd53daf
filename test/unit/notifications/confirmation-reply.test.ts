import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../lib/config/brands.ts';
import { acknowledgementOf, confirmationAnswerOf } from '../../../lambdas/notifications/domain/confirmation-reply.ts';

describe('a WhatsApp reply to "confirm your address"', () => {
  it.each(['YES', 'yes', 'Yes!', ' ok ', 'haan', 'हाँ', 'ya', 'Iya', 'betul', 'confirm'])('"%s" confirms', (text) => {
    expect(confirmationAnswerOf(text)).toBe('yes');
  });

  it.each(['CANCEL', 'cancel.', 'batal', 'Batalkan', 'रद्द करें', 'cancel order'])('"%s" cancels', (text) => {
    expect(confirmationAnswerOf(text)).toBe('cancel');
  });

  // "No" may mean "that address is wrong"; cancelling would not fix it, so it is left for a person.
  it.each(['no', 'nahi', 'tidak', 'yes but the flat number is 12B', 'please cancel if it is late', 'where is my order?', ''])('"%s" is not an answer', (text) => {
    expect(confirmationAnswerOf(text)).toBeUndefined();
  });

  it('is acknowledged in every language with the order number', () => {
    for (const language of LANGUAGES) {
      for (const answer of ['yes', 'cancel'] as const) expect(acknowledgementOf(answer, language, '#1042')).toContain('#1042');
    }
  });
});
