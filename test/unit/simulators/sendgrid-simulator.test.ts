import { createPublicKey, verify } from 'node:crypto';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { SendGridSimulator } from '../../../local/simulators/sendgrid/sendgrid-simulator.ts';
import { startWebhookReceiver } from '../../helpers/webhook-receiver.ts';

const API_KEY = 'SG.local-test-key.b7Qm2cX9';
const CUSTOMER = 'aarav.sharma@example.com';
const OPS = 'ops@saffron-threads.example';
/** The local clock, far from real time so the two cannot be confused. */
const LOCAL_NOW = Date.parse('2027-03-14T00:30:00+05:30');
const LOCAL_SECONDS = LOCAL_NOW / 1000;

const servers: Server[] = [];
/** An event webhook subscriber on a free port; it answers `statuses` in turn, then 200. */
async function startReceiver(statuses: number[] = []) {
  const receiver = await startWebhookReceiver('/webhooks/sendgrid', statuses);
  servers.push(receiver.server);
  return receiver;
}

const simulators: SendGridSimulator[] = [];
async function startSendGrid(options: { mailsPerSecond?: number } = {}) {
  const clock = { time: LOCAL_NOW, now: () => clock.time };
  const sendGrid = await SendGridSimulator.start({ apiKey: API_KEY, clock, ...options });
  simulators.push(sendGrid);
  return { sendGrid, clock };
}

afterEach(async () => {
  await Promise.all(simulators.splice(0).map((simulator) => simulator.stop()));
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** Verification as the Signed Event Webhook docs describe it, independently of the simulator. */
function verifyEventWebhook(publicKey: string, headers: IncomingHttpHeaders, rawBody: string): boolean {
  const signature = headers['x-twilio-email-event-webhook-signature'];
  const timestamp = headers['x-twilio-email-event-webhook-timestamp'];
  if (typeof signature !== 'string' || typeof timestamp !== 'string') return false;
  const key = createPublicKey({ key: Buffer.from(publicKey, 'base64'), format: 'der', type: 'spki' });
  return verify('sha256', Buffer.from(timestamp + rawBody), key, Buffer.from(signature, 'base64'));
}

const aMail = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  personalizations: [{ to: [{ email: CUSTOMER, name: 'Aarav Sharma' }], custom_args: { order_id: '5801234567890' } }],
  from: { email: 'orders@saffron-threads.example', name: 'Saffron Threads' },
  subject: 'Your order #1042 is confirmed',
  content: [
    { type: 'text/plain', value: 'Thank you for your order.' },
    { type: 'text/html', value: '<p>Thank you for your order.</p>' },
  ],
  categories: ['order-confirmation', 'saffron-threads'],
  custom_args: { brand: 'saffron-threads', order_id: 'replaced-by-personalization' },
  ...overrides,
});

async function send(sendGrid: SendGridSimulator, body: unknown, apiKey: string | null = API_KEY) {
  const response = await fetch(`${sendGrid.url}/v3/mail/send`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey === null ? {} : { authorization: `Bearer ${apiKey}` }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: response.status, headers: response.headers, text, body: (text === '' ? undefined : JSON.parse(text)) as any };
}

describe('the SendGrid Mail Send simulator', () => {
  describe('accepting a mail', () => {
    it('answers 202 with an X-Message-Id and no body, and delivers a copy to each recipient', async () => {
      // Prepare
      const { sendGrid } = await startSendGrid();
      const mail = aMail({
        personalizations: [
          { to: [{ email: CUSTOMER, name: 'Aarav Sharma' }], custom_args: { order_id: '5801234567890' } },
          { to: [{ email: OPS }], subject: 'Copy: order #1042 confirmed' },
        ],
      });
      // Act
      const response = await send(sendGrid, mail);
      // Assess
      expect(response.status).toBe(202);
      expect(response.text).toBe('');
      const messageId = response.headers.get('x-message-id');
      expect(messageId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(sendGrid.mailbox('Aarav.Sharma@example.com')).toEqual([
        {
          messageId,
          at: LOCAL_NOW,
          from: { email: 'orders@saffron-threads.example', name: 'Saffron Threads' },
          to: CUSTOMER,
          subject: 'Your order #1042 is confirmed',
          text: 'Thank you for your order.',
          html: '<p>Thank you for your order.</p>',
          categories: ['order-confirmation', 'saffron-threads'],
          customArgs: { brand: 'saffron-threads', order_id: '5801234567890' },
          status: expect.any(String),
        },
      ]);
      expect(sendGrid.mailbox(OPS)).toMatchObject([{ messageId, subject: 'Copy: order #1042 confirmed', customArgs: { brand: 'saffron-threads', order_id: 'replaced-by-personalization' } }]);
      expect(sendGrid.stats).toMatchObject({ accepted: 1, rejected: {} });
    });

    it('needs neither subject nor content with a dynamic template', async () => {
      // Prepare
      const { sendGrid } = await startSendGrid();
      const mail = aMail({ subject: undefined, content: undefined, template_id: 'd-4f1a2b3c4d5e6f708192a3b4c5d6e7f8' });
      // Act
      const response = await send(sendGrid, { ...mail, personalizations: [{ to: [{ email: CUSTOMER }], dynamic_template_data: { order_number: '#1042' } }] });
      // Assess
      expect(response.status).toBe(202);
      expect(sendGrid.mailbox(CUSTOMER)).toMatchObject([{ subject: '' }]);
    });

    it('takes the subject from every personalization when the message has none', async () => {
      // Prepare
      const { sendGrid } = await startSendGrid();
      // Act
      const response = await send(sendGrid, aMail({ subject: undefined, personalizations: [{ to: [{ email: CUSTOMER }], subject: 'Order #1042' }] }));
      // Assess
      expect(response.status).toBe(202);
      expect(sendGrid.mailbox(CUSTOMER)[0]!.subject).toBe('Order #1042');
    });
  });

  describe('the API key', () => {
    it.each([
      ['a missing key', null],
      ['a wrong key', 'SG.revoked'],
    ])('refuses %s with 401', async (_case, apiKey) => {
      // Prepare
      const { sendGrid } = await startSendGrid();
      // Act
      const response = await send(sendGrid, aMail(), apiKey);
      // Assess
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ errors: [{ message: 'The provided authorization grant is invalid, expired, or revoked', field: null, help: null }] });
      expect(sendGrid.all()).toEqual([]);
      expect(sendGrid.stats.rejected).toEqual({ '401': 1 });
    });
  });

  describe('validation', () => {
    const many = (count: number) => Array.from({ length: count }, (_, index) => `category-${index}`);
    it.each([
      ['a body that is not JSON', '{"personalizations": [', null],
      ['no personalizations', aMail({ personalizations: [] }), 'personalizations'],
      ['more than 1000 personalizations', aMail({ personalizations: Array.from({ length: 1001 }, () => ({ to: [{ email: CUSTOMER }] })) }), 'personalizations'],
      ['a personalization without recipients', aMail({ personalizations: [{ to: [] }] }), 'personalizations.0.to'],
      ['an invalid recipient', aMail({ personalizations: [{ to: [{ email: 'aarav.sharma at example.com' }] }] }), 'personalizations.0.to.0.email'],
      ['no from', aMail({ from: undefined }), 'from'],
      ['an invalid from', aMail({ from: { email: 'orders@' } }), 'from.email'],
      ['no subject anywhere', aMail({ subject: undefined }), 'subject'],
      ['a legacy template without a subject', aMail({ subject: undefined, content: undefined, template_id: '13b8f94f-bcae-4ec6-b752-70d6cb59f932' }), 'subject'],
      ['no content', aMail({ content: [] }), 'content'],
      ['an empty content value', aMail({ content: [{ type: 'text/plain', value: '' }] }), 'content.0.value'],
      ['html before plain text', aMail({ content: [{ type: 'text/html', value: '<p>Hi</p>' }, { type: 'text/plain', value: 'Hi' }] }), 'content'],
      ['more than 10 categories', aMail({ categories: many(11) }), 'categories'],
      ['a repeated category', aMail({ categories: ['order', 'order'] }), 'categories'],
      ['a category over 255 characters', aMail({ categories: ['x'.repeat(256)] }), 'categories.0'],
      ['a numeric custom arg', aMail({ custom_args: { order_id: 5801234567890 } }), 'custom_args.order_id'],
      ['a numeric personalization custom arg', aMail({ personalizations: [{ to: [{ email: CUSTOMER }], custom_args: { attempt: 2 } }] }), 'personalizations.0.custom_args.attempt'],
    ])('refuses %s with 400, naming the field', async (_case, body, field) => {
      // Prepare
      const { sendGrid } = await startSendGrid();
      // Act
      const response = await send(sendGrid, body);
      // Assess
      expect(response.status).toBe(400);
      expect(response.body.errors).toContainEqual({ message: expect.any(String), field, help: field === null ? null : expect.stringContaining('sendgrid.com') });
      expect(sendGrid.all()).toEqual([]);
      expect(sendGrid.stats.rejected).toEqual({ '400': 1 });
    });

    it('accepts exactly 10 unique categories', async () => {
      // Prepare
      const { sendGrid } = await startSendGrid();
      // Act
      const response = await send(sendGrid, aMail({ categories: many(10) }));
      // Assess
      expect(response.status).toBe(202);
    });
  });

  describe('rate limit', () => {
    it('refuses requests beyond mailsPerSecond with 429 and X-RateLimit headers, never exceeding it', async () => {
      // Prepare
      const { sendGrid } = await startSendGrid({ mailsPerSecond: 2 });
      // Act
      const responses = await Promise.all(Array.from({ length: 4 }, () => send(sendGrid, aMail())));
      // Assess
      const refused = responses.filter((response) => response.status === 429);
      expect(responses.filter((response) => response.status === 202)).toHaveLength(2);
      expect(refused).toHaveLength(2);
      for (const response of refused) {
        expect(response.headers.get('x-ratelimit-limit')).toBe('2');
        expect(response.headers.get('x-ratelimit-remaining')).toBe('0');
        expect(response.headers.get('x-ratelimit-reset')).toMatch(/^\d+$/);
        expect(response.body).toEqual({ errors: [{ message: 'too many requests', field: null, help: null }] });
      }
      expect(sendGrid.stats.rejected).toEqual({ '429': 2 });
      expect(sendGrid.stats.peakPerSecond).toBeLessThanOrEqual(2);
    });
  });

  describe('injected faults', () => {
    it.each([429, 500, 400, 401] as const)('fails the next request with %i, then lets requests through', async (status) => {
      // Prepare
      const { sendGrid } = await startSendGrid();
      sendGrid.injectFault({ status });
      // Act
      const failed = await send(sendGrid, aMail());
      const next = await send(sendGrid, aMail());
      // Assess
      expect(failed.status).toBe(status);
      expect(failed.body.errors).toHaveLength(1);
      expect(next.status).toBe(202);
      expect(sendGrid.stats).toMatchObject({ accepted: 1, rejected: { [String(status)]: 1 } });
    });

    it('fails only requests to the recipient named, as many times as asked', async () => {
      // Prepare
      const { sendGrid } = await startSendGrid();
      sendGrid.injectFault({ status: 500, to: 'AARAV.SHARMA@example.com', times: 2 });
      // Act
      const toOps = await send(sendGrid, aMail({ personalizations: [{ to: [{ email: OPS }] }] }));
      const statuses = [await send(sendGrid, aMail()), await send(sendGrid, aMail()), await send(sendGrid, aMail())].map((response) => response.status);
      // Assess
      expect(toOps.status).toBe(202);
      expect(statuses).toEqual([500, 500, 202]);
    });
  });

  describe('the event webhook', () => {
    it('posts processed then delivered, verifiable with the published P-256 key', async () => {
      // Prepare
      const { sendGrid } = await startSendGrid();
      const receiver = await startReceiver();
      sendGrid.subscribe({ url: receiver.url });
      // Act
      const response = await send(sendGrid, aMail());
      await sendGrid.idle();
      // Assess
      const messageId = response.headers.get('x-message-id')!;
      expect(receiver.received).toHaveLength(2);
      for (const webhook of receiver.received) {
        expect(verifyEventWebhook(sendGrid.publicKey, webhook.headers, webhook.rawBody)).toBe(true);
        expect(verifyEventWebhook(sendGrid.publicKey, webhook.headers, `${webhook.rawBody} `)).toBe(false);
        expect(webhook.headers['content-type']).toBe('application/json');
      }
      const [processed, delivered] = receiver.received.map((webhook) => webhook.body);
      const common = {
        email: CUSTOMER,
        timestamp: LOCAL_SECONDS,
        'smtp-id': expect.any(String),
        category: ['order-confirmation', 'saffron-threads'],
        sg_event_id: expect.any(String),
        sg_message_id: expect.stringContaining(`${messageId}.filterdrecv-`),
        brand: 'saffron-threads',
        order_id: '5801234567890',
      };
      expect(processed).toEqual([{ ...common, event: 'processed' }]);
      expect(delivered).toEqual([{ ...common, event: 'delivered', response: expect.any(String) }]);
      expect(delivered[0].sg_message_id).toBe(processed[0].sg_message_id);
      expect(delivered[0].sg_event_id).not.toBe(processed[0].sg_event_id);
      expect(sendGrid.mailbox(CUSTOMER).map((mail) => mail.status)).toEqual(['delivered']);
    });

    it('bounces mail to an address marked as bouncing, after accepting it', async () => {
      // Prepare
      const { sendGrid } = await startSendGrid();
      const receiver = await startReceiver();
      sendGrid.subscribe({ url: receiver.url });
      sendGrid.bounce(CUSTOMER);
      // Act
      const response = await send(sendGrid, aMail({ personalizations: [{ to: [{ email: CUSTOMER }] }, { to: [{ email: OPS }] }] }));
      await sendGrid.idle();
      // Assess
      expect(response.status).toBe(202);
      const events = receiver.received.flatMap((webhook) => webhook.body as Record<string, unknown>[]).map((event) => [event.email, event.event]);
      expect(events).toEqual([
        [CUSTOMER, 'processed'],
        [OPS, 'processed'],
        [CUSTOMER, 'bounce'],
        [OPS, 'delivered'],
      ]);
      const bounce = receiver.received[1]!.body[0];
      expect(bounce).toMatchObject({ event: 'bounce', type: 'bounce', status: '5.1.1', reason: expect.stringContaining('5.1.1') });
      expect(sendGrid.mailbox(CUSTOMER).map((mail) => mail.status)).toEqual(['bounce']);
      expect(sendGrid.mailbox(OPS).map((mail) => mail.status)).toEqual(['delivered']);
    });

    it('retries a batch the subscriber refused, keeping the order of events', async () => {
      // Prepare
      const { sendGrid } = await startSendGrid();
      const receiver = await startReceiver([500]);
      sendGrid.subscribe({ url: receiver.url });
      // Act
      await send(sendGrid, aMail());
      await sendGrid.idle();
      // Assess
      const events = receiver.received.map((webhook) => webhook.body[0].event);
      expect(events).toEqual(['processed', 'processed', 'delivered']);
      for (const webhook of receiver.received) expect(verifyEventWebhook(sendGrid.publicKey, webhook.headers, webhook.rawBody)).toBe(true);
    });

    it('just records the events when nobody subscribed', async () => {
      // Prepare
      const { sendGrid } = await startSendGrid();
      sendGrid.bounce(OPS);
      // Act
      await send(sendGrid, aMail({ personalizations: [{ to: [{ email: CUSTOMER }, { email: OPS }] }] }));
      await sendGrid.idle();
      // Assess
      expect(sendGrid.all().map((mail) => [mail.to, mail.status])).toEqual([
        [CUSTOMER, 'delivered'],
        [OPS, 'bounce'],
      ]);
    });
  });
});
