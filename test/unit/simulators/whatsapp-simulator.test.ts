import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WhatsAppSimulator, type WhatsAppFaultCode } from '../../../local/simulators/whatsapp/whatsapp-simulator.ts';
import { startWebhookReceiver } from '../../helpers/webhook-receiver.ts';

const APP_SECRET = 'meta-app-secret-5f0c2d7e';
const SAFFRON = { phoneNumberId: '106540352242922', accessToken: 'EAAG-saffron-token', displayNumber: '15550783881' };
const KOPI = { phoneNumberId: '113200457781203', accessToken: 'EAAG-kopi-token', displayNumber: '6531580001' };
const CUSTOMER = '+919812345670';
const OTHER_CUSTOMER = '+6591234567';
const ORDER_CONFIRMED = { name: 'order_confirmed_v1', languageCode: 'en', body: 'Hi {{1}}, your order {{2}} is confirmed. We will write again when {{2}} ships. Total: {{3}}.' };
const ORDER_CONFIRMED_HI = { name: 'order_confirmed_v1', languageCode: 'hi', body: 'नमस्ते {{1}}, आपका ऑर्डर {{2}} कन्फ़र्म हो गया है। कुल: {{3}}.' };
const THANKS = { name: 'thanks_v1', languageCode: 'en', body: 'Thank you for shopping with us.' };
/** The local clock, far from real time so the two cannot be confused. */
const LOCAL_NOW = Date.parse('2027-03-14T00:30:00+05:30');
const HOUR = 3_600_000;

const servers: Server[] = [];
/** A webhook subscriber on a free port; it answers `statuses` in turn, then 200. */
async function startReceiver(statuses: number[] = []) {
  const receiver = await startWebhookReceiver('/webhooks/whatsapp', statuses);
  servers.push(receiver.server);
  return receiver;
}

const simulators: WhatsAppSimulator[] = [];
async function startWhatsApp(options: { messagesPerSecond?: number } = {}) {
  const clock = { time: LOCAL_NOW, now: () => clock.time };
  const whatsApp = await WhatsAppSimulator.start({
    phoneNumbers: [SAFFRON, KOPI],
    templates: [ORDER_CONFIRMED, ORDER_CONFIRMED_HI, THANKS],
    appSecret: APP_SECRET,
    clock,
    businessAccountId: '102290129340398',
    ...options,
  });
  simulators.push(whatsApp);
  return { whatsApp, clock };
}

afterEach(async () => {
  await Promise.all(simulators.splice(0).map((simulator) => simulator.stop()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** Verification as a receiver writes it from Meta's docs, independently of the simulator. */
function verifyMetaSignature(headers: IncomingHttpHeaders, rawBody: string): boolean {
  const header = headers['x-hub-signature-256'];
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  const expected = createHmac('sha256', APP_SECRET).update(rawBody).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const templateMessage = (to: string, name: string, languageCode: string, parameters?: readonly string[]) => ({
  messaging_product: 'whatsapp',
  to,
  type: 'template',
  template: {
    name,
    language: { code: languageCode },
    ...(parameters === undefined ? {} : { components: [{ type: 'body', parameters: parameters.map((text) => ({ type: 'text', text })) }] }),
  },
});
const confirmation = (to = CUSTOMER) => templateMessage(to, 'order_confirmed_v1', 'en', ['Aarav', '#1042', '₹5,298.10']);
const textMessage = (to: string, body: string) => ({ messaging_product: 'whatsapp', to, type: 'text', text: { body } });

async function send(whatsApp: WhatsAppSimulator, body: unknown, options: { number?: typeof SAFFRON; token?: string | null; version?: string } = {}) {
  const number = options.number ?? SAFFRON;
  const token = options.token === undefined ? number.accessToken : options.token;
  const response = await fetch(`${whatsApp.url}/${options.version ?? 'v21.0'}/${number.phoneNumberId}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, body: (await response.json()) as any };
}

const errorOf = (code: number) => expect.objectContaining({ error: expect.objectContaining({ type: 'OAuthException', code, fbtrace_id: expect.any(String) }) });

describe('the WhatsApp Cloud API simulator', () => {
  describe('sending an approved template', () => {
    it('answers with the wamid, and the customer reads the body with the parameters in', async () => {
      // Prepare
      const { whatsApp } = await startWhatsApp();
      // Act
      const response = await send(whatsApp, confirmation('919812345670'));
      // Assess
      expect(response.status).toBe(200);
      const id = response.body.messages[0].id as string;
      expect(response.body).toEqual({ messaging_product: 'whatsapp', contacts: [{ input: '919812345670', wa_id: '919812345670' }], messages: [{ id }] });
      expect(id).toMatch(/^wamid\.[A-Za-z0-9+/=]+$/);
      expect(whatsApp.inbox(CUSTOMER)).toEqual([
        {
          id,
          at: LOCAL_NOW,
          phoneNumberId: SAFFRON.phoneNumberId,
          to: CUSTOMER,
          type: 'template',
          template: { name: 'order_confirmed_v1', languageCode: 'en', parameters: ['Aarav', '#1042', '₹5,298.10'] },
          text: 'Hi Aarav, your order #1042 is confirmed. We will write again when #1042 ships. Total: ₹5,298.10.',
          status: expect.any(String),
        },
      ]);
      expect(whatsApp.stats.accepted).toBe(1);
    });

    it('accepts a template without parameters with no components, under any Graph API version', async () => {
      // Prepare
      const { whatsApp } = await startWhatsApp();
      // Act
      const response = await send(whatsApp, templateMessage(CUSTOMER, 'thanks_v1', 'en'), { version: 'v19.0' });
      // Assess
      expect(response.status).toBe(200);
      expect(response.body.contacts).toEqual([{ input: CUSTOMER, wa_id: '919812345670' }]);
      expect(whatsApp.inbox('919812345670').map((message) => message.text)).toEqual(['Thank you for shopping with us.']);
    });

    it('picks the approved translation by language code', async () => {
      // Prepare
      const { whatsApp } = await startWhatsApp();
      // Act
      const response = await send(whatsApp, templateMessage(CUSTOMER, 'order_confirmed_v1', 'hi', ['आरव', '#1042', '₹5,298.10']));
      // Assess
      expect(response.status).toBe(200);
      expect(whatsApp.inbox(CUSTOMER)[0]!.text).toBe('नमस्ते आरव, आपका ऑर्डर #1042 कन्फ़र्म हो गया है। कुल: ₹5,298.10.');
    });

    it('refuses a template name or language Meta has not approved with 132001', async () => {
      // Prepare
      const { whatsApp } = await startWhatsApp();
      // Act
      const unknownName = await send(whatsApp, templateMessage(CUSTOMER, 'order_shipped_v1', 'en', ['Aarav']));
      const unknownLanguage = await send(whatsApp, templateMessage(CUSTOMER, 'order_confirmed_v1', 'en_US', ['Aarav', '#1042', '₹5,298.10']));
      // Assess
      for (const response of [unknownName, unknownLanguage]) {
        expect(response.status).toBe(404);
        expect(response.body).toEqual(errorOf(132001));
        expect(response.body.error.message).toContain('Template name does not exist in the translation');
      }
      expect(unknownLanguage.body.error.error_data).toEqual({ messaging_product: 'whatsapp', details: 'template name (order_confirmed_v1) does not exist in en_US' });
      expect(whatsApp.all()).toEqual([]);
      expect(whatsApp.stats.rejected).toEqual({ '132001': 2 });
    });

    it('refuses a parameter count other than the distinct placeholders of the body with 132000', async () => {
      // Prepare
      const { whatsApp } = await startWhatsApp();
      // Act: the body uses {{2}} twice, so it takes three parameters, not four
      const tooMany = await send(whatsApp, templateMessage(CUSTOMER, 'order_confirmed_v1', 'en', ['Aarav', '#1042', '#1042', '₹5,298.10']));
      const tooFew = await send(whatsApp, templateMessage(CUSTOMER, 'order_confirmed_v1', 'en'));
      const extra = await send(whatsApp, templateMessage(CUSTOMER, 'thanks_v1', 'en', ['Aarav']));
      // Assess
      for (const response of [tooMany, tooFew, extra]) {
        expect(response.status).toBe(400);
        expect(response.body).toEqual(errorOf(132000));
      }
      expect(tooMany.body.error.error_data.details).toBe('body: number of localizable_params (4) does not match the expected number of params (3)');
      expect(whatsApp.all()).toEqual([]);
    });
  });

  describe('credentials', () => {
    it('refuses a missing token, a wrong one, and another number’s with 401 code 190', async () => {
      // Prepare
      const { whatsApp } = await startWhatsApp();
      // Act
      const responses = [await send(whatsApp, confirmation(), { token: null }), await send(whatsApp, confirmation(), { token: 'EAAG-stale' }), await send(whatsApp, confirmation(), { token: KOPI.accessToken })];
      // Assess
      for (const response of responses) {
        expect(response.status).toBe(401);
        expect(response.body).toEqual(errorOf(190));
      }
      expect(whatsApp.stats).toMatchObject({ accepted: 0, rejected: { '190': 3 } });
    });

    it('refuses an unknown phone number id with 400 code 100, unsupported post request', async () => {
      // Prepare
      const { whatsApp } = await startWhatsApp();
      // Act
      const response = await send(whatsApp, confirmation(), { number: { ...SAFFRON, phoneNumberId: '999999999999999' } });
      // Assess
      expect(response.status).toBe(400);
      expect(response.body).toEqual(errorOf(100));
      expect(response.body.error.message).toContain('Unsupported post request');
    });

    it('sends from each number with its own token', async () => {
      // Prepare
      const { whatsApp } = await startWhatsApp();
      // Act
      const response = await send(whatsApp, confirmation(OTHER_CUSTOMER), { number: KOPI });
      // Assess
      expect(response.status).toBe(200);
      expect(whatsApp.inbox(OTHER_CUSTOMER)).toMatchObject([{ phoneNumberId: KOPI.phoneNumberId, to: OTHER_CUSTOMER }]);
    });
  });

  describe('malformed requests', () => {
    const valid = confirmation();
    const withTemplate = (template: Record<string, unknown>) => ({ ...valid, template: { ...valid.template, ...template } });
    const withParameters = (parameters: unknown[]) => withTemplate({ components: [{ type: 'body', parameters }] });
    it.each([
      ['a body that is not JSON', 'messaging_product=whatsapp', 'JSON'],
      ['no messaging_product', { ...valid, messaging_product: undefined }, 'messaging_product'],
      ['another messaging_product', { ...valid, messaging_product: 'sms' }, 'messaging_product'],
      ['no recipient', { ...valid, to: undefined }, 'to'],
      ['a recipient that is no phone number', { ...valid, to: '98123-45670' }, 'to'],
      ['no type', { ...valid, type: undefined }, 'type'],
      ['an unsimulated type', { ...valid, type: 'image' }, 'type'],
      ['a template without a name', withTemplate({ name: undefined }), 'template.name'],
      ['a template without a language code', withTemplate({ language: {} }), 'template.language.code'],
      ['components that are no array', withTemplate({ components: { type: 'body' } }), 'template.components'],
      ['a parameter that is not text', withParameters([{ type: 'currency', currency: { code: 'INR' } }]), 'template.components[0].parameters[0].type'],
      ['an empty parameter', withParameters([{ type: 'text', text: 'Aarav' }, { type: 'text', text: ' ' }, { type: 'text', text: '₹1' }]), 'template.components[0].parameters[1].text'],
      ['a text without a body', { messaging_product: 'whatsapp', to: CUSTOMER, type: 'text', text: {} }, 'text.body'],
    ])('refuses %s with code 100, naming the field', async (_case, body, field) => {
      // Prepare
      const { whatsApp } = await startWhatsApp();
      // Act
      const response = await send(whatsApp, body);
      // Assess
      expect(response.status).toBe(400);
      expect(response.body).toEqual(errorOf(100));
      expect(response.body.error.error_data.details).toContain(field);
      expect(whatsApp.all()).toEqual([]);
    });
  });

  describe('throughput', () => {
    it('refuses sends beyond the number’s messages per second with 130429 and never exceeds it', async () => {
      // Prepare
      const { whatsApp } = await startWhatsApp({ messagesPerSecond: 3 });
      // Act
      const responses = await Promise.all(Array.from({ length: 5 }, () => send(whatsApp, confirmation())));
      const otherNumber = await send(whatsApp, confirmation(OTHER_CUSTOMER), { number: KOPI });
      // Assess
      const refused = responses.filter((response) => response.status === 429);
      expect(responses.filter((response) => response.status === 200)).toHaveLength(3);
      expect(refused).toHaveLength(2);
      for (const response of refused) expect(response.body).toEqual(errorOf(130429));
      expect(otherNumber.status).toBe(200);
      expect(whatsApp.stats.rejected).toEqual({ '130429': 2 });
      expect(whatsApp.stats.peakPerSecond[SAFFRON.phoneNumberId]).toBeLessThanOrEqual(3);
      expect(whatsApp.stats.peakPerSecond[KOPI.phoneNumberId]).toBe(1);
    });
  });

  describe('the 24 h customer service window', () => {
    it('refuses free-form text to a customer who has not written with 131047', async () => {
      // Prepare
      const { whatsApp } = await startWhatsApp();
      // Act
      const response = await send(whatsApp, textMessage(CUSTOMER, 'Your parcel is on its way.'));
      // Assess
      expect(response.status).toBe(400);
      expect(response.body).toEqual(errorOf(131047));
      expect(response.body.error.message).toBe('Re-engagement message');
    });

    it('opens when the customer writes, to that business number only, and closes 24 h later by the clock', async () => {
      // Prepare
      const { whatsApp, clock } = await startWhatsApp();
      await whatsApp.customerWrites(CUSTOMER, SAFFRON.phoneNumberId, 'Where is my order?');
      // Act
      clock.time += 23 * HOUR;
      const inside = await send(whatsApp, textMessage('919812345670', 'It ships today.'));
      const otherNumber = await send(whatsApp, textMessage(CUSTOMER, 'Hello from Kopi.'), { number: KOPI });
      clock.time += 1 * HOUR;
      const after = await send(whatsApp, textMessage(CUSTOMER, 'Anything else?'));
      // Assess
      expect(inside.status).toBe(200);
      expect(whatsApp.inbox(CUSTOMER)).toMatchObject([{ type: 'text', text: 'It ships today.', at: LOCAL_NOW + 23 * HOUR }]);
      expect(whatsApp.inbox(CUSTOMER)[0]).not.toHaveProperty('template');
      expect(otherNumber.body).toEqual(errorOf(131047));
      expect(after.body).toEqual(errorOf(131047));
    });

    it('posts what the customer wrote as Meta’s inbound message webhook', async () => {
      // Prepare
      const { whatsApp } = await startWhatsApp();
      const receiver = await startReceiver();
      whatsApp.subscribe({ url: receiver.url });
      // Act
      const id = await whatsApp.customerWrites(CUSTOMER, SAFFRON.phoneNumberId, 'YES');
      // Assess
      expect(id).toMatch(/^wamid\./);
      expect(receiver.received).toHaveLength(1);
      const [inbound] = receiver.received;
      expect(verifyMetaSignature(inbound!.headers, inbound!.rawBody)).toBe(true);
      expect(inbound!.headers['content-type']).toBe('application/json');
      expect(inbound!.body).toEqual({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: '102290129340398',
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: SAFFRON.displayNumber, phone_number_id: SAFFRON.phoneNumberId },
                  contacts: [{ profile: { name: 'Customer' }, wa_id: '919812345670' }],
                  messages: [{ from: '919812345670', id, timestamp: String(LOCAL_NOW / 1000), type: 'text', text: { body: 'YES' } }],
                },
              },
            ],
          },
        ],
      });
    });
  });

  describe('status webhooks', () => {
    it('reports sent then delivered, signed with the app secret, and records each status', async () => {
      // Prepare
      const { whatsApp } = await startWhatsApp();
      const receiver = await startReceiver();
      whatsApp.subscribe({ url: receiver.url });
      // Act
      const response = await send(whatsApp, confirmation());
      await whatsApp.idle();
      // Assess
      const id = response.body.messages[0].id as string;
      expect(receiver.received).toHaveLength(2);
      for (const webhook of receiver.received) expect(verifyMetaSignature(webhook.headers, webhook.rawBody)).toBe(true);
      const statuses = receiver.received.map((webhook) => webhook.body.entry[0].changes[0].value.statuses);
      expect(statuses).toEqual([
        [{ id, status: 'sent', timestamp: String(LOCAL_NOW / 1000), recipient_id: '919812345670' }],
        [{ id, status: 'delivered', timestamp: String(LOCAL_NOW / 1000), recipient_id: '919812345670' }],
      ]);
      expect(receiver.received[0]!.body).toMatchObject({
        object: 'whatsapp_business_account',
        entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: SAFFRON.displayNumber, phone_number_id: SAFFRON.phoneNumberId } } }] }],
      });
      expect(whatsApp.inbox(CUSTOMER).map((message) => message.status)).toEqual(['delivered']);
    });

    it('retries a webhook the subscriber refused, keeping the order of statuses', async () => {
      // Prepare
      const { whatsApp } = await startWhatsApp();
      const receiver = await startReceiver([500, 503]);
      whatsApp.subscribe({ url: receiver.url });
      // Act
      await send(whatsApp, confirmation());
      await whatsApp.idle();
      // Assess
      const statuses = receiver.received.map((webhook) => webhook.body.entry[0].changes[0].value.statuses[0].status);
      expect(statuses).toEqual(['sent', 'sent', 'sent', 'delivered']);
    });

    it('just records the statuses when nobody subscribed', async () => {
      // Prepare
      const { whatsApp } = await startWhatsApp();
      // Act
      await send(whatsApp, confirmation());
      await whatsApp.idle();
      // Assess
      expect(whatsApp.all().map((message) => message.status)).toEqual(['delivered']);
    });
  });

  describe('injected faults', () => {
    it.each<[WhatsAppFaultCode, number, number]>([
      [130429, 429, 130429],
      [131056, 400, 131056],
      [80007, 429, 80007],
      [131047, 400, 131047],
      [132000, 400, 132000],
      [132001, 404, 132001],
      [500, 500, 1],
    ])('%i fails the next matching send with HTTP %i, code %i, then lets sends through', async (code, httpStatus, errorCode) => {
      // Prepare
      const { whatsApp } = await startWhatsApp();
      whatsApp.injectFault({ code });
      // Act
      const failed = await send(whatsApp, confirmation());
      const next = await send(whatsApp, confirmation());
      // Assess
      expect(failed.status).toBe(httpStatus);
      expect(failed.body).toEqual(errorOf(errorCode));
      expect(next.status).toBe(200);
      expect(whatsApp.stats).toMatchObject({ accepted: 1, rejected: { [String(errorCode)]: 1 } });
    });

    it('answers an unknown error as transient', async () => {
      // Prepare
      const { whatsApp } = await startWhatsApp();
      whatsApp.injectFault({ code: 500 });
      // Act
      const response = await send(whatsApp, confirmation());
      // Assess
      expect(response.body.error).toMatchObject({ message: 'An unknown error occurred', type: 'OAuthException', code: 1, is_transient: true });
    });

    it('fails only sends to the customer and of the template named, as many times as asked', async () => {
      // Prepare
      const { whatsApp } = await startWhatsApp();
      whatsApp.injectFault({ code: 131056, to: '919812345670', template: 'order_confirmed_v1', times: 2 });
      // Act
      const otherCustomer = await send(whatsApp, confirmation(OTHER_CUSTOMER));
      const otherTemplate = await send(whatsApp, templateMessage(CUSTOMER, 'thanks_v1', 'en'));
      const first = await send(whatsApp, confirmation());
      const second = await send(whatsApp, confirmation());
      const third = await send(whatsApp, confirmation());
      // Assess
      expect([otherCustomer, otherTemplate, first, second, third].map((response) => response.status)).toEqual([200, 200, 400, 400, 200]);
      expect(first.body).toEqual(errorOf(131056));
    });

    it('131026 accepts the send, then reports it failed as undeliverable', async () => {
      // Prepare
      const { whatsApp } = await startWhatsApp();
      const receiver = await startReceiver();
      whatsApp.subscribe({ url: receiver.url });
      whatsApp.injectFault({ code: 131026, to: CUSTOMER });
      // Act
      const response = await send(whatsApp, confirmation());
      const unaffected = await send(whatsApp, confirmation(OTHER_CUSTOMER));
      await whatsApp.idle();
      // Assess
      expect(response.status).toBe(200);
      const id = response.body.messages[0].id as string;
      const failed = receiver.received.map((webhook) => webhook.body.entry[0].changes[0].value.statuses[0]).filter((status) => status.id === id);
      expect(failed).toEqual([
        {
          id,
          status: 'failed',
          timestamp: String(LOCAL_NOW / 1000),
          recipient_id: '919812345670',
          errors: [{ code: 131026, title: 'Message Undeliverable', message: 'Message Undeliverable', error_data: { details: expect.any(String) } }],
        },
      ]);
      expect(whatsApp.inbox(CUSTOMER).map((message) => message.status)).toEqual(['failed']);
      expect(unaffected.status).toBe(200);
      expect(whatsApp.inbox(OTHER_CUSTOMER).map((message) => message.status)).toEqual(['delivered']);
      expect(whatsApp.stats.accepted).toBe(2);
    });
  });
});
