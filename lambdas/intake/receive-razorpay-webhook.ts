import { OrderPayloadInvalidError } from './domain/errors.ts';
import { mapRazorpayEvent } from './domain/razorpay-payment.ts';
import { isValidRazorpaySignature } from './domain/razorpay-signature.ts';
import { rejectDelivery } from './rejection.ts';
import { webhookHandler, type AcceptedDelivery } from './webhook-intake.ts';

function decide(delivery: AcceptedDelivery) {
  try {
    const mapped = mapRazorpayEvent(delivery.brand, delivery.payload, delivery.deliveryId);
    if ('ignored' in mapped) return { events: [], reply: { statusCode: 200, body: { ignored: true, event: mapped.event } } };
    return {
      events: [{ detailType: mapped.detailType, detail: mapped.detail }],
      reply: { statusCode: 200, body: { accepted: true, orderId: mapped.detail.orderId, paymentId: mapped.detail.paymentId } },
    };
  } catch (error) {
    if (error instanceof OrderPayloadInvalidError) return rejectDelivery(delivery, error.problems);
    throw error;
  }
}

/**
 * POST /webhooks/razorpay/{brand}: payment.captured and payment.failed, verified with the hex
 * X-Razorpay-Signature and deduplicated on X-Razorpay-Event-Id (Razorpay retries for 24 h).
 */
export const handler = webhookHandler({
  name: 'razorpay',
  deliveryId: (headers) => headers['x-razorpay-event-id'],
  isValidSignature: (rawBody, secret, headers) => isValidRazorpaySignature(rawBody, secret, headers['x-razorpay-signature']),
  decide,
});
