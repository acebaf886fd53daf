import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ordersTableName } from '../lib/constructs/data-table.ts';
import { LOCAL_REGION } from './cloud/contracts.ts';
import type { OrderOutcome } from './demo.ts';
import type { LocalSystem } from './local-system.ts';
import type { JourneyName } from './simulators/carrier/journeys.ts';
import type { SimulatedShipment } from './simulators/fulfilment-wms/shipbob-orders.ts';

/**
 * The demo's mix of journeys, by shipment: most parcels arrive on time, some need a second
 * attempt, some run days late, and one in ten comes back undelivered (RTO) — about what Indian
 * COD-heavy catalogues see. Chosen by the ShipBob order id, so a run is repeatable.
 */
export function demoJourneyFor(shipment: SimulatedShipment): JourneyName {
  const n = Number(shipment.id) % 10;
  if (n === 3) return 'returnToOrigin';
  if (n === 5 || n === 8) return 'late';
  if (n === 6) return 'failedAttemptThenDelivered';
  return 'onTime';
}

const DAYS_TO_PLAY = 9;
const STEP_MS = 3_600_000;

/**
 * Lets the submitted demo orders travel: fast-forwards the local clock `DAYS_TO_PLAY` days in
 * one-hour steps (warehouse dispatches, carrier scans, SLA timers), then reports where each
 * order ended and one order's journey as its timeline shows it. Returns the lines to print.
 */
export async function showShipping(system: LocalSystem, outcomes: readonly OrderOutcome[]): Promise<string[]> {
  const submitted = outcomes.filter((outcome) => outcome.status === 'SUBMITTED');
  if (submitted.length === 0) return ['  (no live orders were submitted)'];
  const started = Date.now();
  // The dev archive keeps a few days of events, so they are collected a day at a time as time passes.
  const seen = new Map<string, ReturnType<typeof system.cloud.eventBridge.archivedEvents>[number]>();
  for (let day = 0; day < DAYS_TO_PLAY; day++) {
    await system.fastForward(86_400_000, { step: STEP_MS });
    for (const event of system.cloud.eventBridge.archivedEvents('order-automation-dev')) seen.set(event.id, event);
  }
  const seconds = (Date.now() - started) / 1000;

  const client = new DynamoDBClient({ endpoint: system.cloud.dynamoDbEndpoint, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const finals = new Map<string, number>();
  try {
    for (const outcome of submitted) {
      const { Item } = await client.send(new GetItemCommand({ TableName: ordersTableName('dev'), Key: { pk: { S: `ORDER#${outcome.brand}#${outcome.orderId}` }, sk: { S: 'ORDER' } }, ConsistentRead: true }));
      const status = Item?.status?.S ?? 'UNKNOWN';
      finals.set(status, (finals.get(status) ?? 0) + 1);
    }
  } finally {
    client.destroy();
  }
  const archived = [...seen.values()];
  const ofType = (detailType: string) => archived.filter((event) => event['detail-type'] === detailType);
  const lines = [
    `${DAYS_TO_PLAY} days of local time in ${seconds.toFixed(1)} s: ${[...finals].map(([status, count]) => `${count} ${status}`).join(', ')} (of ${submitted.length} live orders)`,
    `events: ${ofType('Shipment Dispatched').length} dispatched, ${ofType('Shipment Out For Delivery').length} out for delivery, ${ofType('Delivery Attempt Failed').length} failed attempts, ${ofType('Shipment Delayed').length} delayed (promise missed), ${ofType('Order Delivered').length} delivered, ${ofType('Order Returned').length} returned to origin`,
  ];
  const sample = system.couriers.journeys().find((journey) => journey.state === 'delivered' && journey.journey !== 'onTime') ?? system.couriers.journeys().find((journey) => journey.state === 'delivered');
  if (sample) {
    const detailOf = (event: (typeof archived)[number]) => event.detail as { shipmentId?: string; occurredAt: string; awb?: string };
    const journeyEvents = archived.filter((event) => detailOf(event).shipmentId === sample.shipmentId).sort((a, b) => detailOf(a).occurredAt.localeCompare(detailOf(b).occurredAt));
    lines.push(`shipment ${sample.shipmentId} (${sample.carrier} ${sample.trackingNumber}, ${sample.journey}):`);
    for (const event of journeyEvents) lines.push(`    ${detailOf(event).occurredAt.slice(0, 16).replace('T', ' ')}  ${event['detail-type']}`);
  }
  return lines;
}
