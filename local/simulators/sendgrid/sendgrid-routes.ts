import { jsonObject } from '../erp/http-harness.ts';
import type { HttpReply, HttpRequest } from '../whatsapp/http-listener.ts';
import type { InjectedFaults } from '../whatsapp/injected-faults.ts';
import type { SlidingWindowLimiter } from '../whatsapp/rate-limiter.ts';
import { validateMail, type SendGridError, type ValidMail } from './mail-validation.ts';

/**
 * `POST /v3/mail/send`, checked in SendGrid's order: the API key, a JSON body, the mail itself
 * (see mail-validation.ts), then the rate limit. Refusals are `{ errors: [{ message, field, help }] }`.
 */

export type SendGridFaultStatus = 429 | 500 | 400 | 401;

export interface SendGridFault {
  readonly status: SendGridFaultStatus;
  /** Only requests with this recipient (case-insensitive). @default any */
  readonly to?: string;
}

export interface SendGridRoutesContext {
  readonly apiKey: string;
  /** One key, `mail/send`: the limit counts requests, however many recipients each has. */
  readonly limiter: SlidingWindowLimiter;
  readonly faults: InjectedFaults<SendGridFault>;
}

export type Decision = { readonly rejected: HttpReply } | { readonly accepted: ValidMail };

export const MAIL_SEND_KEY = 'mail/send';

const refusal = (status: number, errors: readonly SendGridError[], headers?: Record<string, string>): HttpReply => ({ status, body: { errors }, ...(headers ? { headers } : {}) });
const bare = (message: string): SendGridError => ({ message, field: null, help: null });

const unauthorized = () => refusal(401, [bare('The provided authorization grant is invalid, expired, or revoked')]);

function tooManyRequests(limit: number, resetAtMs: number): HttpReply {
  return refusal(429, [bare('too many requests')], {
    'x-ratelimit-limit': String(limit),
    'x-ratelimit-remaining': '0',
    'x-ratelimit-reset': String(Math.ceil(resetAtMs / 1000)),
  });
}

export function decide(context: SendGridRoutesContext, request: HttpRequest): Decision {
  if (request.method !== 'POST' || request.url.pathname !== '/v3/mail/send') return { rejected: refusal(404, [bare('resource not found')]) };
  if (request.headers.authorization !== `Bearer ${context.apiKey}`) return { rejected: unauthorized() };
  const body = jsonObject(request.body);
  if (!body) return { rejected: refusal(400, [{ message: 'Bad Request', field: null, help: null }]) };
  const recipients = recipientsOf(body);
  const fault = context.faults.take((candidate) => candidate.to === undefined || recipients.has(candidate.to.toLowerCase()));
  if (fault) return { rejected: injected(fault.status, context.limiter.perSecond) };
  const validation = validateMail(body);
  if ('errors' in validation) return { rejected: refusal(400, validation.errors) };
  const admission = context.limiter.take(MAIL_SEND_KEY);
  if (!admission.admitted) return { rejected: tooManyRequests(context.limiter.perSecond, admission.resetAtMs) };
  return { accepted: validation.mail };
}

/** 202 with no body: the id is all the client gets to match events with later. */
export const acceptedReply = (xMessageId: string): HttpReply => ({ status: 202, headers: { 'x-message-id': xMessageId } });

function injected(status: SendGridFaultStatus, limit: number): HttpReply {
  switch (status) {
    case 401:
      return unauthorized();
    case 429:
      return tooManyRequests(limit, Date.now() + 1000);
    case 400:
      return refusal(400, [bare('Bad Request')]);
    case 500:
      return refusal(500, [bare('Internal server error')]);
  }
}

/** Every address in a request's `to` lists, lower-cased, read leniently since it is not yet validated. */
function recipientsOf(body: Record<string, unknown>): Set<string> {
  const personalizations = Array.isArray(body.personalizations) ? (body.personalizations as unknown[]) : [];
  const emails = personalizations.flatMap((personalization) => {
    const to = (personalization as { to?: unknown } | null)?.to;
    return Array.isArray(to) ? to.map((recipient) => (recipient as { email?: unknown } | null)?.email) : [];
  });
  return new Set(emails.filter((email): email is string => typeof email === 'string').map((email) => email.toLowerCase()));
}
