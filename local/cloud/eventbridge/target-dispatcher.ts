import type { Clock, LocalLogger, TargetDelivery } from '../contracts.ts';
import type { EventEnvelope } from './envelope.ts';
import type { InFlightWork } from './in-flight.ts';
import { targetInput } from './target-input.ts';
import { awsErrorCode, errorMessage } from '../error-code.ts';

export interface TargetRetryPolicy {
  readonly maximumRetryAttempts?: number;
  readonly maximumEventAgeInSeconds?: number;
}

export interface RuleTarget {
  readonly id: string;
  readonly arn: string;
  readonly input?: string;
  readonly inputPath?: string;
  readonly retryPolicy?: TargetRetryPolicy;
  readonly deadLetterArn?: string;
}

/** EventBridge's defaults: 185 retries over at most 24 hours. */
export const DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 185;
export const DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 86_400;
export const DEFAULT_RETRY_BASE_DELAY_MS = 1000;

/** AWS spreads its retries over a day, so the backoff stops doubling at this many times the base delay. */
const MAX_BACKOFF_FACTOR = 256;

export interface TargetDispatcherOptions {
  readonly clock: Clock;
  readonly logger: LocalLogger;
  readonly delivery: TargetDelivery;
  readonly work: InFlightWork;
  readonly retryBaseDelayMs?: number;
}

type Exhausted = 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds';

/** Sends matched events to targets in the background, retrying with backoff, then dead-lettering. */
export class TargetDispatcher {
  private readonly retryBaseDelayMs: number;

  constructor(private readonly options: TargetDispatcherOptions) {
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS;
  }

  dispatch(event: EventEnvelope, ruleArn: string, target: RuleTarget): void {
    this.options.work.start(() => this.deliverWithRetries(event, ruleArn, target));
  }

  private async deliverWithRetries(event: EventEnvelope, ruleArn: string, target: RuleTarget): Promise<void> {
    const { clock, logger, delivery, work } = this.options;
    const maxRetries = target.retryPolicy?.maximumRetryAttempts ?? DEFAULT_MAXIMUM_RETRY_ATTEMPTS;
    const maxAgeMs = (target.retryPolicy?.maximumEventAgeInSeconds ?? DEFAULT_MAXIMUM_EVENT_AGE_SECONDS) * 1000;
    const receivedAt = clock.now();
    const body = targetInput(target, event);
    for (let retries = 0; ; retries++) {
      try {
        await delivery.deliver(target.arn, body);
        logger.info('eventbridge delivered', { eventId: event.id, ruleArn, targetArn: target.arn, retries });
        return;
      } catch (error) {
        const delayMs = this.backoffMs(retries);
        const exhausted: Exhausted | undefined =
          retries >= maxRetries ? 'MaximumRetryAttempts' : clock.now() + delayMs - receivedAt > maxAgeMs ? 'MaximumEventAgeInSeconds' : undefined;
        if (exhausted) {
          await this.giveUp(event, ruleArn, target, error, exhausted, retries);
          return;
        }
        logger.warn('eventbridge delivery failed, will retry', {
          eventId: event.id,
          targetArn: target.arn,
          retry: retries + 1,
          delayMs,
          error: errorMessage(error),
        });
        if (!(await work.wait(delayMs))) return;
      }
    }
  }

  private backoffMs(retriesSoFar: number): number {
    return this.retryBaseDelayMs * Math.min(2 ** retriesSoFar, MAX_BACKOFF_FACTOR);
  }

  private async giveUp(
    event: EventEnvelope,
    ruleArn: string,
    target: RuleTarget,
    error: unknown,
    exhausted: Exhausted,
    retries: number,
  ): Promise<void> {
    const { logger, delivery } = this.options;
    const details = { eventId: event.id, ruleArn, targetArn: target.arn, exhausted, retries, error: errorMessage(error) };
    if (!target.deadLetterArn) {
      logger.error('eventbridge dropped event: retries exhausted and the target has no dead-letter queue', details);
      return;
    }
    const attributes = {
      ERROR_CODE: awsErrorCode(error),
      ERROR_MESSAGE: errorMessage(error),
      EXHAUSTED_RETRY_CONDITION: exhausted,
      RETRY_ATTEMPTS: String(retries),
      RULE_ARN: ruleArn,
      TARGET_ARN: target.arn,
    };
    try {
      // The dead-letter queue gets the original event, not the target's transformed input.
      await delivery.deliver(target.deadLetterArn, JSON.stringify(event), attributes);
      logger.warn('eventbridge dead-lettered event', { ...details, deadLetterArn: target.deadLetterArn });
    } catch (dlqError) {
      logger.error('eventbridge dropped event: dead-letter delivery failed', { ...details, dlqError: errorMessage(dlqError) });
    }
  }
}
