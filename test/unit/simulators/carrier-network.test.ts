import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CourierNetwork, type CourierNetworkOptions } from '../../../local/simulators/carrier/courier-network.ts';
import type { JourneyName } from '../../../local/simulators/carrier/journeys.ts';
import { ShipBobSimulator } from '../../../local/simulators/fulfilment-wms/shipbob-simulator.ts';

const accessToken = 'shipbob_pat_9fK2mQ';
const CHANNEL = '4021';
const AFTERSHIP_SECRET = 'aftership-webhook-secret-8c1f';
const SHIPBOB_SECRET = `whsec_${Buffer.from('shipbob-webhook-key-0123456789ab').toString('base64')}`;
/** The local clock starts here, far from real time so the two cannot be confused. */
const START = Date.parse('2027-03-14T00:30:00+05:30');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A local clock that moves only when told, firing each timer at its due time, in order. */
class ManualClock {
  private current: number;
  private sequence = 0;
  private readonly timers: { at: number; sequence: number; fn: () => void }[] = [];

  constructor(start: number) {
    this.current = start;
  }

  now = (): number => this.current;

  setTimer = (fn: () => void, ms: number): (() => void) => {
    const timer = { at: this.current + Math.max(0, ms), sequence: this.sequence++, fn };
    this.timers.push(timer);
    return () => {
      const index = this.timers.indexOf(timer);
      if (index !== -1) this.timers.splice(index, 1);
    };
  };

  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= target).sort((a, b) => a.at - b.at || a.sequence - b.sequence)[0];
      if (!due) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.current = due.at;
      due.fn();
    }
    this.current = target;
  }

  get pending(): number {
    return this.timers.length;
  }
}

/** AfterShip's check, written from its docs: base64 HMAC-SHA256 of the raw body, keyed with the secret as UTF-8. */
function verifyAfterShip(headers: IncomingHttpHeaders, rawBody: string): boolean {
  const given = Buffer.from(String(headers['aftership-hmac-sha256'] ?? ''), 'base64');
  const expected = createHmac('sha256', AFTERSHIP_SECRET).update(rawBody, 'utf8').digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Standard Webhooks' check, for ShipBob's side. */
function verifyShipBob(headers: IncomingHttpHeaders, rawBody: string): boolean {
  const key = Buffer.from(SHIPBOB_SECRET.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${String(headers['webhook-id'])}.${String(headers['webhook-timestamp'])}.${rawBody}`).digest('base64');
  return String(headers['webhook-signature'])
    .split(' ')
    .some((signature) => signature === `v1,${expected}`);
}

interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

const servers: Server[] = [];
/**
 * A webhook receiver on a free port. It answers `statuses` in turn, then 200; `hangFirst` leaves
 * that many requests unanswered, as a receiver that times out.
 */
async function startReceiver(statuses: number[] = [], hangFirst = 0) {
  const receiver = { url: '', received: [] as Received[], statuses, hangFirst };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      receiver.received.push({ headers: request.headers, rawBody, body: JSON.parse(rawBody) });
      if (receiver.hangFirst > 0) {
        receiver.hangFirst--;
        return;
      }
      response.writeHead(receiver.statuses.shift() ?? 200).end();
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`;
  return receiver;
}

const ADDRESSES = {
  IN: { address1: '14 Janpath', city: 'New Delhi', state: 'Delhi', country: 'IN', zip_code: '110001' },
  ID: { address1: 'Jl. Kemang Raya 8', city: 'Jakarta Selatan', state: 'DKI Jakarta', country: 'ID', zip_code: '12730' },
  MY: { address1: '12 Jalan Ampang', city: 'Kuala Lumpur', state: 'Wilayah Persekutuan', country: 'MY', zip_code: '50450' },
  US: { address1: '1 Main St', city: 'Austin', state: 'TX', country: 'US', zip_code: '73301' },
} as const;

const stops: (() => Promise<void> | void)[] = [];

interface World {
  readonly clock: ManualClock;
  readonly shipBob: ShipBobSimulator;
  readonly courier: CourierNetwork;
  readonly aftership: Awaited<ReturnType<typeof startReceiver>>;
  readonly shipBobHooks: Awaited<ReturnType<typeof startReceiver>>;
  createOrder(country: keyof typeof ADDRESSES, referenceId?: string): Promise<string>;
  /** Moves the local clock on and waits for every webhook that set off. */
  pass(ms: number): Promise<void>;
}

async function startWorld(options: { journeyFor?: CourierNetworkOptions['journeyFor']; aftership?: { statuses?: number[]; hangFirst?: number; timeoutMs?: number } } = {}): Promise<World> {
  const clock = new ManualClock(START);
  const aftership = await startReceiver(options.aftership?.statuses, options.aftership?.hangFirst);
  const shipBobHooks = await startReceiver();
  const shipBob = await ShipBobSimulator.start({ accessToken, latencyMs: { min: 0, max: 0 }, clock, webhookRetryDelaysMs: [20, 40] });
  stops.push(() => shipBob.stop());
  shipBob.subscribe({ url: shipBobHooks.url, secret: SHIPBOB_SECRET });
  const courier = CourierNetwork.start({
    clock,
    shipBob,
    aftership: { url: aftership.url, secret: AFTERSHIP_SECRET, retryDelaysMs: [20, 40], timeoutMs: options.aftership?.timeoutMs },
    journeyFor: options.journeyFor,
  });
  stops.push(() => courier.stop());
  let orders = 0;
  return {
    clock,
    shipBob,
    courier,
    aftership,
    shipBobHooks,
    async createOrder(country, referenceId = `order-${++orders}`) {
      const response = await fetch(`${shipBob.url}/2.0/order`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, shipbob_channel_id: CHANNEL, 'content-type': 'application/json' },
        body: JSON.stringify({
          reference_id: referenceId,
          shipping_method: 'Standard',
          recipient: { name: 'Customer', address: ADDRESSES[country] },
          products: [{ reference_id: 'SKU-1', quantity: 1 }],
        }),
      });
      expect(response.status).toBe(201);
      return String(((await response.json()) as { id: number }).id);
    },
    async pass(ms) {
      clock.advance(ms);
      await courier.idle();
    },
  };
}

const subtags = (received: readonly Received[]) => received.map((webhook) => webhook.body.msg.subtag);

afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    }),
  );
});

describe('the courier network behind the ShipBob simulator', () => {
  describe('an on-time journey to India', () => {
    it('ships with Delhivery, then reports each scan through AfterShip in order, on the local clock', async () => {
      // Prepare
      const world = await startWorld();
      const shipmentId = await world.createOrder('IN');
      // Act: the warehouse ships 4 hours after the order
      await world.pass(4 * HOUR - MINUTE);
      const beforeDispatch = world.shipBobHooks.received.length;
      await world.pass(MINUTE);
      // Assess: ShipBob reports the dispatch with the AWB
      expect(beforeDispatch).toBe(0);
      const [shipped] = world.shipBobHooks.received;
      expect(shipped!.headers['x-webhook-topic']).toBe('order.shipped');
      expect(verifyShipBob(shipped!.headers, shipped!.rawBody)).toBe(true);
      expect(Number(shipped!.headers['webhook-timestamp'])).toBe(Math.floor(world.clock.now() / 1000));
      const tracking = shipped!.body.shipments[0].tracking;
      expect(shipped!.body).toMatchObject({ id: Number(shipmentId), status: 'Fulfilled', shipments: [{ status: 'Completed' }] });
      expect(tracking).toMatchObject({ carrier: 'Delhivery', carrier_service: 'Surface', tracking_number: expect.stringMatching(/^\d{13}$/), shipping_date: new Date(START + 4 * HOUR).toISOString() });
      expect(tracking.tracking_url).toMatch(new RegExp(`^https://.*${tracking.tracking_number}$`));
      expect(world.aftership.received).toEqual([]);

      // Act: the rest of the journey, a few hours at a time
      for (let hour = 0; hour < 48; hour++) await world.pass(HOUR);
      // Assess: AfterShip reports every scan, signed, in order, each with the checkpoints so far
      const updates = world.aftership.received;
      expect(updates.every((webhook) => verifyAfterShip(webhook.headers, webhook.rawBody))).toBe(true);
      expect(updates.every((webhook) => webhook.headers['content-type'] === 'application/json')).toBe(true);
      expect(subtags(updates)).toEqual(['InfoReceived_001', 'InTransit_001', 'OutForDelivery_001', 'Delivered_001']);
      expect(updates.map((webhook) => webhook.body.msg.checkpoints.length)).toEqual([1, 2, 3, 4]);
      expect(updates.map((webhook) => webhook.body.is_tracking_first_tag)).toEqual([true, true, true, true]);
      expect(new Set(updates.map((webhook) => webhook.body.msg.id)).size).toBe(1);
      expect(new Set(updates.map((webhook) => webhook.body.event_id)).size).toBe(4);
      const delivered = updates[3]!.body;
      expect(delivered).toMatchObject({
        event: 'tracking_update',
        event_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        msg: {
          tracking_number: tracking.tracking_number,
          slug: 'delhivery',
          tag: 'Delivered',
          subtag: 'Delivered_001',
          subtag_message: 'Delivered',
          order_id: shipmentId,
          expected_delivery: '2027-03-15',
          updated_at: '2027-03-15T06:30:00.000Z',
        },
      });
      // When AfterShip sent it, on the same (local) clock as the scans.
      expect(delivered.ts).toBe(Date.parse('2027-03-15T06:30:00.000Z') / 1000);
      expect(delivered.msg.checkpoints.map((checkpoint: { checkpoint_time: string; tag: string }) => [checkpoint.checkpoint_time, checkpoint.tag])).toEqual([
        ['2027-03-14T04:50:00+05:30', 'InfoReceived'],
        ['2027-03-14T10:50:00+05:30', 'InTransit'],
        ['2027-03-15T09:00:00+05:30', 'OutForDelivery'],
        ['2027-03-15T12:00:00+05:30', 'Delivered'],
      ]);
      expect(delivered.msg.checkpoints[3]).toMatchObject({ city: 'New Delhi', message: expect.any(String), location: expect.any(String) });
      // ShipBob learns of the delivery too.
      expect(world.shipBobHooks.received.map((webhook) => webhook.headers['x-webhook-topic'])).toEqual(['order.shipped', 'order.shipment.delivered']);
      expect(world.shipBobHooks.received[1]!.body.shipments[0].delivery_date).toBe('2027-03-15T06:30:00.000Z');
      expect(world.courier.journey(shipmentId)).toMatchObject({ journey: 'onTime', state: 'delivered', carrier: 'Delhivery', slug: 'delhivery', trackingNumber: tracking.tracking_number });
      expect(world.courier.journey(shipmentId)).not.toHaveProperty('next');
      expect(world.clock.pending).toBe(0);
    });
  });

  describe('journeys', () => {
    it('returns an undeliverable parcel to Malaysia’s sender: two failed attempts, then Exception_010 and Exception_011', async () => {
      // Prepare
      const world = await startWorld({ journeyFor: () => 'returnToOrigin' });
      const shipmentId = await world.createOrder('MY');
      // Act: ten days at once
      await world.pass(10 * DAY);
      // Assess
      const updates = world.aftership.received;
      expect(subtags(updates)).toEqual([
        'InfoReceived_001',
        'InTransit_001',
        'OutForDelivery_001',
        'AttemptFail_001',
        'OutForDelivery_001',
        'AttemptFail_001',
        'Exception_010',
        'Exception_011',
      ]);
      expect(updates.map((webhook) => webhook.body.is_tracking_first_tag)).toEqual([true, true, true, true, false, false, true, false]);
      expect(updates.map((webhook) => webhook.body.msg.checkpoints.length)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const last = updates[7]!.body.msg;
      expect(last).toMatchObject({ slug: 'poslaju', tag: 'Exception', subtag: 'Exception_011', subtag_message: 'Returned to sender', expected_delivery: null });
      expect(last.tracking_number).toMatch(/^ER\d{9}MY$/);
      expect(last.checkpoints.every((checkpoint: { checkpoint_time: string }) => checkpoint.checkpoint_time.endsWith('+08:00'))).toBe(true);
      expect(updates[6]!.body.msg.subtag_message).toBe('Returning to sender');
      expect(world.shipBobHooks.received.map((webhook) => webhook.headers['x-webhook-topic'])).toEqual(['order.shipped']);
      expect(world.courier.journey(shipmentId)).toMatchObject({ journey: 'returnToOrigin', state: 'returned', expectedDelivery: null });
    });

    it('delivers to Indonesia on the second attempt, with JNE', async () => {
      const world = await startWorld();
      const shipmentId = await world.createOrder('ID');
      world.courier.plan(shipmentId, 'failedAttemptThenDelivered');

      await world.pass(5 * DAY);

      expect(subtags(world.aftership.received)).toEqual(['InfoReceived_001', 'InTransit_001', 'OutForDelivery_001', 'AttemptFail_001', 'OutForDelivery_001', 'Delivered_001']);
      expect(world.aftership.received[0]!.body.msg).toMatchObject({ slug: 'jne', tracking_number: expect.stringMatching(/^\d{16}$/) });
      expect(world.aftership.received[4]!.body.msg.checkpoints[4].checkpoint_time).toMatch(/T09:00:00\+07:00$/);
      expect(world.shipBobHooks.received[0]!.body.shipments[0].tracking.carrier).toBe('JNE');
      expect(world.courier.journey(shipmentId)).toMatchObject({ state: 'delivered' });
    });

    it('delivers a late parcel about five days after shipping, past the date the carrier promised', async () => {
      const world = await startWorld({ journeyFor: () => 'late' });
      await world.createOrder('IN');

      await world.pass(10 * DAY);

      const updates = world.aftership.received;
      const delivered = updates.at(-1)!.body.msg;
      const shippedAt = Date.parse(world.shipBobHooks.received[0]!.body.shipments[0].tracking.shipping_date);
      const deliveredAt = Date.parse(delivered.checkpoints.at(-1).checkpoint_time);
      expect(delivered.subtag).toBe('Delivered_001');
      expect((deliveredAt - shippedAt) / DAY).toBeGreaterThan(4.5);
      expect((deliveredAt - shippedAt) / DAY).toBeLessThan(6);
      expect(delivered.expected_delivery < delivered.checkpoints.at(-1).checkpoint_time.slice(0, 10)).toBe(true);
    });

    it('leaves a stuck shipment at the warehouse until it is shipped and scanned by hand', async () => {
      // Prepare
      const world = await startWorld({ journeyFor: (shipment) => (shipment.referenceId === 'stuck' ? 'stuckInWarehouse' : 'onTime') });
      const shipmentId = await world.createOrder('IN', 'stuck');
      await world.pass(30 * DAY);
      const afterAMonth = { aftership: world.aftership.received.length, shipBob: world.shipBobHooks.received.length, journey: world.courier.journey(shipmentId) };
      // Act
      world.courier.ship(shipmentId);
      world.courier.scan(shipmentId, 'InTransit', 'InTransit_001');
      await world.pass(HOUR);
      world.courier.scan(shipmentId, 'AvailableForPickup', 'AvailableForPickup_001', { location: 'Connaught Place pickup point', city: 'New Delhi' });
      await world.courier.idle();
      // Assess
      expect(afterAMonth).toMatchObject({ aftership: 0, shipBob: 0, journey: { journey: 'stuckInWarehouse', state: 'awaiting_dispatch', checkpoints: [] } });
      expect(world.shipBobHooks.received.map((webhook) => webhook.headers['x-webhook-topic'])).toEqual(['order.shipped']);
      expect(world.shipBobHooks.received[0]!.body.shipments[0].tracking.shipping_date).toBe(new Date(START + 30 * DAY).toISOString());
      expect(subtags(world.aftership.received)).toEqual(['InTransit_001', 'AvailableForPickup_001']);
      expect(world.aftership.received[1]!.body.msg.checkpoints[1]).toMatchObject({ location: 'Connaught Place pickup point', tag: 'AvailableForPickup' });
      expect(() => world.courier.scan(shipmentId, 'Delivered', 'InTransit_001')).toThrow(/does not belong/);
      expect(() => world.courier.ship(shipmentId)).toThrow(/already shipped/);
    });

    it('never ships a cancelled shipment', async () => {
      // Prepare
      const world = await startWorld();
      const shipmentId = await world.createOrder('IN');
      await world.pass(HOUR);
      // Act
      const response = await fetch(`${world.shipBob.url}/2.0/order/${shipmentId}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}`, shipbob_channel_id: CHANNEL } });
      await world.pass(10 * DAY);
      // Assess
      expect(response.status).toBe(200);
      expect(world.shipBobHooks.received).toEqual([]);
      expect(world.aftership.received).toEqual([]);
      expect(world.shipBob.shipment(shipmentId)).toMatchObject({ status: 'Cancelled' });
      expect(world.shipBob.shipment(shipmentId)).not.toHaveProperty('tracking');
      expect(world.courier.journey(shipmentId)).toMatchObject({ state: 'cancelled' });
      expect(() => world.courier.ship(shipmentId)).toThrow(/cancelled/);
      expect(() => world.courier.plan(shipmentId, 'onTime')).toThrow(/over/);
    });

    it('waits while ShipBob holds a shipment, and ships it once released', async () => {
      const world = await startWorld();
      const shipmentId = await world.createOrder('IN');
      world.shipBob.advance(shipmentId, 'OnHold');

      await world.pass(DAY);
      const held = world.courier.journey(shipmentId)!.state;
      world.shipBob.advance(shipmentId, 'Processing');
      await world.pass(4 * HOUR);

      expect(held).toBe('on_hold');
      expect(world.shipBobHooks.received.map((webhook) => webhook.body.shipments[0].tracking.shipping_date)).toEqual([new Date(START + DAY + 4 * HOUR).toISOString()]);
    });

    it('gives every shipment its own AWB and sends nothing for a country without a carrier', async () => {
      const world = await startWorld({ journeyFor: () => 'stuckInWarehouse' as JourneyName });
      const ids: string[] = [];
      for (let index = 0; index < 25; index++) ids.push(await world.createOrder('IN'));
      const abroad = await world.createOrder('US');

      for (const id of ids) world.courier.ship(id);
      await world.courier.idle();

      const awbs = world.courier.journeys().flatMap((journey) => (journey.trackingNumber ? [journey.trackingNumber] : []));
      expect(new Set(awbs).size).toBe(25);
      expect(awbs.every((awb) => /^\d{13}$/.test(awb))).toBe(true);
      expect(world.courier.journey(abroad)).toMatchObject({ state: 'no_carrier', expectedDelivery: null });
      expect(world.courier.journey(abroad)).not.toHaveProperty('carrier');
      expect(() => world.courier.ship(abroad)).toThrow(/no carrier/);
    });

    it('shows the next step and when it is due, and stop() cancels every timer', async () => {
      const world = await startWorld();
      const shipmentId = await world.createOrder('IN');

      const planned = world.courier.journey(shipmentId);
      world.courier.stop();
      await world.pass(10 * DAY);

      expect(planned).toMatchObject({ journey: 'onTime', state: 'awaiting_dispatch', next: { step: 'ship', dueAt: new Date(START + 4 * HOUR).toISOString() } });
      expect(world.clock.pending).toBe(0);
      expect(world.shipBobHooks.received).toEqual([]);
    });
  });

  describe('AfterShip delivery and faults', () => {
    it('retries a 500 and a timeout under the same event_id and body', async () => {
      // Prepare
      const world = await startWorld({ aftership: { statuses: [500] } });
      await world.createOrder('IN');
      // Act
      await world.pass(4 * HOUR + 20 * MINUTE);
      // Assess
      expect(world.aftership.received).toHaveLength(2);
      expect(world.aftership.received[0]!.rawBody).toBe(world.aftership.received[1]!.rawBody);
      expect(world.courier.deliveries().map((attempt) => [attempt.attempt, attempt.statusCode, attempt.outcome])).toEqual([
        [1, 500, 'retrying'],
        [2, 200, 'delivered'],
      ]);
      expect(world.courier.deliveries()[0]).toMatchObject({ topic: 'tracking_update', eventId: world.aftership.received[0]!.body.event_id });
    });

    it('retries an attempt the receiver never answers', async () => {
      const world = await startWorld({ aftership: { hangFirst: 1, timeoutMs: 150 } });
      await world.createOrder('IN');

      await world.pass(4 * HOUR + 20 * MINUTE);

      expect(world.aftership.received.map((webhook) => webhook.body.event_id)).toEqual([world.aftership.received[0]!.body.event_id, world.aftership.received[0]!.body.event_id]);
      expect(world.courier.deliveries().map((attempt) => attempt.outcome)).toEqual(['retrying', 'delivered']);
      expect(world.courier.deliveries()[0]!.error).toMatch(/TimeoutError|aborted/i);
    });

    it('drops an update: it never arrives, and the next one still carries its checkpoint', async () => {
      const world = await startWorld();
      await world.createOrder('IN');
      world.courier.webhooks.dropNext(1);

      await world.pass(2 * DAY);

      expect(subtags(world.aftership.received)).toEqual(['InTransit_001', 'OutForDelivery_001', 'Delivered_001']);
      expect(world.aftership.received[0]!.body.msg.checkpoints.map((checkpoint: { subtag: string }) => checkpoint.subtag)).toEqual(['InfoReceived_001', 'InTransit_001']);
      expect(world.courier.deliveries()[0]).toMatchObject({ outcome: 'dropped', attempt: 0 });
    });

    it('duplicates an update: the same event_id arrives twice', async () => {
      const world = await startWorld();
      await world.createOrder('IN');
      world.courier.webhooks.duplicateNext(1);

      await world.pass(2 * DAY);

      expect(subtags(world.aftership.received)).toEqual(['InfoReceived_001', 'InfoReceived_001', 'InTransit_001', 'OutForDelivery_001', 'Delivered_001']);
      expect(world.aftership.received[0]!.rawBody).toBe(world.aftership.received[1]!.rawBody);
    });

    it('holds an update back so it arrives after the next one', async () => {
      const world = await startWorld();
      await world.createOrder('IN');
      world.courier.webhooks.holdNext();

      await world.pass(2 * DAY);

      expect(subtags(world.aftership.received)).toEqual(['InTransit_001', 'InfoReceived_001', 'OutForDelivery_001', 'Delivered_001']);
    });

    it('queues updates during an AfterShip outage and flushes them in order on resume', async () => {
      // Prepare
      const world = await startWorld();
      await world.createOrder('IN');
      world.courier.webhooks.pause();
      // Act
      await world.pass(2 * DAY);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const duringOutage = world.aftership.received.length;
      world.courier.webhooks.resume();
      await world.courier.idle();
      // Assess
      expect(duringOutage).toBe(0);
      expect(world.shipBobHooks.received).toHaveLength(2);
      expect(subtags(world.aftership.received)).toEqual(['InfoReceived_001', 'InTransit_001', 'OutForDelivery_001', 'Delivered_001']);
    });
  });
});
