import * as iam from 'aws-cdk-lib/aws-iam';
import type * as events from 'aws-cdk-lib/aws-events';

/**
 * Allows `grantee` to put events on `bus` only under its own `source`, so no context can
 * impersonate another on the shared bus.
 */
export function grantPutEventsAsSource(grantee: iam.IGrantable, bus: events.IEventBus, source: string): iam.Grant {
  return iam.Grant.addToPrincipal({
    grantee,
    actions: ['events:PutEvents'],
    resourceArns: [bus.eventBusArn],
    conditions: { StringEquals: { 'events:source': source } },
  });
}
