import { signRazorpayBody } from '../../../lambdas/intake/domain/razorpay-signature.ts';
import { razorpayId } from './payment-event.ts';

export interface RazorpayDelivery {
  readonly apiUrl: string;
  readonly brand: string;
  /** The webhook secret set in Razorpay's dashboard, not the API key secret. */
  readonly secret: string;
  readonly body: string;
  /** Reuse to simulate Razorpay's retry of the same event. @default a new `evt_…` id */
  readonly eventId?: string;
  /** Override the signature, to simulate a forged or corrupted delivery. */
  readonly signature?: string;
}

export interface DeliveryResult {
  readonly status: number;
  readonly body: string;
}

/**
 * Delivers one webhook the way Razorpay does: POST with a hex HMAC-SHA256 of the exact body
 * bytes, keyed with the webhook secret, and the event id that deduplicates retries.
 */
export async function deliverRazorpayWebhook(delivery: RazorpayDelivery): Promise<DeliveryResult> {
  const response = await fetch(`${delivery.apiUrl}/webhooks/razorpay/${encodeURIComponent(delivery.brand)}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-razorpay-signature': delivery.signature ?? signRazorpayBody(Buffer.from(delivery.body), delivery.secret),
      'x-razorpay-event-id': delivery.eventId ?? razorpayId('evt'),
    },
    body: delivery.body,
    // Razorpay counts no answer within 5 s as a failure and retries.
    signal: AbortSignal.timeout(5000),
  });
  return { status: response.status, body: await response.text() };
}
