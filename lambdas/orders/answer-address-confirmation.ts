import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { CachedSecrets } from '#shared/cached-secrets';
import type { CanonicalOrder } from '#shared/canonical-order';
import { requiredEnv } from '#shared/environment';
import { htmlReply, jsonReply, parseJsonBody } from '#shared/http-reply';
import { logger } from '#shared/observability';
import { locatePostalCode } from '#shared/postal/geo';
import { resumeTask } from '#shared/task-token';
import { OrdersTable } from './adapters/orders-table.ts';
import { renderAddressPage, type AddressPageState } from './domain/address-confirmation-page.ts';
import { addressPageView, answerFromForm, confirmationStateOf, fieldProblems, notFoundView, type PendingConfirmation } from './domain/address-page-view.ts';
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
type Answer = z.infer<typeof AnswerSchema>;

const ALREADY_ANSWERED = { error: 'already_answered', message: 'this address was already confirmed, changed or cancelled' };
const TOO_LATE = { error: 'too_late', message: 'the time to answer has passed; the brand\'s policy has already been applied' };

/**
 * POST /address-confirmations/{token}, public: the customer's answer to "is this address
 * right?", as JSON from the WhatsApp channel or as a form from the page behind the link (which
 * gets a page back). `yes` ships as is, `edit` ships to the corrected address (its postal code
 * must exist in the order's country), `cancel` cancels the order. One answer per request: a
 * second gets 409; one after the timeout, 410. A forged or expired token gets 404, like a
 * missing order.
 */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const fromPage = /^application\/x-www-form-urlencoded\b/i.test(event.headers?.['content-type'] ?? '');
  const body = Buffer.from(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8').toString('utf8');
  const form = fromPage ? new URLSearchParams(body) : undefined;
  const requestedLanguage = form?.get('lang') ?? undefined;

  const confirming = verifyReplyToken(await secrets.require(linkKeySecret), event.pathParameters?.token ?? '', new Date());
  const item = confirming ? await orders.get(confirming.brand, confirming.orderId) : undefined;
  const pending = item?.addressConfirmation as (PendingConfirmation & { taskToken?: string }) | undefined;
  if (!confirming || !item || !pending) {
    return form ? htmlReply(404, await renderAddressPage(notFoundView(requestedLanguage))) : jsonReply(404, { error: 'not_found', message: 'this confirmation link is not valid' });
  }
  logger.appendKeys({ brand: confirming.brand, orderId: confirming.orderId });
  const order = JSON.parse(String(item.order)) as CanonicalOrder;
  const page = async (statusCode: number, state: AddressPageState, shown: CanonicalOrder = order) =>
    htmlReply(statusCode, await renderAddressPage(addressPageView(confirming.brand, shown, pending, state, requestedLanguage)));

  const posted = form ? answerFromForm(form) : undefined;
  const parsed = posted ? AnswerSchema.safeParse(posted) : undefined;
  if (parsed && !parsed.success) return page(400, { kind: 'ask', problems: fieldProblems(parsed.error.issues), entered: posted?.address ?? {} });
  const json = parsed ? undefined : parseJsonBody(body, AnswerSchema, 'invalid_answer');
  if (json && !json.ok) return json.reply;
  const answer = parsed?.data ?? (json as { data: Answer }).data;

  if (pending.state !== 'PENDING' || !pending.taskToken) return form ? page(409, { kind: 'already_answered' }) : jsonReply(409, ALREADY_ANSWERED);
  let address: CanonicalOrder['shippingAddress'] | undefined;
  if (answer.answer === 'edit') {
    if (!locatePostalCode(order.shippingAddress.country, answer.address.postalCode)) {
      return form
        ? page(400, { kind: 'ask', problems: { postalCode: 'unknown_postal_code' }, entered: answer.address })
        : jsonReply(400, { error: 'unknown_postal_code', message: `${answer.address.postalCode} is not a postal code in ${order.shippingAddress.country}` });
    }
    // The name, phone and country stay. The page posts the whole address, so an optional field
    // left blank there is cleared; the JSON API changes only the parts it names.
    const { line2: _line2, province: _province, ...required } = order.shippingAddress;
    address = { ...(form ? required : order.shippingAddress), ...answer.address };
  }
  if (!(await orders.answerAddressConfirmation(confirming.brand, confirming.orderId, pending.taskToken, { answer: answer.answer, address, at: new Date().toISOString() }))) {
    if (!form) return jsonReply(409, ALREADY_ANSWERED);
    // Answered meanwhile, timed out, or cancelled in the storefront: tell the customer which.
    const current = await orders.get(confirming.brand, confirming.orderId);
    const state = confirmationStateOf(current?.status, (current?.addressConfirmation as PendingConfirmation | undefined) ?? pending);
    return page(409, state.kind === 'ask' ? { kind: 'already_answered' } : state);
  }
  let resumed: 'resumed' | 'settled';
  try {
    resumed = await resumeTask(stepFunctions, pending.taskToken, { answer: answer.answer, ...(address ? { address } : {}) });
  } catch (error) {
    // The workflow did not get the answer: take it back so that the retry is not refused as a repeat.
    await orders.reopenAddressConfirmation(confirming.brand, confirming.orderId, pending.taskToken);
    throw error;
  }
  if (resumed === 'settled') return form ? page(410, { kind: 'too_late' }) : jsonReply(410, TOO_LATE);
  logger.info('address confirmation answered', { answer: answer.answer, from: form ? 'page' : 'message' });
  if (!form) return jsonReply(200, { answer: answer.answer });
  return page(200, { kind: OUTCOME[answer.answer] }, address ? { ...order, shippingAddress: address } : order);
}

const OUTCOME = { yes: 'confirmed', edit: 'corrected', cancel: 'cancelled' } as const;
