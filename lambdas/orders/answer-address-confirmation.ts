import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { CachedSecrets } from '#shared/cached-secrets';
import type { CanonicalOrder } from '#shared/canonical-order';
import { requiredEnv } from '#shared/environment';
import { jsonReply, parseJsonBody } from '#shared/http-reply';
import { logger } from '#shared/observability';
import { locatePostalCode } from '#shared/postal/geo';
import { resumeTask } from '#shared/task-token';
import { OrdersTable } from './adapters/orders-table.ts';
import { verifyReplyToken } from './domain/address-reply.ts';

const orders = new OrdersTable(requiredEnv('ORDERS_TABLE_NAME'));
const linkKeySecret = requiredEnv('TRACKING_LINK_KEY_SECRET');
const secrets = new CachedSecrets();
const stepFunctions = new SFNClient({});

const AddressSchema = z.object({
  line1: z.string().trim().min(3).max(200),
  line2: z.string().trim().max(200).optional(),
  city: z.string().trim().min(2).max(100),
  province: z.string().trim().max(100).optional(),
  postalCode: z.string().trim().min(3).max(12),
});
const AnswerSchema = z.discriminatedUnion('answer', [
  z.object({ answer: z.literal('yes') }),
  z.object({ answer: z.literal('cancel') }),
  z.object({ answer: z.literal('edit'), address: AddressSchema }),
]);

const notFound = () => jsonReply(404, { error: 'not_found', message: 'this confirmation link is not valid' });

/**
 * POST /address-confirmations/{token}, public: the customer's answer to "is this address
 * right?", posted by the WhatsApp channel (or a page behind the link). `yes` ships as is,
 * `edit` ships to the corrected address (its postal code must exist in the order's country),
 * `cancel` cancels the order. One answer per request: a second gets 409; one after the
 * timeout, 410. A forged or expired token gets 404, like a missing order.
 */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const confirming = verifyReplyToken(await secrets.require(linkKeySecret), event.pathParameters?.token ?? '', new Date());
  if (!confirming) return notFound();
  logger.appendKeys({ brand: confirming.brand, orderId: confirming.orderId });
  const parsed = parseJsonBody(event.body, AnswerSchema, 'invalid_answer');
  if (!parsed.ok) return parsed.reply;

  const item = await orders.get(confirming.brand, confirming.orderId);
  const pending = item?.addressConfirmation as { state?: string; taskToken?: string; expiresAt?: string } | undefined;
  if (!item || !pending) return notFound();
  if (pending.state !== 'PENDING' || !pending.taskToken) return jsonReply(409, { error: 'already_answered', message: 'this address was already confirmed, changed or cancelled' });
  const answer = parsed.data;
  let address: Record<string, unknown> | undefined;
  if (answer.answer === 'edit') {
    const current = (JSON.parse(String(item.order)) as CanonicalOrder).shippingAddress;
    if (!locatePostalCode(current.country, answer.address.postalCode)) return jsonReply(400, { error: 'unknown_postal_code', message: `${answer.address.postalCode} is not a postal code in ${current.country}` });
    // The name, phone and country stay; only the parts the customer corrected change.
    address = { ...current, ...answer.address };
  }
  if (!(await orders.answerAddressConfirmation(confirming.brand, confirming.orderId, pending.taskToken, { answer: answer.answer, address, at: new Date().toISOString() }))) {
    return jsonReply(409, { error: 'already_answered', message: 'this address was already confirmed, changed or cancelled' });
  }
  let resumed: 'resumed' | 'settled';
  try {
    resumed = await resumeTask(stepFunctions, pending.taskToken, { answer: answer.answer, ...(address ? { address } : {}) });
  } catch (error) {
    // The workflow did not get the answer: take it back so that the retry is not refused as a repeat.
    await orders.reopenAddressConfirmation(confirming.brand, confirming.orderId, pending.taskToken);
    throw error;
  }
  if (resumed === 'settled') return jsonReply(410, { error: 'too_late', message: 'the time to answer has passed; the brand\'s policy has already been applied' });
  logger.info('address confirmation answered', { answer: answer.answer });
  return jsonReply(200, { answer: answer.answer });
}
