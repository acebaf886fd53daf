import type { HttpReply, HttpRequest } from './http-listener.ts';
import { parameterCountOf, render, type ApprovedTemplates } from './approved-templates.ts';
import {
  injectedError,
  invalidAccessToken,
  outsideWindow,
  parameterCountMismatch,
  templateNotFound,
  throughputReached,
  unsupportedPost,
  type GraphError,
  type WhatsAppFaultCode,
} from './graph-errors.ts';
import type { InjectedFaults } from './injected-faults.ts';
import type { SlidingWindowLimiter } from './rate-limiter.ts';
import { parseSendRequest, waIdOf, type SendRequest } from './send-request.ts';

/**
 * `POST /{graph-version}/{phone-number-id}/messages`, checked in the order Meta does: the number
 * exists, the token is its own, the body is well formed, the template is approved with that many
 * parameters, a free-form text is inside the 24 h window, the number has throughput left.
 */

export interface SimulatedPhoneNumber {
  readonly phoneNumberId: string;
  readonly accessToken: string;
  /** As Meta shows it in webhooks' `metadata.display_phone_number`, e.g. `15550783881`. */
  readonly displayNumber: string;
}

export interface WhatsAppFault {
  readonly code: WhatsAppFaultCode;
  /** Only sends to this customer (E.164, '+' optional). @default any */
  readonly to?: string;
  /** Only sends of this template. @default any send, text included */
  readonly template?: string;
}

export interface WhatsAppRoutesContext {
  readonly numbers: ReadonlyMap<string, SimulatedPhoneNumber>;
  readonly templates: ApprovedTemplates;
  readonly limiter: SlidingWindowLimiter;
  readonly faults: InjectedFaults<WhatsAppFault>;
  /** Whether the customer wrote to the number within the last 24 h, by the local clock. */
  windowOpen(phoneNumberId: string, waId: string): boolean;
}

export interface AcceptedSend {
  readonly number: SimulatedPhoneNumber;
  readonly send: SendRequest;
  /** What the customer reads. */
  readonly text: string;
  /** An injected 131026: accepted now, reported `failed` by webhook. */
  readonly undeliverable: boolean;
}

export type Decision = { readonly rejected: GraphError } | { readonly accepted: AcceptedSend };

/** Any Graph API version, since adapters pin different ones. */
const MESSAGES_PATH = /^\/v\d+\.\d+\/([^/]+)\/messages\/?$/;

export function decide(context: WhatsAppRoutesContext, request: HttpRequest): Decision {
  const phoneNumberId = MESSAGES_PATH.exec(request.url.pathname)?.[1];
  const number = phoneNumberId === undefined ? undefined : context.numbers.get(phoneNumberId);
  if (request.method !== 'POST' || !number) return { rejected: unsupportedPost(phoneNumberId ?? request.url.pathname) };
  if (request.headers.authorization !== `Bearer ${number.accessToken}`) return { rejected: invalidAccessToken() };
  const send = parseSendRequest(request.body);
  if ('httpStatus' in send) return { rejected: send };
  const fault = context.faults.take((candidate) => candidate.code !== 131026 && matches(candidate, send));
  if (fault && fault.code !== 131026) {
    const about = send.type === 'template' ? { templateName: send.name, languageCode: send.languageCode, parameterCount: send.parameters.length } : { parameterCount: 0 };
    return { rejected: injectedError(fault.code, about) };
  }
  const text = readableText(context, number, send);
  if (typeof text !== 'string') return { rejected: text };
  if (!context.limiter.take(number.phoneNumberId).admitted) return { rejected: throughputReached() };
  // Spent only on a send Meta accepts, since 131026 only ever follows an acceptance.
  const undeliverable = context.faults.take((candidate) => candidate.code === 131026 && matches(candidate, send)) !== undefined;
  return { accepted: { number, send, text, undeliverable } };
}

/** The 200 answer: the message id the status webhooks will refer to. */
export function sentReply(send: SendRequest, messageId: string): HttpReply {
  return {
    status: 200,
    body: { messaging_product: 'whatsapp', contacts: [{ input: send.input, wa_id: send.waId }], messages: [{ id: messageId }] },
  };
}

export function refusedReply(error: GraphError): HttpReply {
  return { status: error.httpStatus, body: error.body, headers: { 'www-authenticate': 'OAuth "Facebook Platform" "invalid_request"' } };
}

function readableText(context: WhatsAppRoutesContext, number: SimulatedPhoneNumber, send: SendRequest): string | GraphError {
  if (send.type === 'text') return context.windowOpen(number.phoneNumberId, send.waId) ? send.body : outsideWindow();
  const template = context.templates.find(send.name, send.languageCode);
  if (!template) return templateNotFound(send.name, send.languageCode);
  const expected = parameterCountOf(template);
  if (send.parameters.length !== expected) return parameterCountMismatch(send.parameters.length, expected);
  return render(template, send.parameters);
}

function matches(fault: WhatsAppFault, send: SendRequest): boolean {
  if (fault.to !== undefined && waIdOf(fault.to) !== send.waId) return false;
  return fault.template === undefined || (send.type === 'template' && send.name === fault.template);
}
