import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { CanonicalOrderSchema, type CanonicalOrder } from '../../../lambdas/shared/canonical-order.ts';
import { intentFor, NOTIFYING_EVENTS } from '../../../lambdas/notifications/domain/notification-intent.ts';
import { planChannels } from '../../../lambdas/notifications/domain/channel-plan.ts';
import { languageFor } from '../../../lambdas/shared/customer-locale.ts';
import { NOTIFICATION_KINDS } from '../../../lambdas/notifications/domain/message-catalog.ts';

const envelope = { brand: 'saffron-threads', orderId: '5801234567890', occurredAt: '2026-12-01T10:00:00+05:30', version: 4, correlationId: 'corr-1' };
const shipment = { shipmentId: '310000001', warehouseId: 'IN-BLR-01' };
const tracking = { awb: '3021984756102', carrier: 'Delhivery', trackingUrl: 'https://www.delhivery.com/track/package/3021984756102' };

function anOrder(overrides: Partial<CanonicalOrder> = {}): CanonicalOrder {
  return CanonicalOrderSchema.parse({
    schemaVersion: 1,
    brand: 'saffron-threads',
    orderId: '5801234567890',
    orderNumber: '#1042',
    currency: 'INR',
    totalMinor: 189900,
    subtotalMinor: 189900,
    taxMinor: 0,
    discountMinor: 0,
    shippingMinor: 0,
    financialStatus: 'paid',
    paymentMethod: 'prepaid',
    lines: [{ sku: 'ST-KURTA-IND-M', variantId: '40000000001', quantity: 1, unitPriceMinor: 189900, taxMinor: 0, discountMinor: 0 }],
    customer: { name: 'Aarav Sharma', email: 'aarav.sharma@example.com', phone: '+919812345670' },
    shippingAddress: { line1: '14 Janpath', city: 'New Delhi', province: 'Delhi', postalCode: '110001', country: 'IN', phone: '+919812345671' },
    tags: [],
    noteAttributes: {},
    createdAt: '2026-11-28T00:30:00+05:30',
    updatedAt: '2026-11-28T00:30:00+05:30',
    ...overrides,
  });
}

const snapshot = (order: CanonicalOrder) => ({ ...envelope, topic: 'orders/cancelled', triggeredAt: envelope.occurredAt, archiveKey: 'shopify/saffron-threads/x.json', order });

/** One valid detail per event the customer hears about. */
const EVENTS: readonly [string, Record<string, unknown>][] = [
  ['Order Accepted', { ...envelope, mode: 'live' }],
  ['Address Confirmation Requested', { ...envelope, replyPath: '/address-confirmations/abc.def', expiresAt: '2026-12-02T16:00:00.000Z', onTimeout: 'proceed', risk: 0.4, shipsTo: { city: 'Gonda', postalCode: '271001' } }],
  ['Item Substituted', { ...envelope, mode: 'live', substitution: { originalSku: 'KG-SERUM-30ML', substituteSku: 'KG-SERUM-2X15ML', quantity: 1, reason: 'same serum, two smaller bottles' } }],
  ['Shipment Dispatched', { ...envelope, ...shipment, ...tracking, promisedBy: '2026-12-04T23:59:59+05:30' }],
  ['Shipment Out For Delivery', { ...envelope, ...shipment, ...tracking }],
  ['Order Delivered', { ...envelope, ...shipment, paymentMethod: 'cod', destination: { country: 'IN', postalCode: '560034' }, carrier: 'Delhivery' }],
  ['Shipment Delayed', { ...envelope, ...shipment, stage: 'delivery', dueBy: '2026-12-04T23:59:59+05:30', awb: tracking.awb }],
  ['Order Cancelled', snapshot(anOrder({ cancelReason: 'customer', cancelledAt: '2026-12-01T10:00:00+05:30' }))],
  ['Order Returned', { ...envelope, ...shipment, paymentMethod: 'cod', destination: { country: 'IN', postalCode: '560034' }, reason: 'customer refused the COD parcel' }],
];

describe('which events the customer hears about', () => {
  // The rule routes exactly NOTIFYING_EVENTS to the sender: each must be read (a bad detail throws), none ignored (undefined).
  it.each(NOTIFYING_EVENTS)('%s is one intentFor reads', (detailType) => {
    expect(() => intentFor(detailType, {})).toThrow(ZodError);
  });

  it('every kind of message in the catalog has an event that asks for it', () => {
    const kinds = EVENTS.map(([type, detail]) => intentFor(type, detail)?.kind);
    expect(new Set(kinds)).toEqual(new Set(NOTIFICATION_KINDS));
  });

  it.each([
    ['Order Accepted', 'order_confirmed', 'order', true],
    ['Address Confirmation Requested', 'address_confirmation', 'order', true],
    ['Item Substituted', 'item_substituted', 'KG-SERUM-30ML', false],
    ['Shipment Dispatched', 'order_dispatched', '310000001', false],
    ['Shipment Out For Delivery', 'out_for_delivery', '310000001', true],
    ['Order Delivered', 'order_delivered', '310000001', false],
    ['Shipment Delayed', 'order_delayed', '310000001:delivery', false],
    ['Order Cancelled', 'order_cancelled', 'order', true],
    ['Order Returned', 'order_returned', '310000001', false],
  ])('%s → %s about %s (urgent: %s)', (type, kind, subject, urgent) => {
    const detail = EVENTS.find(([candidate]) => candidate === type)![1];
    expect(intentFor(type, detail)).toMatchObject({ brand: 'saffron-threads', orderId: '5801234567890', kind, subject, urgent, occurredAt: envelope.occurredAt });
  });

  it('carries the facts the message needs, and no customer data', () => {
    const dispatched = intentFor('Shipment Dispatched', EVENTS[3]![1])!;
    expect(dispatched.facts).toEqual({ shipment: { ...tracking, promisedBy: '2026-12-04T23:59:59+05:30' } });
    expect(intentFor('Item Substituted', EVENTS[2]![1])!.facts).toEqual({ substitution: { originalSku: 'KG-SERUM-30ML', substituteSku: 'KG-SERUM-2X15ML' } });
    expect(intentFor('Address Confirmation Requested', EVENTS[1]![1])!.facts).toEqual({ confirmation: { replyPath: '/address-confirmations/abc.def', expiresAt: '2026-12-02T16:00:00.000Z' } });
    const delayed = intentFor('Shipment Delayed', EVENTS[6]![1])!;
    expect(delayed.facts).toEqual({ shipment: { awb: tracking.awb, promisedBy: '2026-12-04T23:59:59+05:30' }, delay: { stage: 'delivery' } });
    const cancelled = intentFor('Order Cancelled', EVENTS[7]![1])!;
    expect(cancelled.facts).toEqual({ cancellation: { reason: 'customer' } });
    expect(JSON.stringify(cancelled)).not.toMatch(/Aarav|example\.com|\+91/);
  });

  it('a cancellation without a reason still tells the customer, with no reason', () => {
    expect(intentFor('Order Cancelled', snapshot(anOrder()))!.facts).toEqual({ cancellation: {} });
  });

  it('a delay at dispatch and a delay at delivery of the same shipment are two messages', () => {
    const atDispatch = intentFor('Shipment Delayed', { ...EVENTS[6]![1], stage: 'dispatch' })!;
    const atDelivery = intentFor('Shipment Delayed', EVENTS[6]![1])!;
    expect(atDispatch.subject).not.toBe(atDelivery.subject);
  });

  it('says nothing in shadow mode, where the legacy process still talks to the customer', () => {
    expect(intentFor('Order Accepted', { ...envelope, mode: 'shadow' })).toBeUndefined();
    expect(intentFor('Item Substituted', { ...EVENTS[2]![1], mode: 'shadow' })).toBeUndefined();
  });

  it('says nothing about events customers do not hear about', () => {
    expect(intentFor('Shipment In Transit', { ...envelope, ...shipment })).toBeUndefined();
    expect(intentFor('Order Submitted', {})).toBeUndefined();
    expect(intentFor('Something Else', null)).toBeUndefined();
  });

  it('refuses a detail that breaks its contract instead of messaging from it', () => {
    const { awb: _awb, ...withoutAwb } = EVENTS[3]![1];
    expect(() => intentFor('Shipment Dispatched', withoutAwb)).toThrow(ZodError);
    expect(() => intentFor('Order Accepted', { ...envelope, mode: 'live', occurredAt: 'yesterday' })).toThrow(ZodError);
  });
});

describe('which channel reaches the customer', () => {
  it('WhatsApp first, email as the fallback', () => {
    expect(planChannels(anOrder(), {})).toEqual([
      { channel: 'whatsapp', address: '+919812345670' },
      { channel: 'email', address: 'aarav.sharma@example.com' },
    ]);
  });

  it('email first for a customer who prefers it', () => {
    const order = anOrder({ customer: { name: 'Aarav', email: 'a@example.com', phone: '+919812345670', preferredChannel: 'email' } });
    expect(planChannels(order, {}).map((recipient) => recipient.channel)).toEqual(['email', 'whatsapp']);
  });

  it('uses the delivery phone when the customer gave none', () => {
    const order = anOrder({ customer: { name: 'Aarav', email: 'a@example.com' } });
    expect(planChannels(order, {})[0]).toEqual({ channel: 'whatsapp', address: '+919812345671' });
  });

  it('leaves out what the customer opted out of or gave no address for', () => {
    expect(planChannels(anOrder(), { whatsappOptedOut: true })).toEqual([{ channel: 'email', address: 'aarav.sharma@example.com' }]);
    expect(planChannels(anOrder(), { emailOptedOut: true })).toEqual([{ channel: 'whatsapp', address: '+919812345670' }]);
    expect(planChannels(anOrder(), { whatsappOptedOut: true, emailOptedOut: true })).toEqual([]);
    const noPhone = anOrder({ customer: { name: 'Aarav', email: 'a@example.com', preferredChannel: 'whatsapp' }, shippingAddress: { line1: '1 Road', city: 'Delhi', postalCode: '110001', country: 'IN' } });
    expect(planChannels(noPhone, {})).toEqual([{ channel: 'email', address: 'a@example.com' }]);
  });

  it('writes in the customer’s language when the brand writes in it, else in the brand’s first', () => {
    const hindi = anOrder({ customer: { name: 'Aarav', preferredLanguage: 'hi' } });
    const malay = anOrder({ customer: { name: 'Aarav', preferredLanguage: 'ms' } });
    expect(languageFor(hindi, ['en', 'hi'])).toBe('hi');
    expect(languageFor(malay, ['en', 'hi'])).toBe('en');
    expect(languageFor(anOrder(), ['id', 'en'])).toBe('id');
  });
});
