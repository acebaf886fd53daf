import { demoOrders, type DemoBrand, type ShopifyOrderPayload } from './demo-orders.ts';
import { cancelledOf, malformedBodies, paidOf, updatedOf } from './scenarios.ts';
import { deliverShopifyWebhook, deliverWithDuplicates, type DeliveryResult, type ShopifyDelivery, type ShopifyOrderTopic } from './webhook-sender.ts';

/**
 * The scenarios the CLI runs, as functions over a target, so they can be driven against any
 * HTTP server. Each reports one line per delivery as soon as its answer arrives.
 */

export interface Target {
  readonly apiUrl: string;
  readonly brand: DemoBrand;
  readonly secret: string;
}

export interface DeliveryLine {
  readonly topic: string;
  /** The order id, or the malformed case's name. */
  readonly subject: string;
  /** null when no answer came (refused, reset, or over Shopify's 5 s). */
  readonly status: number | null;
  readonly body: string;
}

export type Report = (line: DeliveryLine) => void;

const MINUTE = 60_000;

function delivery(target: Target, topic: ShopifyOrderTopic, body: string, triggeredAt?: Date): ShopifyDelivery {
  return { apiUrl: target.apiUrl, brand: target.brand.id, shopDomain: target.brand.storefrontDomain, secret: target.secret, topic, body, triggeredAt };
}

/** fetch says only "fetch failed"; the cause (ECONNREFUSED, a timeout) is what the user needs. */
function noAnswer(error: unknown): string {
  if (!(error instanceof Error)) return `no response: ${String(error)}`;
  const cause = error.cause instanceof Error ? ` (${'code' in error.cause ? String(error.cause.code) : error.cause.message})` : '';
  return `no response: ${error.message}${cause}`;
}

const lineOf = (topic: string, subject: string, result: DeliveryResult): DeliveryLine => ({ topic, subject, status: result.status, body: result.body });

async function send(target: Target, report: Report, topic: ShopifyOrderTopic, subject: string, body: string, triggeredAt?: Date): Promise<DeliveryLine> {
  let line: DeliveryLine;
  try {
    line = lineOf(topic, subject, await deliverShopifyWebhook(delivery(target, topic, body, triggeredAt)));
  } catch (error) {
    line = { topic, subject, status: null, body: noAnswer(error) };
  }
  report(line);
  return line;
}

const sendOrder = (target: Target, report: Report, topic: ShopifyOrderTopic, order: ShopifyOrderPayload, triggeredAt: Date) =>
  send(target, report, topic, String(order.id), JSON.stringify(order), triggeredAt);

/** `count` demo orders, one after another. */
export async function runCreate(target: Target, count: number, report: Report, now = new Date()): Promise<DeliveryLine[]> {
  const lines: DeliveryLine[] = [];
  for (const order of demoOrders([target.brand], count, undefined, now)) {
    lines.push(await sendOrder(target, report, 'orders/create', order.payload, now));
  }
  return lines;
}

/** A COD order (the second demo order), so that paid and cancelled each change its financial status. */
const codOrder = (target: Target, createdAt: Date) => demoOrders([target.brand], 2, undefined, createdAt)[1]!.payload;

/**
 * One order through all four topics, a minute apart and ending now: created, updated (the
 * customer adds a delivery note and asks for WhatsApp), paid (cash collected), cancelled by the
 * customer (so refunded).
 */
export async function runLifecycle(target: Target, report: Report, now = new Date()): Promise<DeliveryLine[]> {
  const times = [3, 2, 1, 0].map((minutesAgo) => new Date(now.getTime() - minutesAgo * MINUTE)) as [Date, Date, Date, Date];
  const created = codOrder(target, times[0]);
  const updated = updatedOf(created, { note: 'Please call before delivery', note_attributes: [{ name: 'preferred_channel', value: 'whatsapp' }] }, times[1]);
  const paid = paidOf(updated, times[2]);
  const cancelled = cancelledOf(paid, 'customer', times[3]);
  const lines: DeliveryLine[] = [];
  for (const [topic, order, at] of [
    ['orders/create', created, times[0]],
    ['orders/updated', updated, times[1]],
    ['orders/paid', paid, times[2]],
    ['orders/cancelled', cancelled, times[3]],
  ] as const) {
    lines.push(await sendOrder(target, report, topic, order, at));
  }
  return lines;
}

/**
 * Created, then updated and paid, delivered paid first: each body and X-Shopify-Triggered-At
 * carry the true times, so a receiver that trusts arrival order applies the stale update last.
 */
export async function runOutOfOrder(target: Target, report: Report, now = new Date()): Promise<DeliveryLine[]> {
  const createdAt = new Date(now.getTime() - 2 * MINUTE);
  const updatedAt = new Date(now.getTime() - MINUTE);
  const created = codOrder(target, createdAt);
  const updated = updatedOf(created, { note: 'Deliver after 6 pm' }, updatedAt);
  const paid = paidOf(updated, now);
  return [
    await sendOrder(target, report, 'orders/create', created, createdAt),
    await sendOrder(target, report, 'orders/paid', paid, now),
    await sendOrder(target, report, 'orders/updated', updated, updatedAt),
  ];
}

/** One new order delivered `copies` times at once with the same webhook and event ids. */
export async function runDuplicates(target: Target, copies: number, report: Report, now = new Date()): Promise<DeliveryLine[]> {
  const order = demoOrders([target.brand], 1, undefined, now)[0]!.payload;
  const subject = String(order.id);
  let lines: DeliveryLine[];
  try {
    const results = await deliverWithDuplicates(delivery(target, 'orders/create', JSON.stringify(order), now), copies);
    lines = results.map((result) => lineOf('orders/create', subject, result));
  } catch (error) {
    lines = [{ topic: 'orders/create', subject, status: null, body: noAnswer(error) }];
  }
  lines.forEach(report);
  return lines;
}

/** Every malformed case, correctly signed, so what answers is the receiver's parsing, not its HMAC check. */
export async function runMalformed(target: Target, report: Report, now = new Date()): Promise<DeliveryLine[]> {
  const order = demoOrders([target.brand], 1, undefined, now)[0]!.payload;
  const lines: DeliveryLine[] = [];
  for (const malformed of malformedBodies(order)) {
    lines.push(await send(target, report, 'orders/create', `${malformed.name} [${malformed.expected}]`, malformed.body, now));
  }
  return lines;
}
