/** A rule or archive pattern EventBridge would refuse (PutRule answers InvalidEventPatternException). */
export class InvalidEventPatternError extends Error {
  constructor(
    /** Dotted path of the offending field, or `(root)` for the pattern itself. */
    readonly field: string,
    reason: string,
  ) {
    super(`Event pattern is not valid. Reason: ${field}: ${reason}`);
    this.name = 'InvalidEventPatternError';
  }
}
