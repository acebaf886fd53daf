import { afterEach, describe, expect, it } from 'vitest';
import { ShipBobWms, type ShipBobWmsOptions } from '../../../lambdas/fulfilment/adapters/shipbob-wms.ts';
import { PermanentFulfilmentError, TransientFulfilmentError } from '../../../lambdas/fulfilment/domain/errors.ts';
import { shipmentFrom } from '../../../lambdas/fulfilment/domain/fulfilment-requests.ts';
import { CanonicalOrderSchema, type CanonicalOrder } from '../../../lambdas/shared/canonical-order.ts';
import { ShipBobSimulator, type ShipBobSimulatorOptions } from '../../../local/simulators/fulfilment-wms/shipbob-simulator.ts';

const accessToken = 'shipbob_pat_9fK2mQ';
const CHANNEL = '4021';
const DELHI_LOCATION = 187;
const KEY = 'saffron-threads-5801234567890-shipment-IN-DEL-01';

/** A paid Indian order of two SKUs, both shipped from Delhi. */
function anOrder(): CanonicalOrder {
  return CanonicalOrderSchema.parse({
    schemaVersion: 1,
    brand: 'saffron-threads',
    orderId: '5801234567890',
    orderNumber: '#1042',
    currency: 'INR',
    totalMinor: 529810,
    subtotalMinor: 529810,
    taxMinor: 0,
    discountMinor: 0,
    shippingMinor: 0,
    financialStatus: 'paid',
    paymentMethod: 'prepaid',
    lines: [
      { sku: 'ST-KURTA-IND-M', variantId: '40000000001', title: 'Indigo block-print kurta (M)', quantity: 2, unitPriceMinor: 189900, taxMinor: 0, discountMinor: 0 },
      { sku: 'ST-DUPATTA-SLK', variantId: '40000000002', title: 'Silk dupatta', quantity: 1, unitPriceMinor: 150010, taxMinor: 0, discountMinor: 0 },
    ],
    customer: { name: 'Aarav Sharma', email: 'aarav.sharma@example.com', phone: '+919812345670' },
    shippingAddress: { name: 'Meera Sharma', line1: '14 Janpath', line2: 'Flat 3B', city: 'New Delhi', province: 'Delhi', postalCode: '110001', country: 'IN' },
    tags: [],
    noteAttributes: {},
    createdAt: '2026-11-28T00:30:00+05:30',
    updatedAt: '2026-11-28T00:30:00+05:30',
  });
}

const shipment = shipmentFrom(anOrder(), 'IN-DEL-01', [
  { sku: 'ST-KURTA-IND-M', quantity: 2 },
  { sku: 'ST-DUPATTA-SLK', quantity: 1 },
]);

const simulators: ShipBobSimulator[] = [];
async function startShipBob(options: Partial<ShipBobSimulatorOptions> = {}): Promise<ShipBobSimulator> {
  const simulator = await ShipBobSimulator.start({ accessToken, ...options });
  simulators.push(simulator);
  return simulator;
}

function wmsFor(simulator: ShipBobSimulator, options: Partial<ShipBobWmsOptions> = {}): ShipBobWms {
  return new ShipBobWms({
    baseUrl: simulator.url,
    accessToken: async () => accessToken,
    channelId: CHANNEL,
    locationIds: { 'IN-DEL-01': DELHI_LOCATION },
    timeoutMs: 2000,
    ...options,
  });
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => error,
  );
}

afterEach(async () => {
  await Promise.all(simulators.splice(0).map((simulator) => simulator.stop()));
});

describe('the ShipBob simulator, driven through the WMS adapter', () => {
  describe('creating a shipment', () => {
    it('creates the order at the warehouse’s location, keyed by reference_id in our channel', async () => {
      // Prepare
      const shipBob = await startShipBob();
      const wms = wmsFor(shipBob);
      // Act
      const result = await wms.createShipment(shipment, KEY);
      // Assess
      const [created] = shipBob.shipments();
      expect(result).toEqual({ shipmentId: created!.id, created: true });
      expect(created).toMatchObject({
        channelId: 4021,
        referenceId: KEY,
        orderNumber: '#1042',
        purchaseDate: '2026-11-28T00:30:00+05:30',
        locationId: DELHI_LOCATION,
        shippingMethod: 'Standard',
        status: 'Processing',
        recipient: {
          name: 'Meera Sharma',
          address: { address1: '14 Janpath', address2: 'Flat 3B', city: 'New Delhi', state: 'Delhi', country: 'IN', zip_code: '110001' },
          email: 'aarav.sharma@example.com',
          phone_number: '+919812345670',
        },
        products: [
          { referenceId: 'ST-KURTA-IND-M', quantity: 2, name: 'Indigo block-print kurta (M)' },
          { referenceId: 'ST-DUPATTA-SLK', quantity: 1, name: 'Silk dupatta' },
        ],
      });
    });

    it('answers a repeated create with the shipment already there, never a second one', async () => {
      // Prepare
      const shipBob = await startShipBob();
      const wms = wmsFor(shipBob);
      const first = await wms.createShipment(shipment, KEY);
      // Act
      const again = await wms.createShipment(shipment, KEY);
      // Assess
      expect(again).toEqual({ shipmentId: first.shipmentId, created: false });
      expect(shipBob.shipments()).toHaveLength(1);
      expect(shipBob.requests.map((request) => [request.method, request.path.split('?')[0], request.status])).toEqual([
        ['POST', '/2.0/order', 201],
        ['POST', '/2.0/order', 422],
        ['GET', '/2.0/order', 200],
      ]);
    });

    it('finds the shipment a timed-out create made', async () => {
      // Prepare
      const shipBob = await startShipBob();
      shipBob.failNext(1, 'timeout');
      // Act
      const timedOut = await failureOf(wmsFor(shipBob, { timeoutMs: 300 }).createShipment(shipment, KEY));
      const retried = await wmsFor(shipBob).createShipment(shipment, KEY);
      // Assess
      expect(timedOut).toBeInstanceOf(TransientFulfilmentError);
      expect(timedOut).toMatchObject({ name: 'TransientFulfilmentError', system: 'wms', operation: 'createShipment', status: undefined });
      expect(retried).toEqual({ shipmentId: shipBob.shipments()[0]!.id, created: false });
      expect(shipBob.shipments()).toHaveLength(1);
    });

    it('keeps reference_id unique per channel, so another channel’s order with the key is not ours', async () => {
      const shipBob = await startShipBob();
      const theirs = await wmsFor(shipBob, { channelId: '5577' }).createShipment(shipment, KEY);

      const ours = await wmsFor(shipBob).createShipment(shipment, KEY);

      expect(ours.created).toBe(true);
      expect(ours.shipmentId).not.toBe(theirs.shipmentId);
      expect(shipBob.shipments().map((created) => created.channelId)).toEqual([5577, 4021]);
    });

    it('refuses to reuse the key of a cancelled shipment: reference_id cannot be reused', async () => {
      const shipBob = await startShipBob();
      const wms = wmsFor(shipBob);
      const { shipmentId } = await wms.createShipment(shipment, KEY);
      await wms.cancelShipment(shipmentId, `${KEY}-cancel`);

      const error = await failureOf(wms.createShipment(shipment, KEY));

      expect(error).toBeInstanceOf(PermanentFulfilmentError);
      expect(error).toMatchObject({ reason: 'rejected', message: expect.stringMatching(/was cancelled; a new shipment needs a new key/) });
      expect(shipBob.shipments()).toHaveLength(1);
    });

    it('refuses a warehouse with no ShipBob location before calling ShipBob', async () => {
      const shipBob = await startShipBob();

      const error = await failureOf(wmsFor(shipBob, { locationIds: {} }).createShipment(shipment, KEY));

      expect(error).toBeInstanceOf(PermanentFulfilmentError);
      expect(error).toMatchObject({ reason: 'configuration', operation: 'createShipment', message: expect.stringMatching(/IN-DEL-01/) });
      expect(shipBob.requests).toEqual([]);
    });
  });

  describe('failures', () => {
    it('reports a server error and a request that never answers as transient', async () => {
      // Prepare
      const shipBob = await startShipBob();
      shipBob.failNext(1, '5xx');
      shipBob.failNext(1, 'timeout', { method: 'POST', path: /\/cancel$/ });
      const wms = wmsFor(shipBob, { timeoutMs: 300 });
      // Act
      const serverError = await failureOf(wms.createShipment(shipment, KEY));
      const { shipmentId } = await wms.createShipment(shipment, KEY);
      const noAnswer = await failureOf(wms.cancelShipment(shipmentId, `${KEY}-cancel`));
      const cancelledAnyway = await wms.cancelShipment(shipmentId, `${KEY}-cancel`);
      // Assess
      expect(serverError).toBeInstanceOf(TransientFulfilmentError);
      expect(serverError).toMatchObject({ status: 500 });
      expect(noAnswer).toBeInstanceOf(TransientFulfilmentError);
      expect(noAnswer).toMatchObject({ operation: 'cancelShipment', message: expect.stringMatching(/no answer within 300 ms/) });
      expect(cancelledAnyway).toEqual({ cancelled: true });
    });

    it('reports a validation refusal as permanent, with ShipBob’s message and field', async () => {
      // Prepare
      const shipBob = await startShipBob();
      shipBob.failNext(1, 'validation');
      // Act
      const error = await failureOf(wmsFor(shipBob).createShipment(shipment, KEY));
      // Assess
      expect(error).toBeInstanceOf(PermanentFulfilmentError);
      expect(error).toMatchObject({
        name: 'PermanentFulfilmentError',
        system: 'wms',
        operation: 'createShipment',
        reason: 'validation',
        status: 400,
        field: 'recipient.address.zip_code',
        systemMessage: "The zip_code '110001' is not a valid postal code for country IN.",
      });
      expect(shipBob.shipments()).toEqual([]);
    });

    it('refuses an order without an address line as ShipBob does', async () => {
      const shipBob = await startShipBob();

      const error = await failureOf(wmsFor(shipBob).createShipment({ ...shipment, recipient: { ...shipment.recipient, line1: ' ' } }, KEY));

      expect(error).toMatchObject({ reason: 'validation', status: 400, field: 'recipient.address.address1', systemMessage: 'The address1 field is required.' });
    });

    it('refuses a wrong token as a permanent auth failure', async () => {
      const shipBob = await startShipBob();

      const error = await failureOf(wmsFor(shipBob, { accessToken: async () => 'revoked' }).createShipment(shipment, KEY));

      expect(error).toBeInstanceOf(PermanentFulfilmentError);
      expect(error).toMatchObject({ reason: 'auth', status: 401 });
    });

    it('reports throttling as transient, with the wait ShipBob asked for', async () => {
      // Prepare
      const shipBob = await startShipBob({ rateLimit: { requestsPerSecond: 1 } });
      const wms = wmsFor(shipBob);
      await wms.createShipment(shipment, KEY);
      // Act
      const error = await failureOf(wms.cancelShipment(shipBob.shipments()[0]!.id, `${KEY}-cancel`));
      // Assess
      expect(error).toBeInstanceOf(TransientFulfilmentError);
      expect(error).toMatchObject({ status: 429, retryAfterSeconds: 1, message: expect.stringMatching(/Rate limit is exceeded/) });
      expect(shipBob.shipments()[0]!.status).toBe('Processing');
    });
  });

  describe('cancelling a shipment', () => {
    it('cancels once, and a second cancel is still cancelled', async () => {
      // Prepare
      const shipBob = await startShipBob();
      const wms = wmsFor(shipBob);
      const { shipmentId } = await wms.createShipment(shipment, KEY);
      // Act
      const first = await wms.cancelShipment(shipmentId, `${KEY}-cancel`);
      const second = await wms.cancelShipment(shipmentId, `${KEY}-cancel`);
      // Assess
      expect(first).toEqual({ cancelled: true });
      expect(second).toEqual({ cancelled: true });
      expect(shipBob.shipments().map((created) => created.status)).toEqual(['Cancelled']);
      expect(shipBob.requests.filter((request) => request.path.endsWith('/cancel')).map((request) => request.status)).toEqual([200, 422]);
    });

    it('reports cancelling an order ShipBob does not know as permanent: ShipBob keeps cancelled orders, so it was never ours', async () => {
      const shipBob = await startShipBob();

      const error = await failureOf(wmsFor(shipBob).cancelShipment('310009999', `${KEY}-cancel`));

      expect(error).toBeInstanceOf(PermanentFulfilmentError);
      expect(error).toMatchObject({ reason: 'not_found', status: 404, operation: 'cancelShipment' });
    });

    it('says not cancelled once the warehouse has shipped it', async () => {
      // Prepare
      const shipBob = await startShipBob();
      const wms = wmsFor(shipBob);
      const { shipmentId } = await wms.createShipment(shipment, KEY);
      shipBob.advance(shipmentId, 'Completed');
      // Act
      const result = await wms.cancelShipment(shipmentId, `${KEY}-cancel`);
      // Assess
      expect(result).toEqual({ cancelled: false });
      expect(shipBob.shipments()[0]!.status).toBe('Completed');
    });
  });
});
