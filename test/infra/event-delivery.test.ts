import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EVENT_CATALOG, EVENT_SOURCES } from '../../lambdas/shared/events.ts';
import { CUSTOMER_UPDATE_EVENTS } from '../../lib/stacks/notifications-stack.ts';
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
  it('finds the seven rules of the stage: order events into orders, stock levels, cancellations and shipping progress into inventory, delivery outcomes and cancellations into fulfilment, customer updates into notifications', () => {
    expect([...new Set(targets.map(({ rule }) => rule.path))].sort()).toEqual([
      'dev/Fulfilment/Cancellations/Rule/Resource',
      'dev/Fulfilment/DeliveryOutcomes/Rule/Resource',
      'dev/Inventory/Cancellations/Rule/Resource',
      'dev/Inventory/ShippingProgress/Rule/Resource',
      'dev/Inventory/StorefrontStock/Rule/Resource',
      'dev/Notifications/CustomerUpdates/Rule/Resource',
      'dev/Orders/OrderEvents/Rule/Resource',
    ]);
  });

  type Rule = { EventPattern?: Record<string, unknown>; EventBusName?: unknown; Targets?: RuleTarget[] };
  const ruleAt = (pathSuffix: string) => resourceAt<Rule>(synth, 'AWS::Events::Rule', pathSuffix);

  /** Catalog events that only the inventory context itself consumes (storefront push) or that are for ops (drift incidents). */
  const NOT_APPLIED_TO_ORDERS = ['Stock Level Changed', 'Inventory Drift Detected'];

  it('the order-events rule takes every event of the catalog that concerns one order, from the intake, orders, inventory and fulfilment sources only, into the ApplyOrderEvent buffer', () => {
    const rule = ruleAt('/Orders/OrderEvents/Rule/Resource');
    expect(rule.properties.EventPattern).toEqual({
      source: [EVENT_SOURCES.intake, EVENT_SOURCES.orders, EVENT_SOURCES.inventory, EVENT_SOURCES.fulfilment],
      'detail-type': [
        'Order Received',
        'Order Updated',
        'Order Cancelled',
        'Order Rejected',
        'Payment Captured',
        'Payment Failed',
        'Order Accepted',
        'Order Submitted',
        'Inventory Reserved',
        'Inventory Shortfall',
        'Item Substituted',
        'Inventory Released',
        'Fulfillment Routed',
        'Order Delivered',
        'Order Returned',
        'Shipment Dispatched',
        'Shipment In Transit',
        'Shipment Out For Delivery',
        'Delivery Attempt Failed',
        'Return To Origin Started',
        'Return Requested',
        'Shipment Delayed',
        'Address Confirmation Requested',
      ],
    });
    // The two events of a cancellation after the hand-off and of an address confirmation join the order's timeline, each from its own publisher.
    expect(EVENT_CATALOG['Return Requested'].sources).toEqual([EVENT_SOURCES.fulfilment]);
    expect(EVENT_CATALOG['Address Confirmation Requested'].sources).toEqual([EVENT_SOURCES.orders]);
    // The consumer applies every order event of the catalog: one the rule missed would never reach the orders table.
    const detailTypes = rule.properties.EventPattern?.['detail-type'] as (keyof typeof EVENT_CATALOG)[];
    expect([...detailTypes].sort()).toEqual(Object.keys(EVENT_CATALOG).filter((type) => !NOT_APPLIED_TO_ORDERS.includes(type)).sort());
    // And it listens to exactly the sources that may publish them.
    expect([...(rule.properties.EventPattern?.source as string[])].sort()).toEqual([...new Set(detailTypes.flatMap((type) => EVENT_CATALOG[type].sources))].sort());
    expect(rule.properties.Targets?.map((target) => describeArn(synth, rule.stack, target.Arn))).toEqual(['dev/Orders/OrderEvents/Buffer/Queue/Resource']);
    expect(describeArn(synth, rule.stack, rule.properties.EventBusName)).toBe('dev/Platform/Bus/Resource');
  });

  it('the DeliveryOutcomes rule takes only Order Delivered and Order Returned, from fulfilment, into the buffer of the RTO statistics', () => {
    const rule = ruleAt('/Fulfilment/DeliveryOutcomes/Rule/Resource');
    expect(rule.properties.EventPattern).toEqual({ source: [EVENT_SOURCES.fulfilment], 'detail-type': ['Order Delivered', 'Order Returned'] });
    expect(rule.properties.Targets?.map((target) => describeArn(synth, rule.stack, target.Arn))).toEqual(['dev/Fulfilment/DeliveryOutcomes/Buffer/Queue/Resource']);
    expect(describeArn(synth, rule.stack, rule.properties.EventBusName)).toBe('dev/Platform/Bus/Resource');
  });

  it.each([
    ['Inventory/StorefrontStock', 'Stock Level Changed', EVENT_SOURCES.inventory, 'the storefront stock push'],
    ['Inventory/Cancellations', 'Order Cancelled', EVENT_SOURCES.intake, 'the release of a cancelled order\'s stock'],
    ['Fulfilment/Cancellations', 'Order Cancelled', EVENT_SOURCES.intake, 'CancelShipments, which cancels the shipments at the WMS or turns them into returns'],
  ] as const)('the %s rule takes only %s from %s into the buffer of %s', (id, detailType, source, _consumer) => {
    const rule = ruleAt(`/${id}/Rule/Resource`);
    expect(rule.properties.EventPattern).toEqual({ source: [source], 'detail-type': [detailType] });
    expect(EVENT_CATALOG[detailType].sources).toEqual([source]);
    expect(rule.properties.Targets?.map((target) => describeArn(synth, rule.stack, target.Arn))).toEqual([`dev/${id}/Buffer/Queue/Resource`]);
    expect(describeArn(synth, rule.stack, rule.properties.EventBusName)).toBe('dev/Platform/Bus/Resource');
  });

  it('the CustomerUpdates rule takes the nine lifecycle moments a customer hears about, from the intake, orders, inventory and fulfilment sources only, into the buffer of SendNotifications', () => {
    const rule = ruleAt('/Notifications/CustomerUpdates/Rule/Resource');
    expect(rule.properties.EventPattern).toEqual({
      source: [EVENT_SOURCES.intake, EVENT_SOURCES.orders, EVENT_SOURCES.inventory, EVENT_SOURCES.fulfilment],
      'detail-type': [
        'Order Accepted',
        'Address Confirmation Requested',
        'Item Substituted',
        'Shipment Dispatched',
        'Shipment Out For Delivery',
        'Order Delivered',
        'Shipment Delayed',
        'Order Cancelled',
        'Order Returned',
      ],
    });
    // The stack's list is the one the rule uses, and every entry is an event of the catalog.
    const detailTypes = rule.properties.EventPattern?.['detail-type'] as (keyof typeof EVENT_CATALOG)[];
    expect(detailTypes).toEqual([...CUSTOMER_UPDATE_EVENTS]);
    expect(detailTypes.filter((type) => !(type in EVENT_CATALOG))).toEqual([]);
    // It listens to exactly the sources that may publish them: each of the four publishes at least one.
    expect([...(rule.properties.EventPattern?.source as string[])].sort()).toEqual([...new Set(detailTypes.flatMap((type) => EVENT_CATALOG[type].sources))].sort());
    expect(rule.properties.Targets?.map((target) => describeArn(synth, rule.stack, target.Arn))).toEqual(['dev/Notifications/CustomerUpdates/Buffer/Queue/Resource']);
    expect(describeArn(synth, rule.stack, rule.properties.EventBusName)).toBe('dev/Platform/Bus/Resource');
    // Its buffer is drained by the sender alone.
    const consumers = resourcesOfType<{ EventSourceArn?: unknown; FunctionName?: unknown }>(synth, 'AWS::Lambda::EventSourceMapping')
      .filter((mapping) => describeArn(synth, mapping.stack, mapping.properties.EventSourceArn) === 'dev/Notifications/CustomerUpdates/Buffer/Queue/Resource')
      .map((mapping) => describeArn(synth, mapping.stack, mapping.properties.FunctionName));
    expect(consumers).toEqual(['dev/Notifications/SendNotifications/Function/Resource']);
  });

  it('delivers every Order Cancelled to each context that acts on it, each through its own rule and buffer: inventory releases the stock, fulfilment cancels the shipments, notifications tells the customer', () => {
    const onCancellation = resourcesOfType<Rule>(synth, 'AWS::Events::Rule').filter((rule) => ((rule.properties.EventPattern?.['detail-type'] ?? []) as string[]).includes('Order Cancelled'));
    expect(Object.fromEntries(onCancellation.map((rule) => [rule.path, rule.properties.Targets?.map((target) => describeArn(synth, rule.stack, target.Arn))]))).toEqual({
      'dev/Orders/OrderEvents/Rule/Resource': ['dev/Orders/OrderEvents/Buffer/Queue/Resource'],
      'dev/Inventory/Cancellations/Rule/Resource': ['dev/Inventory/Cancellations/Buffer/Queue/Resource'],
      'dev/Fulfilment/Cancellations/Rule/Resource': ['dev/Fulfilment/Cancellations/Buffer/Queue/Resource'],
      'dev/Notifications/CustomerUpdates/Rule/Resource': ['dev/Notifications/CustomerUpdates/Buffer/Queue/Resource'],
    });
    const consumerOf = (queue: string) =>
      resourcesOfType<{ EventSourceArn?: unknown; FunctionName?: unknown }>(synth, 'AWS::Lambda::EventSourceMapping')
        .filter((mapping) => describeArn(synth, mapping.stack, mapping.properties.EventSourceArn) === queue)
        .map((mapping) => describeArn(synth, mapping.stack, mapping.properties.FunctionName));
    expect(consumerOf('dev/Inventory/Cancellations/Buffer/Queue/Resource')).toEqual(['dev/Inventory/ReleaseCancelledOrders/Function/Resource']);
    expect(consumerOf('dev/Fulfilment/Cancellations/Buffer/Queue/Resource')).toEqual(['dev/Fulfilment/CancelShipments/Function/Resource']);
    expect(consumerOf('dev/Notifications/CustomerUpdates/Buffer/Queue/Resource')).toEqual(['dev/Notifications/SendNotifications/Function/Resource']);
  });

  it('the ShippingProgress rule takes only Order Submitted from orders and Shipment Dispatched from fulfilment into the buffer of HoldStockUntilDispatch, which holds a submitted order\'s stock until dispatch, then commits it', () => {
    const rule = ruleAt('/Inventory/ShippingProgress/Rule/Resource');
    expect(rule.properties.EventPattern).toEqual({
      source: [EVENT_SOURCES.orders, EVENT_SOURCES.fulfilment],
      'detail-type': ['Order Submitted', 'Shipment Dispatched'],
    });
    expect(EVENT_SOURCES.orders).toBe('order-automation.orders');
    expect(EVENT_SOURCES.fulfilment).toBe('order-automation.fulfilment');
    // Each event only from its own source: the rule matches no other source.
    expect(EVENT_CATALOG['Order Submitted'].sources).toEqual([EVENT_SOURCES.orders]);
    expect(EVENT_CATALOG['Shipment Dispatched'].sources).toEqual([EVENT_SOURCES.fulfilment]);
    expect(rule.properties.Targets?.map((target) => describeArn(synth, rule.stack, target.Arn))).toEqual(['dev/Inventory/ShippingProgress/Buffer/Queue/Resource']);
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
