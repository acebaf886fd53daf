import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { advances, type DeliveryStatus } from '../../../lambdas/notifications/domain/delivery-status.ts';
import { parseSendGridEvents, parseWhatsAppWebhook } from '../../../lambdas/notifications/domain/status-webhooks.ts';

const STATUSES: readonly DeliveryStatus[] = ['accepted', 'sent', 'delivered', 'read', 'failed'];

/** What a message's record shows after statuses arrive in this order, applying only those that advance. */
const fold = (arrivals: readonly DeliveryStatus[]) => arrivals.reduce<DeliveryStatus | undefined>((current, incoming) => (advances(current, incoming) ? incoming : current), undefined);

describe('delivery status', () => {
  it('moves forward only', () => {
    expect(advances(undefined, 'sent')).toBe(true);
    expect(advances('sent', 'delivered')).toBe(true);
    expect(advances('sent', 'read')).toBe(true);
    expect(advances('read', 'delivered')).toBe(false);
    expect(advances('delivered', 'delivered')).toBe(false);
    expect(advances('delivered', 'sent')).toBe(false);
  });

  it('a failure ends a message not yet delivered, but does not undo one the customer has', () => {
    expect(advances('accepted', 'failed')).toBe(true);
    expect(advances('sent', 'failed')).toBe(true);
    expect(advances('delivered', 'failed')).toBe(false);
    expect(advances('read', 'failed')).toBe(false);
    expect(advances('failed', 'failed')).toBe(false);
    for (const status of STATUSES) expect(advances('failed', status)).toBe(false);
  });

  it('property: duplicates and reordering of sent and delivered end at delivered, and a read anywhere ends at read', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(['sent', 'delivered', 'sent', 'delivered', 'accepted'] as DeliveryStatus[], { minLength: 5, maxLength: 5 }), fc.nat(5), (arrivals, at) => {
        expect(fold(arrivals)).toBe('delivered');
        expect(fold([...arrivals.slice(0, at), 'read', ...arrivals.slice(at)])).toBe('read');
      }),
    );
  });

  it('property: whatever arrives, a read before any failure stays read, and a delivered message never reads as failed', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...STATUSES), { maxLength: 12 }), (arrivals) => {
        const final = fold(arrivals);
        const firstFailed = arrivals.indexOf('failed');
        const beforeFailure = firstFailed === -1 ? arrivals : arrivals.slice(0, firstFailed);
        if (beforeFailure.includes('read')) expect(final).toBe('read');
        if (beforeFailure.includes('delivered') || beforeFailure.includes('read')) expect(final).not.toBe('failed');
        if (firstFailed !== -1 && !beforeFailure.includes('delivered') && !beforeFailure.includes('read')) expect(final).toBe('failed');
      }),
    );
  });
});

const metaBody = (value: Record<string, unknown>, field = 'messages') => ({
  object: 'whatsapp_business_account',
  entry: [{ id: '102290129340398', changes: [{ field, value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '918040001001', phone_number_id: '109000000000001' }, ...value } }] }],
});

describe('WhatsApp webhook', () => {
  it('reads status updates, with the failure code when there is one', () => {
    const body = metaBody({
      statuses: [
        { id: 'wamid.A', status: 'delivered', timestamp: '1764583200', recipient_id: '919812345670', conversation: { id: 'c1' }, pricing: { billable: true } },
        { id: 'wamid.B', status: 'failed', timestamp: '1764583260', recipient_id: '6281234567890', errors: [{ code: 131026, title: 'Message undeliverable' }] },
      ],
    });
    expect(parseWhatsAppWebhook(body)).toEqual([
      {
        phoneNumberId: '109000000000001',
        statuses: [
          { messageId: 'wamid.A', status: 'delivered', at: '2025-12-01T10:00:00.000Z', recipient: '+919812345670' },
          { messageId: 'wamid.B', status: 'failed', at: '2025-12-01T10:01:00.000Z', recipient: '+6281234567890', errorCode: 131026 },
        ],
        inbound: [],
      },
    ]);
  });

  it('reads what customers write, text or not', () => {
    const body = metaBody({
      contacts: [{ profile: { name: 'Asha' }, wa_id: '919812345670' }],
      messages: [
        { from: '919812345670', id: 'wamid.IN1', timestamp: '1764583200', type: 'text', text: { body: 'mera order kahan hai' } },
        { from: '919812345670', id: 'wamid.IN2', timestamp: '1764583201', type: 'image', image: { id: 'media-1' } },
      ],
    });
    expect(parseWhatsAppWebhook(body)[0]!.inbound).toEqual([
      { messageId: 'wamid.IN1', from: '+919812345670', at: '2025-12-01T10:00:00.000Z', type: 'text', text: 'mera order kahan hai' },
      { messageId: 'wamid.IN2', from: '+919812345670', at: '2025-12-01T10:00:01.000Z', type: 'image' },
    ]);
  });

  it('gives one entry per change, and skips changes that are not about messages', () => {
    const body = metaBody({ statuses: [{ id: 'wamid.A', status: 'sent', timestamp: '1764583200', recipient_id: '919812345670' }] });
    body.entry.push({ id: '102290129340398', changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED', message_template_name: 'order_dispatched_v1' } as never }] });
    body.entry[0]!.changes.push(metaBody({ statuses: [] }).entry[0]!.changes[0]!);
    expect(parseWhatsAppWebhook(body)).toHaveLength(2);
  });

  it('skips statuses it does not track instead of refusing the delivery', () => {
    const body = metaBody({ statuses: [{ id: 'wamid.A', status: 'deleted', timestamp: '1764583200', recipient_id: '919812345670' }] });
    expect(parseWhatsAppWebhook(body)[0]!.statuses).toEqual([]);
  });

  it.each([
    ['not a WhatsApp body', { object: 'page', entry: [] }],
    ['no metadata', { object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: { statuses: [] } }] }] }],
    ['a status without an id', metaBody({ statuses: [{ status: 'sent', timestamp: '1764583200', recipient_id: '919812345670' }] })],
    ['a timestamp that is not epoch seconds', metaBody({ statuses: [{ id: 'w', status: 'sent', timestamp: 'yesterday', recipient_id: '919812345670' }] })],
    ['a sender that is not a phone number', metaBody({ messages: [{ from: 'asha', id: 'w', timestamp: '1764583200', type: 'text' }] })],
    ['nothing', undefined],
  ])('throws a ZodError on %s', (_case, body) => {
    expect(() => parseWhatsAppWebhook(body)).toThrow(ZodError);
  });
});

describe('SendGrid events', () => {
  const event = (overrides: Record<string, unknown>) => ({
    email: 'asha@example.com',
    timestamp: 1764583200,
    'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>',
    sg_event_id: 'sg-event-1',
    sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0',
    category: ['order_dispatched'],
    orderId: '5801234567890',
    brand: 'saffron-threads',
    ...overrides,
  });

  it.each([
    ['processed', 'accepted'],
    ['delivered', 'delivered'],
    ['open', 'read'],
    ['click', 'read'],
    ['bounce', 'failed'],
    ['dropped', 'failed'],
    ['deferred', undefined],
    ['spamreport', undefined],
  ])('%s → %s', (name, status) => {
    expect(parseSendGridEvents([event({ event: name })])[0]!.status).toBe(status);
  });

  it('matches each event to the X-Message-Id the send returned, with the custom args we set', () => {
    const [parsed] = parseSendGridEvents([event({ event: 'delivered', response: '250 OK', tls: 1, ip: '168.1.1.1' })]);
    expect(parsed).toEqual({
      eventId: 'sg-event-1',
      messageId: '14c5d75ce93',
      email: 'asha@example.com',
      event: 'delivered',
      status: 'delivered',
      optOut: false,
      at: '2025-12-01T10:00:00.000Z',
      customArgs: { orderId: '5801234567890', brand: 'saffron-threads' },
    });
  });

  it.each(['unsubscribe', 'group_unsubscribe', 'spamreport'])('%s is an opt-out', (name) => {
    expect(parseSendGridEvents([event({ event: name, asm_group_id: 1 })])[0]!.optOut).toBe(true);
  });

  it('delivery events are not opt-outs', () => {
    expect(parseSendGridEvents(['processed', 'delivered', 'open', 'bounce'].map((name) => event({ event: name }))).map((parsed) => parsed.optOut)).toEqual([false, false, false, false]);
  });

  it.each([
    ['not an array', { event: 'delivered' }],
    ['an event without an id', [{ email: 'a@example.com', timestamp: 1764583200, event: 'delivered' }]],
    ['an event without a timestamp', [{ email: 'a@example.com', sg_event_id: 'x', event: 'delivered' }]],
  ])('throws a ZodError on %s', (_case, body) => {
    expect(() => parseSendGridEvents(body)).toThrow(ZodError);
  });
});
