import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud/cloud.ts';
import type { LocalSystem } from '../../local/local-system.ts';
import { shopifySecretFor } from '../../local/demo.ts';
import { rtoHistoryModel } from '../../local/seed/rto-history.ts';
import { demoOrders, type ShopifyOrderPayload } from '../../local/simulators/shopify/demo-orders.ts';
import { deliverShopifyWebhook } from '../../local/simulators/shopify/webhook-sender.ts';
import { cancelledOf } from '../../local/simulators/shopify/scenarios.ts';
import { parseDetail } from '../../lambdas/shared/events.ts';
import { findBrand } from '../../lib/config/brands.ts';
import { addressConfirmationPolicyFor } from '../../lib/config/routing.ts';
import { inventoryTableName, ordersTableName } from '../../lib/constructs/data-table.ts';
import { bootTestSystem, LOCAL_CLIENT_CONFIG } from '../helpers/local-cloud.ts';

let system: LocalSystem;
let cloud: LocalCloud;
let dynamo: DynamoDBClient;
let nextOrderId = 5_930_000_000_000;
/** A planted high-RTO PIN of the seeded history: COD there is about one parcel in two coming back. */
let riskyPin: string;

beforeAll(async () => {
  system = await bootTestSystem({ journeyFor: () => 'stuckInWarehouse' });
  cloud = system.cloud;
  dynamo = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: cloud.dynamoDbEndpoint });
  riskyPin = rtoHistoryModel().hotspots[0]!;
});

afterAll(async () => {
  dynamo?.destroy();
  await cloud?.stop();
});

async function order(brand: string, orderId: string) {
  const { Item } = await dynamo.send(new GetItemCommand({ TableName: ordersTableName('dev'), Key: { pk: { S: `ORDER#${brand}#${orderId}` }, sk: { S: 'ORDER' } }, ConsistentRead: true }));
  return Item;
}

async function reservationStatus(brand: string, orderId: string) {
  const { Item } = await dynamo.send(new GetItemCommand({ TableName: inventoryTableName('dev'), Key: { pk: { S: `RESERVATION#${brand}#${orderId}` }, sk: { S: 'HEADER' } }, ConsistentRead: true }));
  return Item?.status?.S;
}

const placed = new Map<string, ShopifyOrderPayload>();

/** A cash-on-delivery order of `brand` to `pin`; waits until the workflow has acted on it. */
async function codOrder(brand: string, pin: string) {
  const demoBrand = findBrand(brand)!;
  const [demo] = demoOrders([demoBrand], 1, nextOrderId);
  const orderId = String(nextOrderId++);
  const payload: ShopifyOrderPayload = { ...demo!.payload, id: Number(orderId), payment_gateway_names: ['Cash on Delivery (COD)'], shipping_address: { ...demo!.payload.shipping_address, zip: pin } };
  placed.set(orderId, payload);
  const response = await deliverShopifyWebhook({ apiUrl: cloud.apiUrl, brand, shopDomain: demoBrand.storefrontDomain, secret: await shopifySecretFor(cloud, brand), body: JSON.stringify(payload) });
  expect(response.status).toBe(200);
  await system.settled();
  return orderId;
}

function requestFor(orderId: string) {
  const events = cloud.eventBridge.archivedEvents('order-automation-dev').filter((event) => event['detail-type'] === 'Address Confirmation Requested' && (event.detail as { orderId: string }).orderId === orderId);
  expect(events).toHaveLength(1);
  return parseDetail('Address Confirmation Requested', events[0]!.detail);
}

const answer = (replyPath: string, body: unknown) => fetch(`${cloud.apiUrl}${replyPath}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const shipmentsOf = (orderId: string) => system.wmsShipments.shipments().filter((shipment) => shipment.referenceId.includes(orderId));

describe('a cash-on-delivery order to a high-risk pincode', () => {
  it('waits for the customer: nothing reaches the ERP or the WMS until they answer yes, then it is submitted', async () => {
    const orderId = await codOrder('saffron-threads', riskyPin);

    expect((await order('saffron-threads', orderId))?.status?.S).toBe('AWAITING_ADDRESS_CONFIRMATION');
    const request = requestFor(orderId);
    expect(request).toMatchObject({ onTimeout: 'proceed', shipsTo: { postalCode: riskyPin } });
    expect(request.risk).toBeGreaterThanOrEqual(addressConfirmationPolicyFor(findBrand('saffron-threads')!).codRiskThreshold);
    expect(shipmentsOf(orderId)).toHaveLength(0);

    expect((await answer(request.replyPath, { answer: 'yes' })).status).toBe(200);
    await system.settled();

    expect((await order('saffron-threads', orderId))?.status?.S).toBe('SUBMITTED');
    expect(shipmentsOf(orderId)).toHaveLength(1);
    expect((await answer(request.replyPath, { answer: 'cancel' })).status).toBe(409);
  });

  it('ships to the address the customer corrected; a postal code that does not exist is refused', async () => {
    const orderId = await codOrder('saffron-threads', riskyPin);
    const { replyPath } = requestFor(orderId);

    expect((await answer(replyPath, { answer: 'edit', address: { line1: '12 Station Road', city: 'Bengaluru', postalCode: '999999' } })).status).toBe(400);
    expect((await answer(replyPath, { answer: 'edit', address: { line1: '12 Station Road, near the post office', city: 'Bengaluru', postalCode: '560034' } })).status).toBe(200);
    await system.settled();

    expect((await order('saffron-threads', orderId))?.status?.S).toBe('SUBMITTED');
    const [shipment] = shipmentsOf(orderId);
    expect(shipment?.recipient.address).toMatchObject({ address1: '12 Station Road, near the post office', zip_code: '560034' });
  });

  it('cancelled by the customer: the stock goes back and nothing is sent', async () => {
    const orderId = await codOrder('saffron-threads', riskyPin);
    expect((await answer(requestFor(orderId).replyPath, { answer: 'cancel' })).status).toBe(200);
    await system.settled();

    expect((await order('saffron-threads', orderId))?.status?.S).toBe('CANCELLED');
    expect(await reservationStatus('saffron-threads', orderId)).toBe('RELEASED');
    expect(shipmentsOf(orderId)).toHaveLength(0);
  });

  it('never answered: a brand that ships anyway ships after its timeout; a late answer gets 410', async () => {
    const orderId = await codOrder('saffron-threads', riskyPin);
    const { replyPath } = requestFor(orderId);

    await system.fastForward(addressConfirmationPolicyFor(findBrand('saffron-threads')!).confirmationTimeoutMinutes * 60_000 + 60_000);

    expect((await order('saffron-threads', orderId))?.status?.S).toBe('SUBMITTED');
    expect([409, 410]).toContain((await answer(replyPath, { answer: 'yes' })).status);
  });

  it('never answered: a brand that cancels on silence (home goods) cancels and gives the stock back', async () => {
    const policy = addressConfirmationPolicyFor(findBrand('brass-and-clay')!);
    expect(policy.onTimeout).toBe('cancel');
    const orderId = await codOrder('brass-and-clay', riskyPin);
    expect((await order('brass-and-clay', orderId))?.status?.S).toBe('AWAITING_ADDRESS_CONFIRMATION');

    await system.fastForward(policy.confirmationTimeoutMinutes * 60_000 + 60_000);

    expect((await order('brass-and-clay', orderId))?.status?.S).toBe('CANCELLED');
    expect(await reservationStatus('brass-and-clay', orderId)).toBe('RELEASED');
    expect(shipmentsOf(orderId)).toHaveLength(0);
  });

  it('cancelled in the storefront while waiting for the answer: the stock goes back, the reply link is closed, and nothing is ever sent', async () => {
    const orderId = await codOrder('saffron-threads', riskyPin);
    const { replyPath } = requestFor(orderId);
    const demoBrand = findBrand('saffron-threads')!;
    await deliverShopifyWebhook({ apiUrl: cloud.apiUrl, brand: 'saffron-threads', shopDomain: demoBrand.storefrontDomain, secret: await shopifySecretFor(cloud, 'saffron-threads'), body: JSON.stringify(cancelledOf(placed.get(orderId)!, 'customer')), topic: 'orders/cancelled' });
    await system.settled();

    expect((await order('saffron-threads', orderId))?.status?.S).toBe('CANCELLED');
    expect(await reservationStatus('saffron-threads', orderId)).toBe('RELEASED');
    expect((await answer(replyPath, { answer: 'yes' })).status).toBe(409);
    await system.fastForward(addressConfirmationPolicyFor(demoBrand).confirmationTimeoutMinutes * 60_000 + 60_000);
    expect((await order('saffron-threads', orderId))?.status?.S).toBe('CANCELLED');
    expect(shipmentsOf(orderId)).toHaveLength(0);
  });

  it('a forged reply link is refused like a missing one', async () => {
    expect((await answer('/address-confirmations/saffron-threads.1.zz.forgedsignature0000000', { answer: 'yes' })).status).toBe(404);
  });

  describe('on the page behind the link, as a browser would', () => {
    const pageUrl = (orderId: string) => `${cloud.apiUrl}${requestFor(orderId).replyPath}`;
    const open = async (url: string) => {
      const response = await fetch(url);
      return { status: response.status, headers: response.headers, html: await response.text() };
    };
    /** Submits the page's form holding `marker` as a browser does: its own hidden fields and button, plus what the customer typed. */
    const submit = async (url: string, html: string, marker: string, typed: Record<string, string> = {}) => {
      const form = [...html.matchAll(/<form method="post">([\s\S]*?)<\/form>/g)].map((match) => match[1]!).find((candidate) => candidate.includes(marker));
      expect(form, `a form with ${marker}`).toBeDefined();
      const fields = new URLSearchParams();
      const unescape = (value: string) => value.replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
      for (const [, name, value] of form!.matchAll(/<input type="(?:hidden|text)"(?: id="\w+")? name="(\w+)" value="([^"]*)"/g)) fields.set(name!, unescape(value!));
      const button = /<button type="submit" name="(\w+)" value="(\w+)">/.exec(form!);
      if (button) fields.set(button[1]!, button[2]!);
      for (const [name, value] of Object.entries(typed)) {
        expect(form, `the form has a ${name} field`).toContain(`name="${name}"`);
        fields.set(name, value);
      }
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: fields.toString() });
      return { status: response.status, html: await response.text() };
    };

    it('opens in the language of the message, shows the address, offers the brand\'s languages, and lets no script run', async () => {
      const orderId = await codOrder('saffron-threads', riskyPin);
      const payload = placed.get(orderId)!;
      const page = await open(pageUrl(orderId));

      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.html).toContain(`order ${payload.name}`);
      expect(page.html).toContain(payload.shipping_address.address1);
      expect(page.html).toContain(riskyPin);
      expect(page.html).toContain('Yes, deliver here');
      const inHindi = await open(`${pageUrl(orderId)}?lang=hi`);
      expect(inHindi.html).toContain('<html lang="hi">');
      expect(inHindi.html).toContain('हाँ, यहीं डिलीवर करें');
      // Bahasa is not a language this Indian brand writes in: the page stays in the customer's.
      expect((await open(`${pageUrl(orderId)}?lang=id`)).html).toContain('<html lang="en">');
    });

    it('"yes" on the page ships the order; opening the link again says it is already answered', async () => {
      const orderId = await codOrder('saffron-threads', riskyPin);
      const { html } = await open(`${pageUrl(orderId)}?lang=hi`);

      const answered = await submit(pageUrl(orderId), html, 'value="yes"');
      expect(answered.status).toBe(200);
      expect(answered.html).toContain('आपका पता कन्फ़र्म हो गया है');
      await system.settled();

      expect((await order('saffron-threads', orderId))?.status?.S).toBe('SUBMITTED');
      expect(shipmentsOf(orderId)).toHaveLength(1);
      expect((await open(pageUrl(orderId))).html).toContain('already been confirmed, corrected or cancelled');
      expect((await submit(pageUrl(orderId), html, 'value="cancel"')).status).toBe(409);
    });

    it('a corrected address with an unknown PIN comes back marked, with what was typed kept; a good one ships there', async () => {
      const orderId = await codOrder('saffron-threads', riskyPin);
      const { html } = await open(pageUrl(orderId));
      // The form starts filled with the address on the order.
      expect(html).toContain(`name="postalCode" value="${riskyPin}"`);
      const typed = { line1: '12 Station Road & Co. "Blue Gate"', line2: '', city: 'Bengaluru', province: 'Karnataka', postalCode: '999999' };

      const refused = await submit(pageUrl(orderId), html, 'value="edit"', typed);
      expect(refused.status).toBe(400);
      expect(refused.html).toContain('PIN code 999999 was not found.');
      expect(refused.html).toContain('value="12 Station Road &amp; Co. &#34;Blue Gate&#34;"');
      expect(refused.html).toMatch(/id="postalCode"[^>]*aria-invalid="true"/);
      expect(await submit(pageUrl(orderId), refused.html, 'value="edit"', { ...typed, city: '' }).then((reply) => reply.status)).toBe(400);

      const corrected = await submit(pageUrl(orderId), refused.html, 'value="edit"', { ...typed, postalCode: '560034' });
      expect(corrected.status).toBe(200);
      expect(corrected.html).toContain('will be delivered to the corrected address');
      expect(corrected.html).toContain('Bengaluru, Karnataka 560034');
      await system.settled();

      const [shipment] = shipmentsOf(orderId);
      expect(shipment?.recipient.address).toMatchObject({ address1: typed.line1, city: 'Bengaluru', zip_code: '560034' });
    });

    it('"cancel" on the page cancels the order and gives the stock back', async () => {
      const orderId = await codOrder('saffron-threads', riskyPin);
      const { html } = await open(pageUrl(orderId));
      expect(html).toContain('<details>');

      const cancelled = await submit(pageUrl(orderId), html, 'value="cancel"');
      expect(cancelled.status).toBe(200);
      expect(cancelled.html).toContain('is cancelled');
      await system.settled();

      expect((await order('saffron-threads', orderId))?.status?.S).toBe('CANCELLED');
      expect(await reservationStatus('saffron-threads', orderId)).toBe('RELEASED');
    });

    it('a forged link gets a page saying so, in the language asked for', async () => {
      const page = await open(`${cloud.apiUrl}/address-confirmations/saffron-threads.1.zz.forgedsignature0000000?lang=hi`);
      expect(page.status).toBe(404);
      expect(page.html).toContain('यह लिंक मान्य नहीं है');
    });
  });

  describe('asked on WhatsApp, answered on WhatsApp', () => {
    const customerPhone = (orderId: string) => placed.get(orderId)!.phone ?? placed.get(orderId)!.shipping_address.phone!;
    const brandNumber = findBrand('saffron-threads')!.senders.whatsapp.phoneNumberId;

    it('the customer gets the question with the reply link; replying YES confirms the address and the order is submitted', async () => {
      const orderId = await codOrder('saffron-threads', riskyPin);
      const phone = customerPhone(orderId);
      // The demo customer has earlier orders, and this order's confirmation goes out at the same moment, so either may arrive last.
      const question = system.whatsapp.inbox(phone).findLast((message) => message.template?.name === 'address_confirmation_v1')!;
      expect(question).toBeDefined();
      expect(question.text).toContain(`${cloud.apiUrl}${requestFor(orderId).replyPath}`);

      await system.whatsapp.customerWrites(phone, brandNumber, 'Yes');
      await system.settled();

      expect((await order('saffron-threads', orderId))?.status?.S).toBe('SUBMITTED');
      const afterQuestion = system.whatsapp.inbox(phone).slice(system.whatsapp.inbox(phone).indexOf(question) + 1);
      expect(afterQuestion.some((message) => /address confirmed/i.test(message.text))).toBe(true);
      // The question is answered: a second YES is just a message.
      await system.whatsapp.customerWrites(phone, brandNumber, 'YES');
      await system.settled();
      expect(shipmentsOf(orderId)).toHaveLength(1);
    });

    it('replying CANCEL cancels the order and releases its stock; a bare "no" is not taken as a cancellation', async () => {
      const orderId = await codOrder('saffron-threads', riskyPin);
      const phone = customerPhone(orderId);
      await system.whatsapp.customerWrites(phone, brandNumber, 'no');
      await system.settled();
      expect((await order('saffron-threads', orderId))?.status?.S).toBe('AWAITING_ADDRESS_CONFIRMATION');

      await system.whatsapp.customerWrites(phone, brandNumber, 'CANCEL');
      await system.settled();

      expect((await order('saffron-threads', orderId))?.status?.S).toBe('CANCELLED');
      expect(await reservationStatus('saffron-threads', orderId)).toBe('RELEASED');
      expect(shipmentsOf(orderId)).toHaveLength(0);
    });
  });
});
