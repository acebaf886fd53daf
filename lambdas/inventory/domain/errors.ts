/**
 * Failures talking to a warehouse management system (WMS). The split decides what a caller does:
 * a {@link WmsUnavailableError} is worth retrying (a poll simply tries again next minute), a
 * {@link WmsRequestError} will fail the same way until someone fixes a token, a warehouse id or
 * the WMS itself, so it should alarm instead.
 */
export class WmsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'WmsError';
  }
}

/** Transient: no answer in time, a network failure, a 5xx or a 429. */
export class WmsUnavailableError extends WmsError {
  /** The HTTP status, when the WMS answered at all. */
  readonly status: number | undefined;
  /** How long the WMS asked us to wait (its Retry-After header), when it said. */
  readonly retryAfterSeconds: number | undefined;

  constructor(message: string, details: { status?: number; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'WmsUnavailableError';
    this.status = details.status;
    this.retryAfterSeconds = details.retryAfterSeconds;
  }
}

/** Permanent: a 4xx other than 429, or an answer that breaks the contract. */
export class WmsRequestError extends WmsError {
  constructor(
    message: string,
    readonly status: number,
    /** The WMS's error code (`unauthorized`, `unknown_warehouse`, …) or what was wrong with its answer. */
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'WmsRequestError';
  }
}
