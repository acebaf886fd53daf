import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * One logger and one metrics instance per function, configured from POWERTOOLS_SERVICE_NAME and
 * POWERTOOLS_METRICS_NAMESPACE (set by the ServiceFunction construct). Handlers call them
 * directly; the project uses neither decorators nor middleware, so there is one style only.
 */
export const logger = new Logger();
export const metrics = new Metrics();

/** Publishes what the invocation recorded; an invocation that recorded nothing writes nothing. */
export function flushMetrics(): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}
