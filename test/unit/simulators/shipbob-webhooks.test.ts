import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ShipBobSimulator, type ShipBobSimulatorOptions } from '../../../local/simulators/fulfilment-wms/shipbob-simulator.ts';
import { signStandardWebhook } from '../../../local/simulators/fulfilment-wms/standard-webhooks.ts';
import { startWebhookReceiver } from '../../helpers/webhook-receiver.ts';

const accessToken = 'shipbob_pat_9fK2mQ';
const CHANNEL = '4021';
const SECRET = `whsec_${Buffer.from('shipbob-webhook-key-0123456789ab').toString('base64')}`;
const NEXT_SECRET = `whsec_${Buffer.from('rotated-shipbob-webhook-key-zyxw').toString('base64')}`;
/** The local clock, far from real time so the two cannot be confused. */
const LOCAL_NOW = Date.parse('2027-03-14T00:30:00+05:30');
const HOUR = 3_600_000;

/**
 * Standard Webhooks verification written from the spec, independently of the simulator: the key
 * is the base64 after `whsec_`, the content `<id>.<timestamp>.<body>`, and any `v1,` signature
 * in the space-separated list may match; the timestamp must be within 5 minutes of the receiver's
 * clock, which on the local cloud is the local clock (functions follow it).
 */
function verifyStandardWebhook(secret: string, headers: IncomingHttpHeaders, rawBody: string, nowMs = LOCAL_NOW): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${rawBody}`).digest();
  return signatures.split(' ').some((signature) => {
    const [version, value] = signature.split(',');
    const given = Buffer.from(value ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

const servers: Server[] = [];
/** A webhook subscriber on a free port; it answers `statuses` in turn, then 200. */
async function startReceiver(statuses: number[] = []) {
  const receiver = await startWebhookReceiver('/webhooks/shipbob', statuses);
  servers.push(receiver.server);
  return receiver;
}

/** A URL nothing listens on: a port just freed. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/webhooks/shipbob`;
}

const simulators: ShipBobSimulator[] = [];
async function startShipBob(options: Partial<ShipBobSimulatorOptions> = {}) {
  const clock = { time: LOCAL_NOW, now: () => clock.time };
  const shipBob = await ShipBobSimulator.start({ accessToken, latencyMs: { min: 0, max: 0 }, clock, webhookRetryDelaysMs: [20, 40], ...options });
  simulators.push(shipBob);
  return { shipBob, clock };
}

async function createOrder(shipBob: ShipBobSimulator, referenceId: string): Promise<string> {
  const response = await fetch(`${shipBob.url}/2.0/order`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, shipbob_channel_id: CHANNEL, 'content-type': 'application/json' },
    body: JSON.stringify({
      reference_id: referenceId,
      shipping_method: 'Standard',
      recipient: { name: 'Meera Sharma', address: { address1: '14 Janpath', city: 'New Delhi', state: 'Delhi', country: 'IN', zip_code: '110001' } },
      products: [{ reference_id: 'ST-KURTA-IND-M', quantity: 2 }],
    }),
  });
  expect(response.status).toBe(201);
  return String(((await response.json()) as { id: number }).id);
}

const shipVia = (awb: string, at?: number) => ({ carrier: 'Delhivery', carrierService: 'Surface', trackingNumber: awb, trackingUrl: `https://www.delhivery.com/track-v2/package/${awb}`, ...(at === undefined ? {} : { at }) });

afterEach(async () => {
  await Promise.all(simulators.splice(0).map((simulator) => simulator.stop()));
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    }),
  );
});

describe('ShipBob order webhooks from the simulator', () => {
  describe('signing', () => {
    it('signs order.shipped as a Standard Webhook, stamped with the local clock, about an order dated on it', async () => {
      // Prepare
      const receiver = await startReceiver();
      const { shipBob, clock } = await startShipBob();
      shipBob.subscribe({ url: receiver.url, secret: SECRET });
      const shipmentId = await createOrder(shipBob, 'saffron-1042');
      clock.time += 4 * HOUR;
      // Act
      shipBob.ship(shipmentId, shipVia('2104567890123'));
      await shipBob.idle();
      // Assess
      const [webhook] = receiver.received;
      expect(receiver.received).toHaveLength(1);
      expect(verifyStandardWebhook(SECRET, webhook!.headers, webhook!.rawBody, clock.time)).toBe(true);
      expect(webhook!.headers).toMatchObject({ 'content-type': 'application/json', 'x-webhook-topic': 'order.shipped', 'webhook-id': expect.stringMatching(/^msg_[0-9A-Za-z]+$/) });
      expect(Number(webhook!.headers['webhook-timestamp'])).toBe(Math.floor(clock.time / 1000));
      const shippedAt = new Date(LOCAL_NOW + 4 * HOUR).toISOString();
      expect(webhook!.body).toMatchObject({
        id: Number(shipmentId),
        reference_id: 'saffron-1042',
        status: 'Fulfilled',
        created_date: new Date(LOCAL_NOW).toISOString(),
        shipments: [
          {
            status: 'Completed',
            last_update_at: shippedAt,
            tracking: {
              carrier: 'Delhivery',
              carrier_service: 'Surface',
              tracking_number: '2104567890123',
              tracking_url: 'https://www.delhivery.com/track-v2/package/2104567890123',
              shipping_date: shippedAt,
            },
          },
        ],
      });
      expect(webhook!.body.shipments[0]).not.toHaveProperty('delivery_date');
    });

    it('signs with every secret while one is rotated, each signature verifying on its own', async () => {
      // Prepare
      const receiver = await startReceiver();
      const { shipBob } = await startShipBob();
      shipBob.subscribe({ url: receiver.url, secret: [NEXT_SECRET, SECRET] });
      const shipmentId = await createOrder(shipBob, 'saffron-1043');
      // Act
      shipBob.ship(shipmentId, shipVia('2104567890124'));
      await shipBob.idle();
      // Assess
      const { headers, rawBody } = receiver.received[0]!;
      const signatures = String(headers['webhook-signature']).split(' ');
      expect(signatures).toHaveLength(2);
      expect(signatures.every((signature) => signature.startsWith('v1,'))).toBe(true);
      expect(verifyStandardWebhook(SECRET, headers, rawBody)).toBe(true);
      expect(verifyStandardWebhook(NEXT_SECRET, headers, rawBody)).toBe(true);
      expect(verifyStandardWebhook(`whsec_${Buffer.from('an-unrelated-key').toString('base64')}`, headers, rawBody)).toBe(false);
      expect(headers['webhook-signature']).toBe(signStandardWebhook([NEXT_SECRET, SECRET], String(headers['webhook-id']), Number(headers['webhook-timestamp']), rawBody));
    });

    it('refuses a secret that is not whsec_ and base64', async () => {
      const { shipBob } = await startShipBob();

      expect(() => shipBob.subscribe({ url: 'http://127.0.0.1:9/unused', secret: 'shipbob-secret' })).toThrow(/whsec_/);
      expect(() => shipBob.subscribe({ url: 'http://127.0.0.1:9/unused', secret: 'whsec_not_base64!' })).toThrow(/whsec_/);
    });
  });

  describe('the shipment lifecycle', () => {
    it('reports the delivery with its local-clock date, and GET shows the same tracking', async () => {
      // Prepare
      const receiver = await startReceiver();
      const { shipBob } = await startShipBob();
      shipBob.subscribe({ url: receiver.url, secret: SECRET });
      const shipmentId = await createOrder(shipBob, 'saffron-1044');
      const shippedAt = LOCAL_NOW + 4 * HOUR;
      const deliveredAt = LOCAL_NOW + 36 * HOUR;
      // Act
      shipBob.ship(shipmentId, shipVia('2104567890125', shippedAt));
      shipBob.deliver(shipmentId, deliveredAt);
      await shipBob.idle();
      // Assess
      expect(receiver.received.map((webhook) => webhook.headers['x-webhook-topic'])).toEqual(['order.shipped', 'order.shipment.delivered']);
      const delivered = receiver.received[1]!.body;
      expect(delivered.shipments[0]).toMatchObject({
        status: 'Completed',
        delivery_date: new Date(deliveredAt).toISOString(),
        last_update_at: new Date(deliveredAt).toISOString(),
        tracking: { tracking_number: '2104567890125', shipping_date: new Date(shippedAt).toISOString() },
      });
      const response = await fetch(`${shipBob.url}/2.0/order/${shipmentId}`, { headers: { authorization: `Bearer ${accessToken}`, shipbob_channel_id: CHANNEL } });
      expect(await response.json()).toEqual(delivered);
    });

    it('sends a subscriber only the topics it asked for', async () => {
      const receiver = await startReceiver();
      const { shipBob } = await startShipBob();
      shipBob.subscribe({ url: receiver.url, secret: SECRET, topics: ['order.shipment.delivered'] });
      const shipmentId = await createOrder(shipBob, 'saffron-1045');

      shipBob.ship(shipmentId, shipVia('2104567890126'));
      shipBob.deliver(shipmentId);
      await shipBob.idle();

      expect(receiver.received.map((webhook) => webhook.headers['x-webhook-topic'])).toEqual(['order.shipment.delivered']);
    });

    it('reports a fulfilment exception with order.shipment.exception', async () => {
      const receiver = await startReceiver();
      const { shipBob } = await startShipBob();
      shipBob.subscribe({ url: receiver.url, secret: SECRET });
      const shipmentId = await createOrder(shipBob, 'saffron-1046');

      shipBob.exception(shipmentId);
      await shipBob.idle();

      expect(receiver.received.map((webhook) => [webhook.headers['x-webhook-topic'], webhook.body.status, webhook.body.shipments[0].status])).toEqual([
        ['order.shipment.exception', 'Exception', 'Exception'],
      ]);
    });

    it('never ships a cancelled shipment, and a shipped one cannot be cancelled', async () => {
      // Prepare
      const receiver = await startReceiver();
      const { shipBob } = await startShipBob();
      shipBob.subscribe({ url: receiver.url, secret: SECRET });
      const cancelledId = await createOrder(shipBob, 'saffron-1047');
      const shippedId = await createOrder(shipBob, 'saffron-1048');
      const cancel = (id: string) =>
        fetch(`${shipBob.url}/2.0/order/${id}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}`, shipbob_channel_id: CHANNEL } }).then(
          (response) => response.json() as Promise<{ canceled_shipment_results: { is_success: boolean }[] }>,
        );
      await cancel(cancelledId);
      shipBob.ship(shippedId, shipVia('2104567890127'));
      // Act
      const shipCancelled = () => shipBob.ship(cancelledId, shipVia('2104567890128'));
      const cancelShipped = await cancel(shippedId);
      await shipBob.idle();
      // Assess
      expect(shipCancelled).toThrow(/cancelled/);
      expect(() => shipBob.ship(shippedId, shipVia('2104567890129'))).toThrow(/already shipped/);
      expect(() => shipBob.deliver(cancelledId)).toThrow(/not been shipped/);
      expect(cancelShipped.canceled_shipment_results[0]!.is_success).toBe(false);
      expect(shipBob.shipments().map((shipment) => shipment.status)).toEqual(['Cancelled', 'Completed']);
      expect(receiver.received.map((webhook) => webhook.body.id)).toEqual([Number(shippedId)]);
    });
  });

  describe('delivery', () => {
    it('retries a 500 with backoff under the same webhook-id, signing each attempt afresh', async () => {
      // Prepare
      const receiver = await startReceiver([500, 503]);
      const { shipBob } = await startShipBob();
      shipBob.subscribe({ url: receiver.url, secret: SECRET });
      const shipmentId = await createOrder(shipBob, 'saffron-1049');
      // Act
      shipBob.ship(shipmentId, shipVia('2104567890130'));
      await shipBob.idle();
      // Assess
      expect(receiver.received).toHaveLength(3);
      expect(new Set(receiver.received.map((webhook) => webhook.headers['webhook-id'])).size).toBe(1);
      expect(new Set(receiver.received.map((webhook) => webhook.rawBody)).size).toBe(1);
      expect(receiver.received.every((webhook) => verifyStandardWebhook(SECRET, webhook.headers, webhook.rawBody))).toBe(true);
      expect(shipBob.deliveries().map((attempt) => [attempt.attempt, attempt.statusCode, attempt.outcome])).toEqual([
        [1, 500, 'retrying'],
        [2, 503, 'retrying'],
        [3, 200, 'delivered'],
      ]);
      expect(shipBob.deliveries()[0]).toMatchObject({ eventId: receiver.received[0]!.headers['webhook-id'], topic: 'order.shipped', shipmentId, url: receiver.url });
    });

    it('gives up after the last retry, and records why when nobody answers', async () => {
      // Prepare
      const receiver = await startReceiver([500, 500, 500]);
      const { shipBob } = await startShipBob();
      shipBob.subscribe({ url: receiver.url, secret: SECRET });
      const nobody = await deadUrl();
      shipBob.subscribe({ url: nobody, secret: SECRET });
      const shipmentId = await createOrder(shipBob, 'saffron-1050');
      // Act
      shipBob.ship(shipmentId, shipVia('2104567890131'));
      await shipBob.idle();
      // Assess
      const byUrl = (url: string) => shipBob.deliveries().filter((attempt) => attempt.url === url);
      expect(byUrl(receiver.url).map((attempt) => attempt.outcome)).toEqual(['retrying', 'retrying', 'failed']);
      expect(byUrl(nobody).map((attempt) => attempt.outcome)).toEqual(['retrying', 'retrying', 'failed']);
      expect(byUrl(nobody)[0]).toMatchObject({ error: expect.stringMatching(/fetch failed \(.*ECONNREFUSED/) });
      expect(byUrl(nobody)[0]).not.toHaveProperty('statusCode');
    });
  });

  describe('faults', () => {
    async function threeOrders() {
      const receiver = await startReceiver();
      const { shipBob } = await startShipBob();
      shipBob.subscribe({ url: receiver.url, secret: SECRET });
      const ids = [await createOrder(shipBob, 'saffron-2001'), await createOrder(shipBob, 'saffron-2002'), await createOrder(shipBob, 'saffron-2003')];
      const shipAll = () => ids.forEach((id, index) => shipBob.ship(id, shipVia(`210456789100${index}`)));
      const receivedIds = () => receiver.received.map((webhook) => String(webhook.body.id));
      return { receiver, shipBob, ids, shipAll, receivedIds };
    }

    it('drops an event: it is never delivered, and the record says so', async () => {
      const { shipBob, ids, shipAll, receivedIds } = await threeOrders();
      shipBob.webhooks.dropNext(1);

      shipAll();
      await shipBob.idle();

      expect(receivedIds()).toEqual([ids[1], ids[2]]);
      expect(shipBob.deliveries()[0]).toMatchObject({ shipmentId: ids[0], attempt: 0, outcome: 'dropped' });
    });

    it('duplicates an event: the same webhook-id arrives twice', async () => {
      const { receiver, shipBob, ids, shipAll, receivedIds } = await threeOrders();
      shipBob.webhooks.duplicateNext(1);

      shipAll();
      await shipBob.idle();

      expect(receivedIds()).toEqual([ids[0], ids[0], ids[1], ids[2]]);
      expect(receiver.received[0]!.headers['webhook-id']).toBe(receiver.received[1]!.headers['webhook-id']);
      expect(shipBob.deliveries().map((attempt) => attempt.copy)).toEqual([1, 2, 1, 1]);
    });

    it('holds an event back until the one after it has been delivered', async () => {
      const { shipBob, ids, shipAll, receivedIds } = await threeOrders();
      shipBob.webhooks.holdNext();

      shipAll();
      await shipBob.idle();

      expect(receivedIds()).toEqual([ids[1], ids[0], ids[2]]);
    });

    it('queues events during an outage and sends them in order when it ends', async () => {
      // Prepare
      const { shipBob, ids, shipAll, receivedIds } = await threeOrders();
      shipBob.webhooks.pause();
      // Act
      shipAll();
      await shipBob.idle();
      await new Promise((resolve) => setTimeout(resolve, 50));
      const duringOutage = receivedIds();
      shipBob.webhooks.resume();
      await shipBob.idle();
      // Assess
      expect(duringOutage).toEqual([]);
      expect(receivedIds()).toEqual(ids);
    });
  });
});
