/** Base of every intake error, so a handler can tell domain failures from bugs. */
export class IntakeError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'IntakeError';
  }
}

export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** The payload is JSON but not an order we can accept; `problems` name each field. */
export class OrderPayloadInvalidError extends IntakeError {
  constructor(readonly problems: readonly FieldProblem[]) {
    super(`order payload is invalid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
    this.name = 'OrderPayloadInvalidError';
  }
}
