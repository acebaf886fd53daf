/**
 * A schedule expression or time zone the local cloud cannot run. `unsupported` separates what AWS
 * accepts but the local cloud does not emulate (cron `L`, `W`, `#`) from what AWS itself rejects.
 */
export class ScheduleExpressionError extends Error {
  constructor(
    readonly expression: string,
    readonly reason: string,
    readonly unsupported = false,
  ) {
    super(
      unsupported
        ? `schedule expression ${expression}: ${reason} is not supported by the local cloud`
        : `schedule expression ${expression} is not valid: ${reason}`,
    );
    this.name = 'ScheduleExpressionError';
  }
}

/** A schedule the local cloud cannot run: a target or dead-letter queue it does not deliver to, a bad setting. */
export class ScheduleDefinitionError extends Error {
  constructor(
    readonly scheduleName: string,
    readonly reason: string,
    readonly unsupported = false,
  ) {
    super(unsupported ? `schedule ${scheduleName}: ${reason} is not supported by the local cloud` : `schedule ${scheduleName}: ${reason}`);
    this.name = 'ScheduleDefinitionError';
  }
}

/** The target function failed when a schedule was run by hand; `name` is the function's error type. */
export class ScheduledInvocationError extends Error {
  constructor(
    readonly scheduleName: string,
    readonly errorType: string,
    readonly errorMessage: string,
    readonly trace: readonly string[] = [],
  ) {
    super(errorMessage);
    this.name = errorType;
  }
}
