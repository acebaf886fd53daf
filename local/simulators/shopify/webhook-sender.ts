import { randomUUID } from 'node:crypto';
import { signShopifyBody } from '../../../lambdas/intake/domain/shopify-signature.ts';

/** The order topics the simulator builds bodies for; any other string is sent as given. */
export type ShopifyOrderTopic = 'orders/create' | 'orders/updated' | 'orders/paid' | 'orders/cancelled';

export interface ShopifyDelivery {
  readonly apiUrl: string;
  readonly brand: string;
  readonly shopDomain: string;
  readonly secret: string;
  /** @default 'orders/create' */
  readonly topic?: ShopifyOrderTopic | (string & {});
  readonly body: string;
  /** Reuse to simulate Shopify's retry of the same delivery. @default random */
  readonly webhookId?: string;
  readonly eventId?: string;
  /**
   * When the event happened (X-Shopify-Triggered-At). A retry keeps the original time, so set it
   * to deliver events out of order the way Shopify can. @default now
   */
  readonly triggeredAt?: Date;
  /** Override the signature, to simulate a forged or corrupted delivery. */
  readonly signature?: string;
  /** How long Shopify waits for an answer. @default 5000 */
  readonly timeoutMs?: number;
}

export interface DeliveryResult {
  readonly status: number;
  readonly body: string;
  /** The ids the delivery carried, to match it with what the receiver logged. */
  readonly webhookId: string;
  readonly eventId: string;
}

/**
 * Delivers one webhook the way Shopify does: POST with the X-Shopify-* headers and a base64
 * HMAC-SHA256 of the exact body bytes, keyed with the app secret.
 */
export async function deliverShopifyWebhook(delivery: ShopifyDelivery): Promise<DeliveryResult> {
  const webhookId = delivery.webhookId ?? randomUUID();
  const eventId = delivery.eventId ?? randomUUID();
  const response = await fetch(`${delivery.apiUrl}/webhooks/shopify/${encodeURIComponent(delivery.brand)}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': delivery.topic ?? 'orders/create',
      'x-shopify-shop-domain': delivery.shopDomain,
      'x-shopify-api-version': '2026-10',
      'x-shopify-webhook-id': webhookId,
      'x-shopify-event-id': eventId,
      'x-shopify-triggered-at': (delivery.triggeredAt ?? new Date()).toISOString(),
      'x-shopify-hmac-sha256': delivery.signature ?? signShopifyBody(Buffer.from(delivery.body), delivery.secret),
    },
    body: delivery.body,
    // Shopify abandons a delivery after 5 s.
    signal: AbortSignal.timeout(delivery.timeoutMs ?? 5000),
  });
  return { status: response.status, body: await response.text(), webhookId, eventId };
}

/**
 * A retry storm: the same delivery `copies` times at once, with one webhook id, one event id and
 * one trigger time, as when Shopify retries a delivery whose first attempt is still in flight.
 * Resolves with every copy's result, in send order; rejects if any copy gets no answer.
 */
export async function deliverWithDuplicates(delivery: ShopifyDelivery, copies: number): Promise<DeliveryResult[]> {
  if (!Number.isInteger(copies) || copies < 1) throw new RangeError(`copies must be a positive integer, not ${copies}`);
  const same: ShopifyDelivery = {
    ...delivery,
    webhookId: delivery.webhookId ?? randomUUID(),
    eventId: delivery.eventId ?? randomUUID(),
    triggeredAt: delivery.triggeredAt ?? new Date(),
  };
  return Promise.all(Array.from({ length: copies }, () => deliverUntilAnswered(same)));
}

/**
 * Delivers as Shopify's retrying sender does: a delivery not answered in time is sent again with
 * the same ids and trigger time, up to `attempts` times in all (Shopify keeps trying for hours; a
 * test needs seconds). A burst on a loaded machine can miss the 5 s, and the repeat must change
 * nothing. Any answer, even an error status, ends it: that is the receiver's verdict.
 */
export async function deliverUntilAnswered(delivery: ShopifyDelivery, attempts = 3): Promise<DeliveryResult> {
  const same: ShopifyDelivery = { ...delivery, webhookId: delivery.webhookId ?? randomUUID(), eventId: delivery.eventId ?? randomUUID(), triggeredAt: delivery.triggeredAt ?? new Date() };
  for (let attempt = 1; ; attempt++) {
    try {
      return await deliverShopifyWebhook(same);
    } catch (error) {
      if (attempt >= attempts || !(error instanceof Error && error.name === 'TimeoutError')) throw error;
    }
  }
}
