import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { interpretAfterShipWebhook, signAfterShipBody, verifyAfterShipSignature, type AfterShipWebhook } from '../../../lambdas/fulfilment/domain/tracking/aftership-tracking.ts';
import { interpretShipBobWebhook, ShipBobOrderWebhookSchema } from '../../../lambdas/fulfilment/domain/tracking/shipbob-tracking.ts';
import { signStandardWebhook, verifyStandardWebhook } from '../../../lambdas/fulfilment/domain/tracking/standard-webhooks.ts';

const SECRET = `whsec_${Buffer.from('a shipbob signing key of 32 bytes').toString('base64')}`;
const NOW = 1_796_000_000;

describe('Standard Webhooks signatures (ShipBob)', () => {
  const body = '{"id":310000001}';
  // Computed independently of the code under test, as the specification describes it.
  const independent = (secret: string, id: string, ts: number) => createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64')).update(`${id}.${ts}.${body}`).digest('base64');

  it('accepts the signature the specification describes', () => {
    const signature = `v1,${independent(SECRET, 'msg_1', NOW)}`;
    expect(signStandardWebhook(SECRET, 'msg_1', NOW, body)).toBe(signature);
    expect(verifyStandardWebhook({ secret: SECRET, id: 'msg_1', timestamp: String(NOW), signature, rawBody: body, nowSeconds: NOW + 10 })).toEqual({ valid: true });
  });

  it('accepts any of several signatures while a secret is rotated', () => {
    const other = `whsec_${Buffer.from('the next key').toString('base64')}`;
    const header = signStandardWebhook([other, SECRET], 'msg_1', NOW, body);
    expect(header.split(' ')).toHaveLength(2);
    expect(verifyStandardWebhook({ secret: SECRET, id: 'msg_1', timestamp: String(NOW), signature: header, rawBody: body, nowSeconds: NOW })).toEqual({ valid: true });
  });

  it('refuses a changed body, another message id, an old timestamp and missing headers', () => {
    const signature = signStandardWebhook(SECRET, 'msg_1', NOW, body);
    const check = (overrides: Partial<Parameters<typeof verifyStandardWebhook>[0]>) =>
      verifyStandardWebhook({ secret: SECRET, id: 'msg_1', timestamp: String(NOW), signature, rawBody: body, nowSeconds: NOW, ...overrides });
    expect(check({ rawBody: '{"id":310000002}' })).toEqual({ valid: false, reason: 'mismatch' });
    expect(check({ id: 'msg_2' })).toEqual({ valid: false, reason: 'mismatch' });
    expect(check({ nowSeconds: NOW + 301 })).toEqual({ valid: false, reason: 'expired' });
    expect(check({ signature: undefined })).toEqual({ valid: false, reason: 'missing' });
    expect(check({ signature: 'v1,not base64!' })).toEqual({ valid: false, reason: 'malformed' });
  });
});

describe('ShipBob webhooks', () => {
  const order = (shipment: Record<string, unknown>) => ShipBobOrderWebhookSchema.parse({ id: 310000001, reference_id: 'saffron-threads-1001-IN-BLR-01', shipments: [{ id: 410000001, status: 'Completed', ...shipment }] });

  it('order.shipped is the dispatch, with the AWB, carrier and link', () => {
    const body = order({ last_update_at: '2026-12-01T10:05:00Z', tracking: { carrier: 'Delhivery', tracking_number: '3021984756102', tracking_url: 'https://www.delhivery.com/track/package/3021984756102', shipping_date: '2026-12-01T10:00:00Z' } });
    expect(interpretShipBobWebhook('order.shipped', body, 'msg_1')).toEqual({
      kind: 'update',
      shipmentId: '310000001',
      update: { milestone: 'DISPATCHED', occurredAt: '2026-12-01T10:00:00Z', awb: '3021984756102', carrier: 'Delhivery', trackingUrl: 'https://www.delhivery.com/track/package/3021984756102', sourceEventId: 'msg_1' },
    });
  });

  it('order.shipped without tracking cannot be a dispatch', () => {
    expect(interpretShipBobWebhook('order.shipped', order({ last_update_at: '2026-12-01T10:05:00Z' }), 'msg_1')).toMatchObject({ kind: 'invalid' });
  });

  it('order.shipment.delivered is a delivery; exceptions change no milestone', () => {
    expect(interpretShipBobWebhook('order.shipment.delivered', order({ delivery_date: '2026-12-02T12:00:00Z' }), 'msg_2')).toMatchObject({ kind: 'update', update: { milestone: 'DELIVERED', occurredAt: '2026-12-02T12:00:00Z' } });
    expect(interpretShipBobWebhook('order.shipment.exception', order({ status: 'Exception' }), 'msg_3')).toMatchObject({ kind: 'ignored' });
  });
});

describe('AfterShip webhooks', () => {
  const webhook = (tag: string, subtag: string, time = '2026-12-03T15:10:00+05:30', event = 'tracking_update'): AfterShipWebhook => ({
    event,
    event_id: 'e-1',
    ts: NOW,
    msg: { id: 't-1', tracking_number: '3021984756102', slug: 'delhivery', tag, subtag, subtag_message: 'Customer not available', updated_at: time, checkpoints: [{ checkpoint_time: time, tag, subtag, message: 'scan', location: 'Bengaluru' }] },
  });

  it('verifies the base64 HMAC of the raw body', () => {
    const body = JSON.stringify(webhook('InTransit', 'InTransit_001'));
    const header = createHmac('sha256', 'aftership secret').update(body).digest('base64');
    expect(signAfterShipBody('aftership secret', body)).toBe(header);
    expect(verifyAfterShipSignature('aftership secret', header, body)).toEqual({ valid: true });
    expect(verifyAfterShipSignature('aftership secret', header, `${body} `)).toEqual({ valid: false, reason: 'mismatch' });
    expect(verifyAfterShipSignature('aftership secret', undefined, body)).toEqual({ valid: false, reason: 'missing' });
  });

  it.each([
    ['InTransit', 'InTransit_001', 'IN_TRANSIT'],
    ['OutForDelivery', 'OutForDelivery_001', 'OUT_FOR_DELIVERY'],
    ['AvailableForPickup', 'AvailableForPickup_001', 'OUT_FOR_DELIVERY'],
    ['AttemptFail', 'AttemptFail_001', 'DELIVERY_ATTEMPT_FAILED'],
    ['Delivered', 'Delivered_004', 'DELIVERED'],
    ['Exception', 'Exception_010', 'RTO_INITIATED'],
    ['Exception', 'Exception_011', 'RETURNED_TO_ORIGIN'],
  ])('%s / %s is %s, dated by the latest checkpoint', (tag, subtag, milestone) => {
    expect(interpretAfterShipWebhook(webhook(tag, subtag))).toEqual({
      kind: 'update',
      awb: '3021984756102',
      update: { milestone, occurredAt: '2026-12-03T09:40:00.000Z', awb: '3021984756102', sourceEventId: 'e-1', detail: 'Customer not available, Bengaluru' },
    });
  });

  it('label-printed scans, other exceptions and other events move nothing', () => {
    expect(interpretAfterShipWebhook(webhook('InfoReceived', 'InfoReceived_001'))).toMatchObject({ kind: 'ignored' });
    expect(interpretAfterShipWebhook(webhook('Exception', 'Exception_007'))).toMatchObject({ kind: 'ignored' });
    expect(interpretAfterShipWebhook(webhook('Delivered', 'Delivered_001', undefined, 'edd_revise'))).toMatchObject({ kind: 'ignored' });
  });
});
