/** What EventBridge Scheduler knows about one attempt, substituted into `Target.Input`. */
export interface InvocationContext {
  readonly scheduleArn: string;
  readonly scheduledTime: number;
  readonly executionId: string;
  /** 1 for the first attempt. */
  readonly attemptNumber: number;
}

/** Scheduler's time format for `<aws.scheduler.scheduled-time>`: ISO 8601 in UTC, whole seconds. */
export function schedulerTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The text the target receives: `Input` with the context attributes (`ContextAttribute` in the
 * CDK) replaced, or `{}` when the schedule has no input.
 */
export function targetInputText(input: string | undefined, context: InvocationContext): string {
  if (input === undefined) return '{}';
  const values: Readonly<Record<string, string>> = {
    'schedule-arn': context.scheduleArn,
    'scheduled-time': schedulerTime(context.scheduledTime),
    'execution-id': context.executionId,
    'attempt-number': String(context.attemptNumber),
  };
  return input.replace(/<aws\.scheduler\.([a-z-]+)>/g, (whole, name: string) => values[name] ?? whole);
}
