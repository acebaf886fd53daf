import { randomUUID } from 'node:crypto';
import { signShopifyBody } from '../../../lambdas/intake/domain/shopify-signature.ts';

export interface ShopifyDelivery {
  readonly apiUrl: string;
  readonly brand: string;
  readonly shopDomain: string;
  readonly secret: string;
  readonly topic?: string;
  readonly body: string;
  /** Reuse to simulate Shopify's retry of the same delivery. @default random */
  readonly webhookId?: string;
  readonly eventId?: string;
  /** Override the signature, to simulate a forged or corrupted delivery. */
  readonly signature?: string;
}

export interface DeliveryResult {
  readonly status: number;
  readonly body: string;
}

/**
 * Delivers one webhook the way Shopify does: POST with the X-Shopify-* headers and a base64
 * HMAC-SHA256 of the exact body bytes, keyed with the app secret.
 */
export async function deliverShopifyWebhook(delivery: ShopifyDelivery): Promise<DeliveryResult> {
  const response = await fetch(`${delivery.apiUrl}/webhooks/shopify/${encodeURIComponent(delivery.brand)}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': delivery.topic ?? 'orders/create',
      'x-shopify-shop-domain': delivery.shopDomain,
      'x-shopify-api-version': '2026-10',
      'x-shopify-webhook-id': delivery.webhookId ?? randomUUID(),
      'x-shopify-event-id': delivery.eventId ?? randomUUID(),
      'x-shopify-triggered-at': new Date().toISOString(),
      'x-shopify-hmac-sha256': delivery.signature ?? signShopifyBody(Buffer.from(delivery.body), delivery.secret),
    },
    body: delivery.body,
    // Shopify abandons a delivery after 5 s.
    signal: AbortSignal.timeout(5000),
  });
  return { status: response.status, body: await response.text() };
}
