import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../../lib/config/brands.ts';
import type { CanonicalOrder } from '../../../lambdas/shared/canonical-order.ts';
import { renderAddressPage, type AddressPageState } from '../../../lambdas/orders/domain/address-confirmation-page.ts';
import { ADDRESS_PAGE_TEXT } from '../../../lambdas/orders/domain/address-page-text.ts';
import { addressPageView, answerFromForm, confirmationStateOf, fieldProblems, notFoundView } from '../../../lambdas/orders/domain/address-page-view.ts';

const order = {
  orderNumber: '#1042',
  customer: { name: 'Aarav Sharma', preferredLanguage: 'hi' },
  shippingAddress: { name: 'Aarav Sharma', line1: '14 Gandhi Nagar', line2: 'Near the water tank', city: 'Gonda', province: 'Uttar Pradesh', postalCode: '271001', country: 'IN' },
} as unknown as CanonicalOrder;
const pending = { state: 'PENDING', expiresAt: '2026-12-03T10:00:00.000Z' };
const STATES: readonly AddressPageState[] = [
  { kind: 'ask' },
  { kind: 'ask', problems: { postalCode: 'unknown_postal_code', city: 'required' }, entered: { line1: '1 Road', postalCode: '999999' } },
  { kind: 'confirmed' },
  { kind: 'corrected' },
  { kind: 'cancelled' },
  { kind: 'already_answered' },
  { kind: 'too_late' },
];

describe('the address-confirmation page', () => {
  it.each(LANGUAGES)('renders every state in %s with no Liquid left over and the order number filled in', async (language) => {
    for (const state of STATES) {
      const html = await renderAddressPage({ ...addressPageView('saffron-threads', order, pending, state, undefined), language });
      expect(html, state.kind).toContain(`<html lang="${language}">`);
      expect(html, state.kind).not.toMatch(/\{\{|\{%/);
      if (state.kind !== 'already_answered' && state.kind !== 'too_late') expect(html, state.kind).toContain('#1042');
    }
    const missing = await renderAddressPage({ ...notFoundView(language) });
    expect(missing).toContain(ADDRESS_PAGE_TEXT[language].notFound);
  });

  it('is in the customer\'s language, or the one asked for if the brand writes in it', async () => {
    expect(addressPageView('saffron-threads', order, pending, { kind: 'ask' }, undefined).language).toBe('hi');
    expect(addressPageView('saffron-threads', order, pending, { kind: 'ask' }, 'en').language).toBe('en');
    // Saffron Threads writes in English and Hindi, not Bahasa.
    expect(addressPageView('saffron-threads', order, pending, { kind: 'ask' }, 'id').language).toBe('hi');
    expect(notFoundView('ms').language).toBe('ms');
    expect(notFoundView('fr').language).toBe('en');
  });

  it('shows the deadline in the customer\'s own time zone', async () => {
    const html = await renderAddressPage(addressPageView('saffron-threads', order, pending, { kind: 'ask' }, 'en'));
    // 10:00 UTC is 3:30 pm in India.
    expect(html).toMatch(/Please answer by 3 December(,| at) 03:30 pm\./i);
  });

  it('escapes whatever a customer typed, in the address on the order and in a refused correction', async () => {
    const hostile = { ...order, shippingAddress: { ...order.shippingAddress, line1: '<script>alert(1)</script>' } } as CanonicalOrder;
    const shown = await renderAddressPage(addressPageView('saffron-threads', hostile, pending, { kind: 'ask' }, 'en'));
    expect(shown).not.toContain('<script>');
    expect(shown).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const refused = await renderAddressPage(
      addressPageView('saffron-threads', order, pending, { kind: 'ask', problems: { postalCode: 'unknown_postal_code' }, entered: { postalCode: '"><img src=x onerror=alert(1)>' } }, 'en'),
    );
    expect(refused).not.toContain('<img');
    expect(refused).toContain('value="&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"');
  });

  it('starts the correction form from the address on the order, and a refused one from what was typed, marking the fields at fault', async () => {
    const fresh = await renderAddressPage(addressPageView('saffron-threads', order, pending, { kind: 'ask' }, 'en'));
    expect(fresh).toContain('name="line2" value="Near the water tank"');
    expect(fresh).not.toContain('aria-invalid="true"');
    const refused = await renderAddressPage(addressPageView('saffron-threads', order, pending, { kind: 'ask', problems: { city: 'required' }, entered: { line1: '2 Station Road' } }, 'en'));
    expect(refused).toContain('name="line1" value="2 Station Road"');
    expect(refused).toContain('name="line2" value=""');
    expect(refused).toMatch(/id="city"[^>]*aria-invalid="true"/);
    expect(refused).toContain('<p class="problem" id="city-problem">Please fill this in.</p>');
    expect(refused).toContain('Please check the fields marked below.');
  });

  it('names the postal code as the destination country does, in the label and in the complaint', async () => {
    const malaysian = { ...order, shippingAddress: { ...order.shippingAddress, country: 'MY', postalCode: '50450' } } as CanonicalOrder;
    const html = await renderAddressPage(addressPageView('songket-studio', malaysian, pending, { kind: 'ask', problems: { postalCode: 'unknown_postal_code' }, entered: { postalCode: '99999' } }, 'en'));
    expect(html).toContain('<label for="postalCode">Postcode</label>');
    expect(html).toContain('Postcode 99999 was not found. Please check it.');
    const indian = await renderAddressPage(addressPageView('saffron-threads', order, pending, { kind: 'ask' }, 'en'));
    expect(indian).toContain('<label for="postalCode">PIN code</label>');
  });

  it('hides the language switcher for a brand that writes in one language', async () => {
    const html = await renderAddressPage({ ...addressPageView('saffron-threads', order, pending, { kind: 'ask' }, 'en'), languages: ['en'] });
    expect(html).not.toContain('<nav>');
  });
});

describe('where the customer stands', () => {
  it('is asked while the order waits, answered once the answer is recorded, and too late once the order moved on without one', () => {
    expect(confirmationStateOf('AWAITING_ADDRESS_CONFIRMATION', { state: 'PENDING' })).toEqual({ kind: 'ask' });
    expect(confirmationStateOf('AWAITING_ADDRESS_CONFIRMATION', { state: 'ANSWERED' })).toEqual({ kind: 'already_answered' });
    expect(confirmationStateOf('SUBMITTED', { state: 'ANSWERED' })).toEqual({ kind: 'already_answered' });
    expect(confirmationStateOf('SUBMITTED', { state: 'PENDING' })).toEqual({ kind: 'too_late' });
    expect(confirmationStateOf('CANCELLED', { state: 'PENDING' })).toEqual({ kind: 'too_late' });
  });
});

describe('a posted form', () => {
  it('reads as the JSON answer: yes and cancel alone, edit with the address fields it filled in', () => {
    expect(answerFromForm(new URLSearchParams('lang=hi&answer=yes&line1=ignored'))).toEqual({ answer: 'yes' });
    expect(answerFromForm(new URLSearchParams('answer=edit&line1=+2+Station+Road+&line2=&city=Gonda&postalCode=271001'))).toEqual({
      answer: 'edit',
      address: { line1: '2 Station Road', city: 'Gonda', postalCode: '271001' },
    });
    expect(answerFromForm(new URLSearchParams(''))).toEqual({ answer: null });
  });

  it('marks the fields validation named, and only editable ones', () => {
    expect(fieldProblems([{ path: ['address', 'city'] }, { path: ['address', 'postalCode'] }, { path: ['answer'] }, { path: ['address', 'country'] }])).toEqual({ city: 'required', postalCode: 'required' });
  });
});
