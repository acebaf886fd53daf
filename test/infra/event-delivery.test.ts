import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EVENT_CATALOG, EVENT_SOURCES } from '../../lambdas/shared/events.ts';
import { describeArn, referencedLogicalId, referencedType, resourceAt, resourcesOfType, synthStage } from '../helpers/synth-stage.ts';

interface RuleTarget {
  readonly Id: string;
  readonly Arn: unknown;
  readonly RetryPolicy?: { readonly MaximumRetryAttempts?: number; readonly MaximumEventAgeInSeconds?: number };
  readonly DeadLetterConfig?: { readonly Arn?: unknown };
}

const synth = synthStage('dev');
const targets = resourcesOfType<{ Targets?: RuleTarget[] }>(synth, 'AWS::Events::Rule').flatMap((rule) =>
  (rule.properties.Targets ?? []).map((target) => ({ rule, target, name: `${rule.path} → ${target.Id}` })),
);

describe('event delivery from the bus', () => {
  it('finds the rules to check (the order-events rule at least)', () => {
    expect(targets.map(({ rule }) => rule.path)).toContain('dev/Orders/OrderEvents/Rule/Resource');
  });

  it('the order-events rule takes every event of the catalog, from the intake and orders sources only, into the ApplyOrderEvent buffer', () => {
    const rule = resourceAt<{ EventPattern?: Record<string, unknown>; EventBusName?: unknown; Targets?: RuleTarget[] }>(synth, 'AWS::Events::Rule', '/Orders/OrderEvents/Rule/Resource');
    expect(rule.properties.EventPattern).toEqual({
      source: [EVENT_SOURCES.intake, EVENT_SOURCES.orders],
      'detail-type': ['Order Received', 'Order Updated', 'Order Cancelled', 'Order Rejected', 'Payment Captured', 'Payment Failed', 'Order Accepted'],
    });
    // The consumer applies every detail-type in the catalog: one the rule missed would never reach the orders table.
    expect([...(rule.properties.EventPattern?.['detail-type'] as string[])].sort()).toEqual(Object.keys(EVENT_CATALOG).sort());
    expect(rule.properties.Targets?.map((target) => describeArn(synth, rule.stack, target.Arn))).toEqual(['dev/Orders/OrderEvents/Buffer/Queue/Resource']);
    expect(describeArn(synth, rule.stack, rule.properties.EventBusName)).toBe('dev/Platform/Bus/Resource');
  });

  describe.each(targets)('$name', ({ rule, target }) => {
    it('retries a failed delivery a bounded number of times, for a bounded time', () => {
      expect(target.RetryPolicy).toEqual({
        MaximumRetryAttempts: expect.any(Number),
        MaximumEventAgeInSeconds: expect.any(Number),
      });
      expect(target.RetryPolicy?.MaximumRetryAttempts).toBeGreaterThan(0);
      expect(target.RetryPolicy?.MaximumEventAgeInSeconds).toBeGreaterThanOrEqual(60);
      expect(target.RetryPolicy?.MaximumEventAgeInSeconds).toBeLessThanOrEqual(86_400);
    });

    it('keeps an event it could not deliver in a dead-letter queue that EventBridge may write to', () => {
      const deadLetterArn = target.DeadLetterConfig?.Arn;
      expect(deadLetterArn, 'DeadLetterConfig.Arn').toBeDefined();
      expect(referencedType(rule.template, deadLetterArn)).toBe('AWS::SQS::Queue');
      // Without this queue policy EventBridge drops the event it failed to deliver, silently.
      rule.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: referencedLogicalId(deadLetterArn) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [rule.logicalId, 'Arn'] } } },
            }),
          ]),
        },
      });
    });
  });
});
