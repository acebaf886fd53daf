import { describe, expect, it } from 'vitest';
import { BRANDS, LANGUAGES } from '../../../lib/config/brands.ts';
import { brandVoiceFor } from '../../../lib/config/brand-voice.ts';
import { NOTIFICATION_KINDS } from '../../../lambdas/notifications/domain/message-catalog.ts';
import { renderMessage } from '../../../lambdas/notifications/domain/render-message.ts';
import { whatsAppTemplateFor } from '../../../lambdas/notifications/domain/whatsapp-template.ts';
import { metaSubmissions } from '../../../lambdas/notifications/domain/meta-submission.ts';

/** Everything any message may use, for one brand and language. */
function contextFor(brand: (typeof BRANDS)[number], language: (typeof LANGUAGES)[number]) {
  const voice = brandVoiceFor(brand);
  return {
    voice: { greeting: voice.greeting[language], signOff: voice.signOff[language] },
    brand: { name: brand.name },
    customer: { firstName: 'Asha' },
    order: { number: '#1042' },
    shipment: { carrier: 'Delhivery', awb: '3021984756102', trackingUrl: 'https://track.example/t/abc', expectedBy: '4 Dec' },
    substitution: { original: 'Serum 30 ml', substitute: 'Serum 2 × 15 ml' },
    confirmation: { replyUrl: 'https://confirm.example/c/xyz', expiresAt: '2 Dec, 22:00' },
    cancellation: { reason: 'cancelled at your request' },
  };
}

describe('customer messages', () => {
  it.each(BRANDS.map((brand) => [brand.id, brand] as const))('every message of %s renders in every language with every variable filled', async (_id, brand) => {
    for (const language of LANGUAGES) {
      for (const kind of NOTIFICATION_KINDS) {
        const message = await renderMessage(kind, language, contextFor(brand, language));
        expect(message.text, `${kind}/${language}`).toContain(brand.name);
        expect(message.text).not.toMatch(/\{\{|\}\}|undefined/);
        expect(message.subject).not.toMatch(/\{\{|\}\}|undefined/);
        expect(message.whatsapp.parameters.length).toBe(whatsAppTemplateFor(kind, language).parameters.length);
      }
    }
  });

  it('a missing variable fails the render instead of leaving a hole', async () => {
    const { shipment: _missing, ...withoutShipment } = contextFor(BRANDS[0]!, 'en');
    await expect(renderMessage('order_dispatched', 'en', withoutShipment)).rejects.toThrow(/shipment/);
    await expect(renderMessage('order_dispatched', 'en', { ...contextFor(BRANDS[0]!, 'en'), customer: { firstName: ' ' } })).rejects.toThrow(/parameter 2 \(customer.firstName\) is empty/);
  });

  it('each message is in the brand\'s voice: its greeting and sign-off, with emoji only where the brand allows them', async () => {
    const beauty = BRANDS.find((brand) => brand.category === 'beauty')!;
    const home = BRANDS.find((brand) => brand.category === 'home')!;
    const glowing = await renderMessage('order_delivered', 'en', contextFor(beauty, 'en'));
    const calm = await renderMessage('order_delivered', 'en', contextFor(home, 'en'));
    expect(glowing.text).toMatch(/^Hey there ✨ Asha/);
    expect(calm.text).toMatch(/^Hello Asha/);
    expect(calm.text).not.toMatch(/\p{Extended_Pictographic}/u);
  });

  it('derives each Meta template with numbered parameters in order, a language code and an approved backup', () => {
    const template = whatsAppTemplateFor('order_dispatched', 'hi');
    expect(template).toMatchObject({ name: 'order_dispatched_v1', backupName: 'order_dispatched_v1_backup', languageCode: 'hi' });
    expect(template.parameters).toEqual(['voice.greeting', 'customer.firstName', 'order.number', 'shipment.carrier', 'shipment.awb', 'shipment.expectedBy', 'shipment.trackingUrl', 'voice.signOff', 'brand.name']);
    expect(template.body).toContain('{{1}} {{2}}, ऑर्डर {{3}}');
    for (const kind of NOTIFICATION_KINDS) {
      for (const language of LANGUAGES) {
        const { body, parameters } = whatsAppTemplateFor(kind, language);
        expect(body.match(/\{\{\d+\}\}/g)?.length, `${kind}/${language}`).toBe(parameters.length);
      }
    }
  });
});

describe('the Meta template export', () => {
  const examples = Object.fromEntries(
    ['voice.greeting', 'voice.signOff', 'brand.name', 'customer.firstName', 'order.number', 'shipment.carrier', 'shipment.awb', 'shipment.trackingUrl', 'shipment.expectedBy', 'substitution.original', 'substitution.substitute', 'confirmation.replyUrl', 'confirmation.expiresAt', 'cancellation.reason'].map((expression) => [expression, `example ${expression}`]),
  );

  it('submits every template and its backup in every language, with one example per numbered parameter', () => {
    const submissions = metaSubmissions(examples);
    expect(submissions).toHaveLength(NOTIFICATION_KINDS.length * LANGUAGES.length * 2);
    const dispatched = submissions.find((submission) => submission.name === 'order_dispatched_v1' && submission.language === 'id')!;
    expect(dispatched).toMatchObject({ category: 'UTILITY', components: [{ type: 'BODY' }] });
    expect(dispatched.components[0].example.body_text[0]).toHaveLength(dispatched.components[0].text.match(/\{\{\d+\}\}/g)!.length);
    expect(submissions.filter((submission) => submission.name === 'order_dispatched_v1_backup' && submission.language === 'id')).toHaveLength(1);
  });

  it('refuses to export a template whose parameter has no example', () => {
    const { 'shipment.awb': _missing, ...incomplete } = examples;
    expect(() => metaSubmissions(incomplete)).toThrow(/order_dispatched_v1\/en: no example for \{\{ shipment.awb \}\}/);
  });
});
