import type { z } from 'zod';
import { PermanentFulfilmentError, TransientFulfilmentError, type FulfilmentOperation, type FulfilmentSystem, type PermanentReason } from '../domain/errors.ts';

/** One answer, read in full; non-2xx answers are the caller's to interpret before {@link FulfilmentHttp.failure}. */
export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** `POST /2.0/order`, for messages. */
  readonly what: string;
}

/** What a system said about a failure, read from its error body. */
export interface SystemErrorDetail {
  readonly code?: string;
  readonly message?: string;
  readonly field?: string;
}

export interface FulfilmentHttpOptions {
  readonly system: FulfilmentSystem;
  /** The system's name in messages: `Business Central`, `ShipBob`. */
  readonly label: string;
  /** Up to, not including, the paths the adapter appends. */
  readonly baseUrl: string;
  /** Asked before every call, so a refreshed OAuth token is picked up. */
  readonly accessToken: () => Promise<string>;
  /** Per call, including reading the body. */
  readonly timeoutMs: number;
  readonly fetch: typeof fetch;
}

/** Enough of an unexpected body to tell what answered, without logging a whole HTML page. */
export const DETAIL_LIMIT = 200;

/**
 * The HTTP the ERP and WMS adapters share: bearer auth, a timeout covering the body, and the
 * transient/permanent split every fulfilment failure is reported with.
 */
export class FulfilmentHttp {
  private readonly baseUrl: string;

  constructor(private readonly options: FulfilmentHttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** Network failures and timeouts throw a {@link TransientFulfilmentError}; any answer is returned. */
  async send(operation: FulfilmentOperation, method: string, path: string, init: { headers?: Record<string, string>; json?: unknown } = {}): Promise<HttpAnswer> {
    const what = `${method} ${path.split('?')[0]}`;
    const token = await this.options.accessToken();
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json', ...init.headers };
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await this.options.fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      return { status: response.status, headers: response.headers, text: await response.text(), what };
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : 'network failure';
      throw new TransientFulfilmentError(`${this.options.label} ${what}: ${reason}`, { system: this.options.system, operation, cause: error });
    }
  }

  /** The error a non-2xx answer stands for. */
  failure(operation: FulfilmentOperation, answer: HttpAnswer, detail: SystemErrorDetail): TransientFulfilmentError | PermanentFulfilmentError {
    const { system, label } = this.options;
    const { status } = answer;
    const said = detail.message ?? detail.code ?? (answer.text.slice(0, DETAIL_LIMIT) || '(no body)');
    const message = `${label} ${answer.what} answered ${status}: ${said}`;
    if (status >= 500 || status === 429 || status === 408) {
      return new TransientFulfilmentError(message, { system, operation, status, retryAfterSeconds: retryAfterSeconds(answer.headers) });
    }
    return new PermanentFulfilmentError(message, { system, operation, status, reason: permanentReason(status), code: detail.code, systemMessage: detail.message, field: detail.field });
  }

  /** A 2xx body checked against what the adapter relies on. */
  parse<S extends z.ZodType>(operation: FulfilmentOperation, answer: HttpAnswer, schema: S): z.infer<S> {
    const { system, label } = this.options;
    let body: unknown;
    try {
      body = JSON.parse(answer.text);
    } catch (error) {
      throw new PermanentFulfilmentError(`${label} ${answer.what} answered ${answer.status} with a body that is not JSON`, {
        system,
        operation,
        status: answer.status,
        reason: 'contract',
        systemMessage: answer.text.slice(0, DETAIL_LIMIT),
        cause: error,
      });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
      throw new PermanentFulfilmentError(`${label} ${answer.what} broke the contract: ${detail}`, { system, operation, status: answer.status, reason: 'contract', cause: parsed.error });
    }
    return parsed.data;
  }

  /** A permanent error raised before anything was sent. */
  refuse(operation: FulfilmentOperation, reason: PermanentReason, message: string): PermanentFulfilmentError {
    return new PermanentFulfilmentError(`${this.options.label}: ${message}`, { system: this.options.system, operation, reason });
  }
}

function permanentReason(status: number): PermanentReason {
  if (status === 400 || status === 422) return 'validation';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  return 'rejected';
}

/** `Retry-After` is delay seconds or an HTTP date (RFC 9110 §10.2.3); ShipBob also sends `x-retry-after` in seconds. */
export function retryAfterSeconds(headers: Headers): number | undefined {
  const header = headers.get('retry-after') ?? headers.get('x-retry-after');
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** JSON of any shape, or undefined when the body is not JSON (a proxy's HTML page). */
export function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
