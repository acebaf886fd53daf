import { createHmac, randomUUID } from 'node:crypto';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeReplayCommand, EventBridgeClient, PutEventsCommand, StartReplayCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud/cloud.ts';
import type { LocalSystem } from '../../local/local-system.ts';
import { shopifySecretFor } from '../../local/demo.ts';
import { deliverShopifyWebhook } from '../../local/simulators/shopify/webhook-sender.ts';
import type { ShopifyOrderPayload } from '../../local/simulators/shopify/demo-orders.ts';
import { EVENT_SOURCES } from '../../lambdas/shared/events.ts';
import { NotificationsTable } from '../../lambdas/notifications/adapters/notifications-table.ts';
import { notificationsTableName, ordersTableName } from '../../lib/constructs/data-table.ts';
import { BRANDS } from '../../lib/config/brands.ts';
import { describeMessages, describeWismo } from '../../bin/ops/notification-commands.ts';
import { aShopifyOrder } from '../helpers/shopify-order.ts';
import { bootTestSystem, LOCAL_CLIENT_CONFIG } from '../helpers/local-cloud.ts';

const BRAND = 'saffron-threads';
const SHADOW_BRAND = 'monsoon-kids';
/** Live, Indian, and used by this one test only. */
const QUIET_BRAND = 'neem-and-rose';
const brandNumber = (id: string) => BRANDS.find((brand) => brand.id === id)!.senders.whatsapp.phoneNumberId;
let system: LocalSystem;
let cloud: LocalCloud;
let dynamo: DynamoDBClient;
let events: EventBridgeClient;
let notifications: NotificationsTable;
let nextOrderId = 5_970_000_000_000;
let nextPhone = 9_700_000_000;

const HOUR = 3_600_000;

/** Moves local time to the next `hh:mm` in India (UTC+5:30), so quiet hours are decided by the test, not by when CI runs. */
async function fastForwardToIndianTime(hours: number, minutes = 0) {
  const now = cloud.clock.now();
  const target = new Date(now);
  target.setUTCHours(hours, minutes, 0, 0);
  target.setTime(target.getTime() - 5.5 * HOUR);
  while (target.getTime() <= now) target.setTime(target.getTime() + 24 * HOUR);
  await system.fastForward(target.getTime() - now);
}

beforeAll(async () => {
  // Shipments stay at the warehouse: each test says which lifecycle events happen.
  system = await bootTestSystem({ journeyFor: () => 'stuckInWarehouse' });
  cloud = system.cloud;
  dynamo = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: cloud.dynamoDbEndpoint });
  events = new EventBridgeClient({ ...LOCAL_CLIENT_CONFIG, endpoint: cloud.endpointUrl });
  notifications = new NotificationsTable(notificationsTableName('dev'), dynamo);
  await fastForwardToIndianTime(10);
});

afterAll(async () => {
  events?.destroy();
  dynamo?.destroy();
  await cloud?.stop();
});

interface Customer {
  readonly phone?: string;
  readonly email?: string;
  readonly language?: string;
  readonly channel?: 'whatsapp' | 'email';
}

/** A live order from a customer of their own (a phone and email no other test uses), placed through the storefront webhook. */
async function placeOrder(customer: Partial<Customer> = {}, brand = BRAND) {
  const id = nextOrderId++;
  const phone = 'phone' in customer ? customer.phone : `+91${nextPhone++}`;
  const email = 'email' in customer ? customer.email : `customer-${id}@example.in`;
  const base = aShopifyOrder();
  const payload: ShopifyOrderPayload = {
    ...base,
    id,
    name: `#${id % 100_000}`,
    order_number: id % 100_000,
    created_at: new Date(cloud.clock.now()).toISOString(),
    updated_at: new Date(cloud.clock.now()).toISOString(),
    phone: phone ?? null,
    email: email ?? '',
    shipping_address: { ...base.shipping_address, phone: phone ?? null },
    note_attributes: [
      ...(customer.language ? [{ name: 'language', value: customer.language }] : []),
      ...(customer.channel ? [{ name: 'preferred_channel', value: customer.channel }] : []),
    ],
  } as ShopifyOrderPayload;
  const shop = `${brand}.myshopify.com`;
  await deliverShopifyWebhook({ apiUrl: cloud.apiUrl, brand, shopDomain: shop, secret: await shopifySecretFor(cloud, brand), body: JSON.stringify(payload) });
  await system.settled();
  return { orderId: String(id), orderNumber: payload.name, phone, email, brand };
}

/** A lifecycle event as its producer publishes it (the tests play tracking and the workflow's timers). */
async function publish(source: string, detailType: string, detail: Record<string, unknown>) {
  const { FailedEntryCount } = await events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: 'order-automation-dev',
          Source: source,
          DetailType: detailType,
          Detail: JSON.stringify({ occurredAt: new Date(cloud.clock.now()).toISOString(), version: 1, correlationId: randomUUID(), ...detail }),
        },
      ],
    }),
  );
  expect(FailedEntryCount ?? 0).toBe(0);
  await system.settled();
}

const dispatched = (order: { brand: string; orderId: string }, shipmentId = `S-${order.orderId}`) =>
  publish(EVENT_SOURCES.fulfilment, 'Shipment Dispatched', {
    brand: order.brand,
    orderId: order.orderId,
    shipmentId,
    warehouseId: 'IN-BLR-01',
    awb: `AWB${order.orderId}`,
    carrier: 'Delhivery',
    trackingUrl: `https://www.delhivery.com/track/package/AWB${order.orderId}`,
    promisedBy: new Date(cloud.clock.now() + 72 * HOUR).toISOString(),
  });

const delayed = (order: { brand: string; orderId: string }) =>
  publish(EVENT_SOURCES.orders, 'Shipment Delayed', {
    brand: order.brand,
    orderId: order.orderId,
    shipmentId: `S-${order.orderId}`,
    warehouseId: 'IN-BLR-01',
    stage: 'delivery',
    dueBy: new Date(cloud.clock.now()).toISOString(),
    awb: `AWB${order.orderId}`,
    carrier: 'Delhivery',
    trackingUrl: `https://www.delhivery.com/track/package/AWB${order.orderId}`,
  });

const whatsAppTo = (phone: string | undefined) => system.whatsapp.inbox(phone!);
const templatesTo = (phone: string | undefined) => whatsAppTo(phone).map((message) => message.template?.name ?? `text`);
const mailTo = (email: string | undefined) => system.sendGrid.mailbox(email!);

async function secretValue(name: string): Promise<string> {
  const client = new SecretsManagerClient({ ...LOCAL_CLIENT_CONFIG, endpoint: cloud.endpointUrl });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: name }));
    return SecretString!;
  } finally {
    client.destroy();
  }
}

/** Meta's webhook, signed like Meta signs it, or not. */
async function postWhatsAppWebhook(body: unknown, signature?: string) {
  const text = JSON.stringify(body);
  const appSecret = await secretValue('order-automation/dev/whatsapp/app-secret');
  return fetch(`${cloud.apiUrl}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature ?? `sha256=${createHmac('sha256', appSecret).update(text).digest('hex')}` },
    body: text,
  });
}

describe('customer notifications on the local cloud', () => {
  it('an accepted order is confirmed on WhatsApp in the brand\'s voice and the customer\'s language, and the delivery status is recorded', async () => {
    const order = await placeOrder({ language: 'hi' });
    const [message] = whatsAppTo(order.phone);
    expect(message?.template).toMatchObject({ name: 'order_confirmed_v1', languageCode: 'hi' });
    expect(message?.text).toContain('नमस्ते');
    expect(message?.text).toContain(order.orderNumber);
    expect(message?.text).toContain('Saffron Threads');
    const [record] = await notifications.forOrder(BRAND, order.orderId);
    expect(record).toMatchObject({ kind: 'order_confirmed', channel: 'whatsapp', state: 'sent', deliveryStatus: 'delivered', providerMessageId: message!.id });
    expect(mailTo(order.email)).toHaveLength(0);
    // What ops see with `npm run ops -- messages <brand> <orderId>`.
    const [line] = await describeMessages({ environment: 'dev', client: dynamo }, BRAND, order.orderId);
    expect(line).toMatch(/^order_confirmed\s+order\s+whatsapp\s+sent\s+delivered .*order_confirmed_v1\/hi$/);
  });

  it('a customer who prefers email, or has no phone, gets email from the brand\'s address, with the order id in its custom args', async () => {
    const prefersEmail = await placeOrder({ channel: 'email' });
    const noPhone = await placeOrder({ phone: undefined });
    for (const order of [prefersEmail, noPhone]) {
      const [mail] = mailTo(order.email);
      expect(mail).toMatchObject({ from: { email: expect.stringContaining('saffron') }, categories: ['order_confirmed', BRAND], customArgs: { orderId: order.orderId, brand: BRAND } });
      expect(mail?.subject).toContain(order.orderNumber);
      expect(mail?.status).toBe('delivered');
    }
    expect(whatsAppTo(prefersEmail.phone)).toHaveLength(0);
  });

  it('sends each message once per order, moment and channel, however often the event is delivered or replayed', async () => {
    const order = await placeOrder();
    await dispatched(order);
    await dispatched(order);
    const replayStart = new Date(cloud.clock.now() - HOUR);
    const { ReplayArn } = await events.send(
      new StartReplayCommand({
        ReplayName: `notifications-${order.orderId}`,
        EventSourceArn: 'arn:aws:events:ap-south-1:000000000000:archive/order-automation-dev',
        EventStartTime: replayStart,
        EventEndTime: new Date(cloud.clock.now() + 1000),
        Destination: { Arn: 'arn:aws:events:ap-south-1:000000000000:event-bus/order-automation-dev' },
      }),
    );
    expect(ReplayArn).toBeDefined();
    await system.settled();
    const { State } = await events.send(new DescribeReplayCommand({ ReplayName: `notifications-${order.orderId}` }));
    expect(State).toBe('COMPLETED');
    await system.settled();
    expect(templatesTo(order.phone)).toEqual(['order_confirmed_v1', 'order_dispatched_v1']);
    const dispatch = whatsAppTo(order.phone)[1]!;
    expect(dispatch.text).toContain(`AWB${order.orderId}`);
    expect(dispatch.text).toContain(`https://www.delhivery.com/track/package/AWB${order.orderId}`);
  });

  it('never writes to a customer of a brand in shadow mode: the legacy process still owns the conversation', async () => {
    const order = await placeOrder({}, SHADOW_BRAND);
    await dispatched(order);
    expect(whatsAppTo(order.phone)).toHaveLength(0);
    expect(mailTo(order.email)).toHaveLength(0);
  });

  describe('WhatsApp errors', () => {
    it('130429 (throughput): backs off, briefly in the sender and then through the queue, and sends once', async () => {
      const order = await placeOrder();
      system.whatsapp.injectFault({ code: 130429, to: order.phone, times: 6 });
      await dispatched(order);
      await system.fastForward(20 * 60_000);
      expect(templatesTo(order.phone)).toEqual(['order_confirmed_v1', 'order_dispatched_v1']);
      expect(mailTo(order.email)).toHaveLength(0);
    });

    it('132001 (template missing in that language): the approved backup template goes instead', async () => {
      const order = await placeOrder();
      system.whatsapp.injectFault({ code: 132001, to: order.phone, template: 'order_dispatched_v1' });
      await dispatched(order);
      expect(templatesTo(order.phone)).toEqual(['order_confirmed_v1', 'order_dispatched_v1_backup']);
    });

    it('132001 for the backup too: email', async () => {
      const order = await placeOrder();
      system.whatsapp.injectFault({ code: 132001, to: order.phone, times: 2 });
      await dispatched(order);
      expect(templatesTo(order.phone)).toEqual(['order_confirmed_v1']);
      expect(mailTo(order.email).map((mail) => mail.categories[0])).toEqual(['order_dispatched']);
    });

    it('131026 (undeliverable, reported later by the status webhook): email, once', async () => {
      const order = await placeOrder();
      system.whatsapp.injectFault({ code: 131026, to: order.phone });
      await dispatched(order);
      const records = await notifications.forOrder(BRAND, order.orderId);
      expect(records.find((record) => record.kind === 'order_dispatched' && record.channel === 'whatsapp')).toMatchObject({ deliveryStatus: 'failed' });
      expect(mailTo(order.email).map((mail) => mail.categories[0])).toEqual(['order_dispatched']);
    });

    it('131047 (outside the 24-hour window) and 132000 (parameter mismatch): email', async () => {
      for (const code of [131047, 132000] as const) {
        const order = await placeOrder();
        system.whatsapp.injectFault({ code, to: order.phone });
        await dispatched(order);
        expect(mailTo(order.email).map((mail) => mail.categories[0])).toEqual(['order_dispatched']);
      }
    });

    it('an email that bounces after WhatsApp failed leaves nothing else to try, and nothing is sent twice', async () => {
      const order = await placeOrder();
      system.whatsapp.injectFault({ code: 131026, to: order.phone });
      system.sendGrid.bounce(order.email!);
      await dispatched(order);
      const records = await notifications.forOrder(BRAND, order.orderId);
      expect(records.filter((record) => record.kind === 'order_dispatched').map((record) => [record.channel, record.deliveryStatus])).toEqual([
        ['email', 'failed'],
        ['whatsapp', 'failed'],
      ]);
      expect(mailTo(order.email)).toHaveLength(1);
    });
  });

  it('holds non-urgent messages through the customer\'s quiet hours and sends them at 09:00 their time; urgent ones go at once', async () => {
    await fastForwardToIndianTime(22, 30);
    const order = await placeOrder();
    // The confirmation answers the customer's own action, so it goes at night.
    expect(templatesTo(order.phone)).toEqual(['order_confirmed_v1']);
    await dispatched(order);
    expect(templatesTo(order.phone)).toEqual(['order_confirmed_v1']);
    // Local time runs 50× while the test waits, so the check before 09:00 keeps a margin.
    await fastForwardToIndianTime(8, 15);
    expect(templatesTo(order.phone)).toEqual(['order_confirmed_v1']);
    await system.fastForward(60 * 60_000);
    expect(templatesTo(order.phone)).toEqual(['order_confirmed_v1', 'order_dispatched_v1']);
    const sentAt = whatsAppTo(order.phone)[1]!.at;
    const indianTime = new Date(sentAt + 5.5 * HOUR);
    expect(indianTime.getUTCHours()).toBe(9);
    await fastForwardToIndianTime(10);
  });

  it('drops what the night overtook: a dispatch and a delay held till morning are not sent once the order was delivered', async () => {
    await fastForwardToIndianTime(22, 30);
    const order = await placeOrder();
    await dispatched(order);
    await delayed(order);
    // The workflow marks the order delivered at dawn (the test plays it; the shipments here stay put).
    await dynamo.send(
      new UpdateItemCommand({
        TableName: ordersTableName('dev'),
        Key: { pk: { S: `ORDER#${BRAND}#${order.orderId}` }, sk: { S: 'ORDER' } },
        UpdateExpression: 'SET #status = :delivered',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':delivered': { S: 'DELIVERED' } },
      }),
    );
    await fastForwardToIndianTime(10);
    expect(templatesTo(order.phone)).toEqual(['order_confirmed_v1']);
  });

  it('honours opt-out: STOP moves the customer to email, START brings WhatsApp back', async () => {
    const order = await placeOrder();
    await system.whatsapp.customerWrites(order.phone!, brandNumber(BRAND), 'STOP');
    await system.settled();
    await dispatched(order, `S-${order.orderId}-1`);
    expect(templatesTo(order.phone)).toEqual(['order_confirmed_v1']);
    expect(mailTo(order.email).map((mail) => mail.categories[0])).toEqual(['order_dispatched']);
    await system.whatsapp.customerWrites(order.phone!, brandNumber(BRAND), 'START');
    await system.settled();
    await dispatched(order, `S-${order.orderId}-2`);
    expect(templatesTo(order.phone)).toEqual(['order_confirmed_v1', 'order_dispatched_v1']);
  });

  it('an email unsubscribe stops email for that address', async () => {
    const order = await placeOrder({ channel: 'email', phone: undefined });
    expect(mailTo(order.email)).toHaveLength(1);
    await notifications.setOptOut(BRAND, 'email', order.email!, true, new Date(cloud.clock.now()).toISOString());
    await dispatched(order);
    expect(mailTo(order.email)).toHaveLength(1);
    const records = await notifications.forOrder(BRAND, order.orderId);
    expect(records.find((record) => record.kind === 'order_dispatched')).toBeUndefined();
  });

  it('tells the customer about a delayed shipment before they ask, and counts it', async () => {
    // A brand no other test here orders from: the counter is per brand and month, and the other
    // tests' warehouse-stuck shipments may be reported late while this one runs.
    const order = await placeOrder({}, QUIET_BRAND);
    await dispatched(order);
    const month = new Date(cloud.clock.now()).toISOString().slice(0, 7);
    const [before] = await notifications.monthlyStats(month, [QUIET_BRAND]);
    await delayed(order);
    expect(templatesTo(order.phone)).toEqual(['order_confirmed_v1', 'order_dispatched_v1', 'order_delayed_v1']);
    expect(whatsAppTo(order.phone)[2]!.text).toContain('Delhivery');
    const [after] = await notifications.monthlyStats(month, [QUIET_BRAND]);
    expect(after!.proactiveDelays - before!.proactiveDelays).toBe(1);
  });

  describe('"where is my order?" on WhatsApp', () => {
    it('is answered at once with the live status from the status API, and counted as a WISMO contact once', async () => {
      const order = await placeOrder();
      await dispatched(order);
      const month = new Date(cloud.clock.now()).toISOString().slice(0, 7);
      const [before] = await notifications.monthlyStats(month, [BRAND]);
      await system.whatsapp.customerWrites(order.phone!, brandNumber(BRAND), 'Hi, where is my order?');
      await system.settled();
      const answer = whatsAppTo(order.phone).at(-1)!;
      expect(answer.type).toBe('text');
      expect(answer.text).toContain(order.orderNumber);
      expect(answer.text).toContain(`AWB${order.orderId}`);
      const [after] = await notifications.monthlyStats(month, [BRAND]);
      expect(after!.wismoContacts - before!.wismoContacts).toBe(1);
      // `npm run ops -- wismo`: contacts per 1,000 orders.
      const [, row] = await describeWismo({ environment: 'dev', client: dynamo }, month, BRAND);
      expect(row).toContain(`${after!.orders}`);
      expect(row).toContain(((after!.wismoContacts / after!.orders) * 1000).toFixed(1));
    });

    it('never tells one customer about another customer\'s order', async () => {
      const mine = await placeOrder();
      const theirs = await placeOrder();
      await dispatched(theirs);
      await system.whatsapp.customerWrites(mine.phone!, brandNumber(BRAND), `where is my order ${theirs.orderNumber}`);
      await system.settled();
      const answer = whatsAppTo(mine.phone).at(-1)!;
      expect(answer.type).toBe('text');
      expect(answer.text).not.toContain(`AWB${theirs.orderId}`);
      expect(answer.text).not.toContain('Delhivery');
      const stranger = `+91${nextPhone++}`;
      await system.whatsapp.customerWrites(stranger, brandNumber(BRAND), `order status ${theirs.orderNumber}`);
      await system.settled();
      expect(whatsAppTo(stranger).map((message) => message.text).join(' ')).not.toContain(theirs.orderId);
    });

    it('outside the 24-hour window (131047) the status goes as an approved template instead', async () => {
      const order = await placeOrder();
      await dispatched(order);
      system.whatsapp.injectFault({ code: 131047, to: order.phone });
      await system.whatsapp.customerWrites(order.phone!, brandNumber(BRAND), 'wismo');
      await system.settled();
      expect(templatesTo(order.phone)).toEqual(['order_confirmed_v1', 'order_dispatched_v1', 'order_dispatched_v1']);
    });
  });

  describe('webhook signatures', () => {
    it('WhatsApp: the GET handshake echoes the challenge only for our verify token; a POST with a bad X-Hub-Signature-256 is refused and changes nothing', async () => {
      const token = await secretValue('order-automation/dev/whatsapp/verify-token');
      const ok = await fetch(`${cloud.apiUrl}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=1158201444`);
      expect([ok.status, await ok.text()]).toEqual([200, '1158201444']);
      const wrong = await fetch(`${cloud.apiUrl}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`);
      expect(wrong.status).toBe(403);

      const order = await placeOrder();
      const stop = {
        object: 'whatsapp_business_account',
        entry: [{ id: '1', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '1', phone_number_id: brandNumber(BRAND) }, contacts: [{ profile: { name: 'x' }, wa_id: order.phone!.slice(1) }], messages: [{ from: order.phone!.slice(1), id: `wamid.forged${order.orderId}`, timestamp: String(Math.floor(cloud.clock.now() / 1000)), type: 'text', text: { body: 'STOP' } }] } }] }],
      };
      const forged = await postWhatsAppWebhook(stop, `sha256=${'0'.repeat(64)}`);
      expect(forged.status).toBe(401);
      await dispatched(order);
      expect(templatesTo(order.phone)).toEqual(['order_confirmed_v1', 'order_dispatched_v1']);
      const malformed = await postWhatsAppWebhook({ object: 'whatsapp_business_account', entry: 'nope' });
      expect(malformed.status).toBe(400);
    });

    it('SendGrid: an event batch without a valid ECDSA signature is refused and changes nothing', async () => {
      const body = JSON.stringify([{ email: 'someone@example.in', timestamp: 1, event: 'unsubscribe', sg_event_id: 'e1', sg_message_id: 'm1.x', brand: BRAND }]);
      const unsigned = await fetch(`${cloud.apiUrl}/webhooks/sendgrid/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(unsigned.status).toBe(401);
      const forged = await fetch(`${cloud.apiUrl}/webhooks/sendgrid/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-twilio-email-event-webhook-signature': Buffer.from('forged').toString('base64'), 'x-twilio-email-event-webhook-timestamp': String(Math.floor(cloud.clock.now() / 1000)) },
        body,
      });
      expect(forged.status).toBe(401);
      expect((await notifications.contact(BRAND, 'email', 'someone@example.in')).emailOptedOut).toBeUndefined();
    });
  });
});
