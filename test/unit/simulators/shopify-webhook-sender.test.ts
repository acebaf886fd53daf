import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DemoBrand, ShopifyOrderPayload } from '../../../local/simulators/shopify/demo-orders.ts';
import { runDuplicates, runLifecycle, runMalformed, runOutOfOrder, type DeliveryLine, type Target } from '../../../local/simulators/shopify/runs.ts';
import { deliverShopifyWebhook, deliverUntilAnswered, deliverWithDuplicates, type ShopifyDelivery } from '../../../local/simulators/shopify/webhook-sender.ts';

const SECRET = 'shpss_test_secret';
const BRAND: DemoBrand = { id: 'saffron-threads', storefrontDomain: 'saffron-threads.myshopify.com', country: 'IN', currency: 'INR' };

interface Recorded {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly signatureValid: boolean;
}

/** A stand-in receiver: records every request and checks its HMAC the way Shopify documents it. */
let server: Server;
let apiUrl: string;
let received: Recorded[] = [];

function verify(body: Buffer, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const expected = createHmac('sha256', SECRET).update(body).digest();
  const given = Buffer.from(header, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const signatureValid = verify(body, request.headers['x-shopify-hmac-sha256']);
      received.push({ path: request.url ?? '', headers: request.headers, body, signatureValid });
      response.writeHead(signatureValid ? 200 : 401, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ seen: received.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  received = [];
});

const header = (request: Recorded, name: string) => request.headers[name] as string;
const aDelivery = (overrides: Partial<ShopifyDelivery> = {}): ShopifyDelivery => ({
  apiUrl,
  brand: BRAND.id,
  shopDomain: BRAND.storefrontDomain,
  secret: SECRET,
  body: JSON.stringify({ id: 1, note: 'कृपया डिलीवरी से पहले कॉल करें' }),
  ...overrides,
});

describe('delivering a webhook', () => {
  it('signs the exact body bytes, non-Latin text included, and sends Shopify’s headers', async () => {
    const triggeredAt = new Date('2026-11-28T09:59:58.123Z');
    const result = await deliverShopifyWebhook(aDelivery({ topic: 'orders/paid', triggeredAt }));

    expect(result).toMatchObject({ status: 200, body: '{"seen":1}' });
    const [request] = received;
    expect(request).toMatchObject({ path: '/webhooks/shopify/saffron-threads', signatureValid: true });
    expect(request!.headers).toMatchObject({
      'x-shopify-topic': 'orders/paid',
      'x-shopify-shop-domain': 'saffron-threads.myshopify.com',
      'x-shopify-triggered-at': '2026-11-28T09:59:58.123Z',
      'x-shopify-webhook-id': result.webhookId,
      'x-shopify-event-id': result.eventId,
    });
  });

  it('signs an empty body too, so the receiver’s parser is what answers', async () => {
    await deliverShopifyWebhook(aDelivery({ body: '' }));
    expect(received[0]).toMatchObject({ signatureValid: true, body: Buffer.alloc(0) });
  });

  it('sends a forged signature when asked, which the receiver refuses', async () => {
    const result = await deliverShopifyWebhook(aDelivery({ signature: Buffer.from('forged').toString('base64') }));
    expect(result.status).toBe(401);
  });

  it('gives each ordinary delivery its own webhook and event ids', async () => {
    const [first, second] = await Promise.all([deliverShopifyWebhook(aDelivery()), deliverShopifyWebhook(aDelivery())]);
    expect(first!.webhookId).not.toBe(second!.webhookId);
    expect(first!.eventId).not.toBe(second!.eventId);
  });
});

describe('a retry storm', () => {
  it('sends `copies` identical deliveries at once: same ids, trigger time, body and signature', async () => {
    const results = await deliverWithDuplicates(aDelivery({ topic: 'orders/create' }), 6);

    expect(results).toHaveLength(6);
    expect(received).toHaveLength(6);
    for (const name of ['x-shopify-webhook-id', 'x-shopify-event-id', 'x-shopify-triggered-at', 'x-shopify-hmac-sha256']) {
      expect(new Set(received.map((request) => header(request, name))).size, name).toBe(1);
    }
    expect(new Set(received.map((request) => request.body.toString())).size).toBe(1);
    expect(received.every((request) => request.signatureValid)).toBe(true);
    expect(new Set(results.map((result) => `${result.webhookId}/${result.eventId}`))).toEqual(new Set([`${header(received[0]!, 'x-shopify-webhook-id')}/${header(received[0]!, 'x-shopify-event-id')}`]));
  });

  it('keeps ids the caller chose', async () => {
    await deliverWithDuplicates(aDelivery({ webhookId: 'wh-1', eventId: 'ev-1' }), 2);
    expect(received.map((request) => [header(request, 'x-shopify-webhook-id'), header(request, 'x-shopify-event-id')])).toEqual([['wh-1', 'ev-1'], ['wh-1', 'ev-1']]);
  });

  it('refuses a copy count that is not a positive integer', async () => {
    await expect(deliverWithDuplicates(aDelivery(), 0)).rejects.toThrow(RangeError);
    await expect(deliverWithDuplicates(aDelivery(), 1.5)).rejects.toThrow(RangeError);
  });
});

describe('the CLI scenarios', () => {
  const now = new Date('2026-11-28T10:00:00Z');
  const target = (): Target => ({ apiUrl, brand: BRAND, secret: SECRET });
  const order = (request: Recorded) => JSON.parse(request.body.toString()) as ShopifyOrderPayload;
  const reported: DeliveryLine[] = [];
  const report = (line: DeliveryLine) => reported.push(line);
  beforeEach(() => {
    reported.length = 0;
  });

  it('lifecycle: one order through create, updated, paid and cancelled, each later than the last', async () => {
    const lines = await runLifecycle(target(), report, now);

    expect(lines.map((line) => [line.topic, line.status])).toEqual([['orders/create', 200], ['orders/updated', 200], ['orders/paid', 200], ['orders/cancelled', 200]]);
    expect(reported).toEqual(lines);
    expect(new Set(lines.map((line) => line.subject)).size).toBe(1);
    const bodies = received.map(order);
    expect(bodies.map((body) => body.financial_status)).toEqual(['pending', 'pending', 'paid', 'refunded']);
    expect(bodies[3]).toMatchObject({ cancel_reason: 'customer', cancelled_at: bodies[3]!.updated_at });
    const times = bodies.map((body) => Date.parse(body.updated_at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(received.map((request) => Date.parse(header(request, 'x-shopify-triggered-at')))).toEqual(times);
  });

  it('out-of-order: paid arrives before the earlier update, and each carries its true trigger time', async () => {
    await runOutOfOrder(target(), report, now);

    expect(received.map((request) => header(request, 'x-shopify-topic'))).toEqual(['orders/create', 'orders/paid', 'orders/updated']);
    const [created, paid, updated] = received.map(order) as [ShopifyOrderPayload, ShopifyOrderPayload, ShopifyOrderPayload];
    expect(Date.parse(paid.updated_at)).toBeGreaterThan(Date.parse(updated.updated_at));
    expect(Date.parse(updated.updated_at)).toBeGreaterThan(Date.parse(created.updated_at));
    expect(paid).toMatchObject({ financial_status: 'paid', note: updated.note });
    expect(received.map((request) => Date.parse(header(request, 'x-shopify-triggered-at')))).toEqual([created, paid, updated].map((body) => Date.parse(body.updated_at)));
  });

  it('duplicates: reports every copy of one order', async () => {
    const lines = await runDuplicates(target(), 3, report, now);
    expect(lines).toHaveLength(3);
    expect(new Set(lines.map((line) => line.subject)).size).toBe(1);
    expect(new Set(received.map((request) => header(request, 'x-shopify-event-id'))).size).toBe(1);
  });

  it('malformed: sends every case signed, named with what it should be rejected as', async () => {
    const lines = await runMalformed(target(), report, now);
    expect(lines).toHaveLength(9);
    expect(received.every((request) => request.signatureValid)).toBe(true);
    expect(lines.map((line) => line.subject)).toContain('empty body [invalid_json]');
    expect(lines.map((line) => line.subject)).toContain('no line items [invalid_order]');
  });

  it('reports a delivery that gets no answer instead of stopping', async () => {
    const lines = await runLifecycle({ ...target(), apiUrl: 'http://127.0.0.1:9' }, report, now);
    expect(lines).toHaveLength(4);
    expect(lines.every((line) => line.status === null && line.body.startsWith('no response'))).toBe(true);
  });
});

describe('a delivery nobody answers in time', () => {
  /** A receiver that leaves the first `stalls` requests unanswered (Shopify gives up on them), then answers 200. */
  async function stallingReceiver(stalls: number) {
    const seen: IncomingHttpHeaders[] = [];
    const stalled = createServer((request, response) => {
      request.resume();
      seen.push(request.headers);
      if (seen.length > stalls) response.writeHead(200).end('{}');
    });
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    return { seen, server: stalled, apiUrl: `http://127.0.0.1:${(stalled.address() as AddressInfo).port}` };
  }
  const deliveryTo = (url: string): ShopifyDelivery => ({ apiUrl: url, brand: BRAND.id, shopDomain: BRAND.storefrontDomain, secret: SECRET, body: '{"id":1}', timeoutMs: 200 });

  it('is sent again as Shopify does, with the same webhook id, event id and trigger time, until answered', async () => {
    const receiver = await stallingReceiver(2);
    try {
      const result = await deliverUntilAnswered(deliveryTo(receiver.apiUrl));
      expect(result.status).toBe(200);
      expect(receiver.seen).toHaveLength(3);
      for (const header of ['x-shopify-webhook-id', 'x-shopify-event-id', 'x-shopify-triggered-at', 'x-shopify-hmac-sha256']) {
        expect(new Set(receiver.seen.map((headers) => headers[header])).size, header).toBe(1);
      }
      expect(receiver.seen[0]!['x-shopify-webhook-id']).toBe(result.webhookId);
    } finally {
      receiver.server.closeAllConnections();
      receiver.server.close();
    }
  });

  it('gives up after the attempts allowed, with the timeout', async () => {
    const receiver = await stallingReceiver(5);
    try {
      await expect(deliverUntilAnswered(deliveryTo(receiver.apiUrl), 2)).rejects.toMatchObject({ name: 'TimeoutError' });
      expect(receiver.seen).toHaveLength(2);
    } finally {
      receiver.server.closeAllConnections();
      receiver.server.close();
    }
  });
});
