import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WmsClient } from '../../../lambdas/inventory/adapters/wms-client.ts';
import { WmsRequestError, WmsUnavailableError } from '../../../lambdas/inventory/domain/errors.ts';
import { WMS_EVENT_ID_HEADER, WMS_SIGNATURE_HEADER, WmsStockWebhookSchema, type WmsStockWebhook } from '../../../lambdas/inventory/domain/wms-contract.ts';
import { verifyWmsSignature, type WmsSignatureCheck } from '../../../lambdas/inventory/domain/wms-signature.ts';
import { WmsSimulator, type WmsSimulatorOptions } from '../../../local/simulators/wms/wms-simulator.ts';

const apiToken = 'wms_tok_7Qm2x9Lp';
const webhookSecret = 'whsec_wms_bhiwandi';
/** Announces changes by webhook. */
const PUSHING = 'BLR-1';
/** Has no webhooks: it is polled. */
const POLLED = 'BOM-2';

interface ReceivedWebhook {
  readonly eventIdHeader: string | undefined;
  readonly signature: WmsSignatureCheck;
  readonly body: WmsStockWebhook;
}

/** Listens on a free local port until closed; every server a test starts is closed after it. */
const servers: Server[] = [];
async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A subscriber that checks each webhook as ours would, and answers 500 while `failuresLeft` lasts. */
async function startReceiver() {
  const receiver = { url: '', received: [] as ReceivedWebhook[], failuresLeft: 0 };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const header = request.headers[WMS_SIGNATURE_HEADER];
      receiver.received.push({
        eventIdHeader: request.headers[WMS_EVENT_ID_HEADER] as string | undefined,
        signature: verifyWmsSignature({ secret: webhookSecret, header: typeof header === 'string' ? header : undefined, rawBody, nowSeconds: Math.floor(Date.now() / 1000) }),
        body: WmsStockWebhookSchema.parse(JSON.parse(rawBody.toString('utf8'))),
      });
      const failing = receiver.failuresLeft > 0;
      if (failing) receiver.failuresLeft--;
      response.writeHead(failing ? 500 : 200).end();
    });
  });
  receiver.url = await listen(server);
  return receiver;
}

const simulators: WmsSimulator[] = [];
async function startWms(webhookUrl: string, options: Partial<WmsSimulatorOptions> = {}): Promise<WmsSimulator> {
  const wms = await WmsSimulator.start({
    apiToken,
    webhookSecret,
    warehouses: [{ id: PUSHING, webhookUrl }, { id: POLLED }],
    retryDelaysMs: [20, 40],
    ...options,
  });
  simulators.push(wms);
  return wms;
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => error,
  );
}

const skusOf = (webhooks: readonly ReceivedWebhook[]) => webhooks.map((webhook) => webhook.body.items.map((item) => item.sku));

afterEach(async () => {
  await Promise.all(simulators.splice(0).map((wms) => wms.stop()));
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    }),
  );
});

describe('the WMS simulator, as our client and webhook handler see it', () => {
  describe('stock API', () => {
    it('serves the full snapshot across pages, sorted by SKU', async () => {
      // Prepare
      const wms = await startWms('http://127.0.0.1:9/unused');
      wms.setStockMany(POLLED, ['SAREE-RED', 'DUPATTA-GOLD', 'KURTA-M', 'KURTA-L', 'BANGLE-SET'].map((sku, index) => ({ sku, onHand: index })));
      const client = new WmsClient({ baseUrl: wms.url, apiToken });
      // Act
      const snapshot = await client.snapshot(POLLED, 2);
      // Assess
      expect(snapshot.items.map((item) => item.sku)).toEqual(['BANGLE-SET', 'DUPATTA-GOLD', 'KURTA-L', 'KURTA-M', 'SAREE-RED']);
      expect(snapshot.items.find((item) => item.sku === 'KURTA-L')).toMatchObject({ on_hand: 3, sequence: 4 });
      expect(Date.parse(snapshot.asOf)).not.toBeNaN();
      expect(wms.requests.map((request) => request.status)).toEqual([200, 200, 200]);
      expect(wms.requests[1]!.path).toMatch(/page_size=2&page_token=/);
    });

    it('hands a poller the SKUs changed after its last sequence, a limited batch at a time', async () => {
      // Prepare
      const wms = await startWms('http://127.0.0.1:9/unused');
      wms.setStockMany(POLLED, [{ sku: 'A', onHand: 5 }, { sku: 'B', onHand: 5 }, { sku: 'C', onHand: 5 }]);
      wms.setStock(POLLED, 'A', 4);
      wms.adjust(POLLED, 'B', -2);
      const client = new WmsClient({ baseUrl: wms.url, apiToken: async () => apiToken });
      // Act
      const first = await client.changesSince(POLLED, 1, 2);
      const second = await client.changesSince(POLLED, first.lastSequence, 2);
      const nothingNew = await client.changesSince(POLLED, second.lastSequence);
      // Assess
      expect(first.items.map((item) => [item.sku, item.on_hand, item.sequence])).toEqual([['C', 5, 3], ['A', 4, 4]]);
      expect(first).toMatchObject({ lastSequence: 4, hasMore: true });
      expect(second.items.map((item) => [item.sku, item.on_hand, item.sequence])).toEqual([['B', 3, 5]]);
      expect(second).toMatchObject({ lastSequence: 5, hasMore: false });
      expect(nothingNew).toEqual({ items: [], lastSequence: 5, hasMore: false });
    });

    it('refuses a wrong token with 401, a permanent error', async () => {
      const wms = await startWms('http://127.0.0.1:9/unused');
      const client = new WmsClient({ baseUrl: wms.url, apiToken: 'wms_tok_revoked' });

      const error = await failureOf(client.snapshot(POLLED));

      expect(error).toBeInstanceOf(WmsRequestError);
      expect(error).toMatchObject({ name: 'WmsRequestError', status: 401, detail: 'unauthorized' });
    });

    it('answers 404 for a warehouse it does not know and 400 for a page size out of range', async () => {
      const wms = await startWms('http://127.0.0.1:9/unused');
      const client = new WmsClient({ baseUrl: wms.url, apiToken });

      const unknown = await failureOf(client.changesSince('DEL-9', 0));
      const badPageSize = await failureOf(client.snapshot(POLLED, 1001));

      expect(unknown).toBeInstanceOf(WmsRequestError);
      expect(unknown).toMatchObject({ status: 404, detail: 'unknown_warehouse' });
      expect(badPageSize).toBeInstanceOf(WmsRequestError);
      expect(badPageSize).toMatchObject({ status: 400, detail: 'invalid_page_size' });
    });
  });

  describe('webhooks', () => {
    it('sends changes made together as one signed webhook carrying every SKU', async () => {
      // Prepare
      const receiver = await startReceiver();
      const wms = await startWms(receiver.url);
      // Act
      const items = wms.setStockMany(PUSHING, [{ sku: 'KURTA-M', onHand: 12 }, { sku: 'SAREE-RED', onHand: 0 }]);
      wms.setStock(POLLED, 'KURTA-M', 3);
      await wms.idle();
      // Assess
      expect(receiver.received).toHaveLength(1);
      const [webhook] = receiver.received;
      expect(webhook!.signature).toEqual({ valid: true });
      expect(webhook!.eventIdHeader).toBe(webhook!.body.event_id);
      expect(webhook!.body).toMatchObject({ type: 'stock.level_changed', warehouse_id: PUSHING, items });
      expect(wms.deliveries).toEqual([expect.objectContaining({ eventId: webhook!.body.event_id, warehouseId: PUSHING, attempt: 1, statusCode: 200, outcome: 'delivered' })]);
    });

    it('retries a webhook the subscriber failed under the same event id, and records giving up', async () => {
      // Prepare
      const receiver = await startReceiver();
      const wms = await startWms(receiver.url);
      receiver.failuresLeft = 1;
      // Act
      wms.setStock(PUSHING, 'KURTA-M', 12);
      await wms.idle();
      receiver.failuresLeft = 3;
      wms.setStock(PUSHING, 'KURTA-M', 11);
      await wms.idle();
      // Assess
      const eventIds = receiver.received.map((webhook) => webhook.body.event_id);
      expect(eventIds).toHaveLength(5);
      expect(new Set(eventIds.slice(0, 2)).size).toBe(1);
      expect(new Set(eventIds.slice(2)).size).toBe(1);
      expect(wms.deliveries.map((delivery) => [delivery.attempt, delivery.statusCode, delivery.outcome])).toEqual([
        [1, 500, 'retrying'],
        [2, 200, 'delivered'],
        [1, 500, 'retrying'],
        [2, 500, 'retrying'],
        [3, 500, 'failed'],
      ]);
    });

    it('records a subscriber that cannot be reached as a failed delivery', async () => {
      const wms = await startWms('http://127.0.0.1:9/unreachable', { retryDelaysMs: [] });

      wms.setStock(PUSHING, 'KURTA-M', 12);
      await wms.idle();

      expect(wms.deliveries).toEqual([expect.objectContaining({ attempt: 1, outcome: 'failed', error: expect.stringMatching(/fetch failed/) })]);
      expect(wms.deliveries[0]!.statusCode).toBeUndefined();
    });

    it('sends a lagging warehouse’s webhook after later changes, so only the sequence tells which is newer', async () => {
      // Prepare
      const receiver = await startReceiver();
      const wms = await startWms(receiver.url);
      // Act
      wms.setFault(PUSHING, { lagMs: 300 });
      const late = wms.setStock(PUSHING, 'KURTA-M', 12);
      wms.setFault(PUSHING, { lagMs: 0 });
      const prompt = wms.setStock(PUSHING, 'SAREE-RED', 4);
      await wms.idle();
      // Assess
      expect(skusOf(receiver.received)).toEqual([['SAREE-RED'], ['KURTA-M']]);
      expect(late.sequence).toBeLessThan(prompt.sequence);
      expect(receiver.received.every((webhook) => webhook.signature.valid)).toBe(true);
    });
  });

  describe('faults', () => {
    it('answers 503 with Retry-After during an outage and delivers the held webhooks once it ends', async () => {
      // Prepare
      const receiver = await startReceiver();
      const wms = await startWms(receiver.url);
      const client = new WmsClient({ baseUrl: wms.url, apiToken });
      wms.setFault(PUSHING, { outage: true });
      // Act
      const duringOutage = await failureOf(client.snapshot(PUSHING));
      const item = wms.setStock(PUSHING, 'KURTA-M', 12);
      await wms.idle();
      const receivedDuringOutage = receiver.received.length;
      wms.setFault(PUSHING, { outage: false });
      await wms.idle();
      // Assess
      expect(duringOutage).toBeInstanceOf(WmsUnavailableError);
      expect(duringOutage).toMatchObject({ name: 'WmsUnavailableError', status: 503, retryAfterSeconds: 5 });
      expect(receivedDuringOutage).toBe(0);
      expect(receiver.received.map((webhook) => webhook.body.items)).toEqual([[item]]);
      expect((await client.snapshot(PUSHING)).items).toEqual([item]);
    });

    it('lets clearFaults end an outage too, other warehouses staying reachable throughout', async () => {
      const receiver = await startReceiver();
      const wms = await startWms(receiver.url);
      const client = new WmsClient({ baseUrl: wms.url, apiToken });
      wms.setFault(PUSHING, { outage: true });
      wms.setStock(PUSHING, 'KURTA-M', 12);
      wms.setStock(POLLED, 'KURTA-M', 3);

      await expect(client.snapshot(POLLED)).resolves.toMatchObject({ items: [expect.objectContaining({ on_hand: 3 })] });
      wms.clearFaults();
      await wms.idle();

      expect(skusOf(receiver.received)).toEqual([['KURTA-M']]);
    });

    it('applies changes without a webhook while webhooks are dropped; only the snapshot shows them', async () => {
      // Prepare
      const receiver = await startReceiver();
      const wms = await startWms(receiver.url);
      const announced = wms.setStock(PUSHING, 'KURTA-M', 12);
      await wms.idle();
      // Act
      wms.setFault(PUSHING, { dropWebhooks: true });
      wms.setStock(PUSHING, 'KURTA-M', 7);
      await wms.idle();
      // Assess
      expect(receiver.received.map((webhook) => webhook.body.items)).toEqual([[announced]]);
      const { items } = await new WmsClient({ baseUrl: wms.url, apiToken }).snapshot(PUSHING);
      expect(items).toEqual([expect.objectContaining({ sku: 'KURTA-M', on_hand: 7 })]);
      expect(items[0]!.sequence).toBeGreaterThan(announced.sequence);
    });

    it('applies a drifted count silently but still advances the sequence, so a poller sees it', async () => {
      // Prepare
      const receiver = await startReceiver();
      const wms = await startWms(receiver.url);
      const announced = wms.setStock(PUSHING, 'KURTA-M', 12);
      await wms.idle();
      const client = new WmsClient({ baseUrl: wms.url, apiToken });
      // Act
      wms.drift(PUSHING, 'KURTA-M', 9);
      await wms.idle();
      // Assess
      expect(receiver.received).toHaveLength(1);
      expect(wms.stock(PUSHING)).toEqual(new Map([['KURTA-M', 9]]));
      const { items } = await client.snapshot(PUSHING);
      expect(items).toEqual([expect.objectContaining({ sku: 'KURTA-M', on_hand: 9, sequence: announced.sequence + 1 })]);
      expect((await client.changesSince(PUSHING, announced.sequence)).items).toEqual(items);
    });
  });

  describe('when the WMS cannot be reached', () => {
    it('reports a WMS that never answers as unavailable once the timeout passes', async () => {
      // Prepare
      const silentUrl = await listen(createServer(() => {}));
      const client = new WmsClient({ baseUrl: silentUrl, apiToken, timeoutMs: 200 });
      // Act
      const error = await failureOf(client.snapshot(POLLED));
      // Assess
      expect(error).toBeInstanceOf(WmsUnavailableError);
      expect(error).toMatchObject({ status: undefined, retryAfterSeconds: undefined, message: expect.stringMatching(/200 ms/) });
      expect((error as Error).cause).toMatchObject({ name: 'TimeoutError' });
    });

    it('reports a refused connection as unavailable', async () => {
      const wms = await startWms('http://127.0.0.1:9/unused');
      const client = new WmsClient({ baseUrl: wms.url, apiToken });
      await wms.stop();

      const error = await failureOf(client.changesSince(POLLED, 0));

      expect(error).toBeInstanceOf(WmsUnavailableError);
      expect((error as Error).cause).toBeInstanceOf(Error);
    });
  });
});
