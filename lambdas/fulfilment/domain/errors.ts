/**
 * Failures handing an order to the ERP or the WMS. The split is what the order workflow acts on,
 * by error name: it retries a {@link TransientFulfilmentError} with backoff and escalates a
 * {@link PermanentFulfilmentError} to ops, because sending the same request again would fail the
 * same way. Keep the class names: the state machine's Retry and Catch match them exactly.
 */
export class FulfilmentError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FulfilmentError';
  }
}

export type FulfilmentSystem = 'erp' | 'wms';
export type FulfilmentOperation = 'createSalesOrder' | 'cancelSalesOrder' | 'createShipment' | 'cancelShipment';

/**
 * Why a request will not succeed as it stands:
 * - `validation`: the system refused the content (400/422), see `systemMessage` and `field`;
 * - `auth`: the token was refused (401) or lacks a permission (403);
 * - `not_found`: the system does not know what we named (404);
 * - `rejected`: any other 4xx, or a state the request cannot apply to (a cancelled shipment);
 * - `contract`: the system answered 2xx with something we cannot read;
 * - `configuration`: our own settings cannot express the request (a warehouse with no location).
 */
export type PermanentReason = 'validation' | 'auth' | 'not_found' | 'rejected' | 'contract' | 'configuration';

interface FailureContext {
  readonly system: FulfilmentSystem;
  readonly operation: FulfilmentOperation;
  /** The HTTP status, when the system answered at all. */
  readonly status?: number;
  readonly cause?: unknown;
}

/** Worth retrying: no answer in time, a network failure, a 5xx, a 408 or a 429. */
export class TransientFulfilmentError extends FulfilmentError {
  readonly system: FulfilmentSystem;
  readonly operation: FulfilmentOperation;
  readonly status: number | undefined;
  /** How long the system asked us to wait (Retry-After), when it said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, details: FailureContext & { readonly retryAfterSeconds?: number }) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'TransientFulfilmentError';
    this.system = details.system;
    this.operation = details.operation;
    this.status = details.status;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** Fails the same way until someone changes the order, a token or the configuration. */
export class PermanentFulfilmentError extends FulfilmentError {
  readonly system: FulfilmentSystem;
  readonly operation: FulfilmentOperation;
  readonly reason: PermanentReason;
  readonly status: number | undefined;
  /** The system's own error code, such as Business Central's `Internal_RecordNotFound`. */
  readonly code: string | undefined;
  /** The system's own words, for ops to read. */
  readonly systemMessage: string | undefined;
  /** The field the system blamed, in the system's naming, when it can be told. */
  readonly field: string | undefined;

  constructor(
    message: string,
    details: FailureContext & { readonly reason: PermanentReason; readonly code?: string; readonly systemMessage?: string; readonly field?: string },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'PermanentFulfilmentError';
    this.system = details.system;
    this.operation = details.operation;
    this.reason = details.reason;
    this.status = details.status;
    this.code = details.code;
    this.systemMessage = details.systemMessage;
    this.field = details.field;
  }
}

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** What we were about to send makes no sense (a shipment of a SKU the order lacks): a bug upstream, never retried. */
export class InvalidFulfilmentRequestError extends FulfilmentError {
  constructor(readonly problems: readonly FieldProblem[]) {
    super(`fulfilment request is invalid: ${problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ')}`);
    this.name = 'InvalidFulfilmentRequestError';
  }
}
