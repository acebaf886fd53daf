import {
  DescribeArchiveCommand,
  DescribeReplayCommand,
  EventBridgeClient,
  ListRulesCommand,
  PutEventsCommand,
  StartReplayCommand,
  type PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClock, LOCAL_ACCOUNT, LOCAL_REGION, type LocalLogger, type TargetDelivery } from '../../local/cloud/contracts.ts';
import { InvalidEventPatternError } from '../../local/cloud/eventbridge/pattern.ts';
import { EventBridgeService, type EventEnvelope } from '../../local/cloud/eventbridge/service.ts';
import { startJsonEndpoint, type JsonEndpoint } from './helpers/json-endpoint.ts';

const QUEUE = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:fulfilment`;
const OTHER_QUEUE = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:analytics`;
const DLQ = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:fulfilment-dlq`;
const BUS_ARN = `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:event-bus/orders`;

interface Delivered {
  readonly arn: string;
  readonly body: string;
  readonly attributes?: Record<string, string>;
}

/** Records what each ARN received; ARNs can be told to refuse a number of deliveries. */
class RecordingDelivery implements TargetDelivery {
  readonly delivered: Delivered[] = [];
  readonly attempts: string[] = [];
  private readonly refusals = new Map<string, number>();

  refuse(arn: string, times = Number.POSITIVE_INFINITY): void {
    this.refusals.set(arn, times);
  }

  async deliver(arn: string, body: string, attributes?: Record<string, string>): Promise<void> {
    this.attempts.push(arn);
    const remaining = this.refusals.get(arn) ?? 0;
    if (remaining > 0) {
      this.refusals.set(arn, remaining - 1);
      throw new Error(`queue ${arn} is unavailable`);
    }
    this.delivered.push({ arn, body, ...(attributes ? { attributes } : {}) });
  }

  eventsAt(arn: string): EventEnvelope[] {
    return this.delivered.filter((entry) => entry.arn === arn).map((entry) => JSON.parse(entry.body) as EventEnvelope);
  }
}

class RecordingLogger implements LocalLogger {
  readonly errors: string[] = [];
  info(): void {}
  warn(): void {}
  error(message: string): void {
    this.errors.push(message);
  }
}

function orderPlaced(detail: Record<string, unknown>, extra: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry {
  return { EventBusName: 'orders', Source: 'shop.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify(detail), ...extra };
}

let delivery: RecordingDelivery;
let logger: RecordingLogger;
let service: EventBridgeService;
let endpoint: JsonEndpoint;
let client: EventBridgeClient;

beforeEach(async () => {
  delivery = new RecordingDelivery();
  logger = new RecordingLogger();
  service = new EventBridgeService({ clock: createClock(1000), logger, delivery, retryBaseDelayMs: 10 });
  service.createBus({ name: 'orders' });
  endpoint = await startJsonEndpoint([service]);
  client = new EventBridgeClient({
    endpoint: endpoint.url,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterEach(async () => {
  client.destroy();
  service.stop();
  await endpoint.close();
});

describe('PutEvents', () => {
  it('answers per entry, so the caller knows which entries to resend', async () => {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          orderPlaced({ orderId: 'o-1' }),
          orderPlaced({}, { Detail: 'not json' }),
          orderPlaced({}, { DetailType: undefined }),
          orderPlaced({ orderId: 'o-2' }, { EventBusName: 'missing-bus' }),
          orderPlaced({ orderId: 'o-3' }, { EventBusName: BUS_ARN }),
        ],
      }),
    );

    expect(result.FailedEntryCount).toBe(3);
    expect(result.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.Entries?.[1]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    expect(result.Entries?.[2]).toMatchObject({ ErrorCode: 'InvalidArgument' });
    expect(result.Entries?.[2]?.ErrorMessage).toContain('DetailType');
    expect(result.Entries?.[3]).toMatchObject({ ErrorCode: 'ResourceNotFoundException' });
    expect(result.Entries?.[4]?.EventId).toBeDefined();
  });

  it('refuses more than 10 entries in one call', async () => {
    const entries = Array.from({ length: 11 }, (_, index) => orderPlaced({ orderId: `o-${index}` }));

    await expect(client.send(new PutEventsCommand({ Entries: entries }))).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('refuses a request over 256 KB', async () => {
    const huge = orderPlaced({ notes: 'x'.repeat(256 * 1024) });

    await expect(client.send(new PutEventsCommand({ Entries: [huge] }))).rejects.toMatchObject({ name: 'ValidationException' });
  });
});

describe('rules and targets', () => {
  it('delivers the full event to the targets of a matching rule only', async () => {
    service.addRule({
      name: 'big-orders',
      busName: 'orders',
      eventPattern: { source: ['shop.orders'], detail: { total: [{ numeric: ['>=', 100] }] } },
      targets: [{ id: 'fulfilment', arn: QUEUE }],
    });

    await client.send(new PutEventsCommand({ Entries: [orderPlaced({ orderId: 'small', total: 5 }), orderPlaced({ orderId: 'big', total: 500 })] }));
    await service.idle();

    const [event, ...others] = delivery.eventsAt(QUEUE);
    expect(others).toEqual([]);
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'OrderPlaced',
      source: 'shop.orders',
      account: LOCAL_ACCOUNT,
      region: LOCAL_REGION,
      resources: [],
      detail: { orderId: 'big', total: 500 },
    });
    expect(event?.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(event).not.toHaveProperty('replay-name');
  });

  it('answers PutEvents before the targets have run', async () => {
    let release: () => void = () => {};
    const slowDelivery: TargetDelivery = { deliver: () => new Promise<void>((resolve) => (release = resolve)) };
    const slowService = new EventBridgeService({ clock: createClock(1000), logger, delivery: slowDelivery });
    slowService.createBus({ name: 'orders' });
    slowService.addRule({ name: 'all', busName: 'orders', eventPattern: { source: ['shop.orders'] }, targets: [{ id: 'q', arn: QUEUE }] });

    await slowService.handle('PutEvents', { Entries: [orderPlaced({ orderId: 'o-1' })] });

    expect(slowService.pendingDeliveries()).toBe(1);
    release();
    await slowService.idle();
    expect(slowService.pendingDeliveries()).toBe(0);
  });

  it('sends a target its Input or the part its InputPath selects', async () => {
    service.addRule({
      name: 'shaped',
      busName: 'orders',
      eventPattern: { source: ['shop.orders'] },
      targets: [
        { id: 'constant', arn: QUEUE, input: '{"kind":"ping"}' },
        { id: 'detail-only', arn: OTHER_QUEUE, inputPath: '$.detail' },
      ],
    });

    await client.send(new PutEventsCommand({ Entries: [orderPlaced({ orderId: 'o-1' })] }));
    await service.idle();

    expect(delivery.delivered.find((entry) => entry.arn === QUEUE)?.body).toBe('{"kind":"ping"}');
    expect(JSON.parse(delivery.delivered.find((entry) => entry.arn === OTHER_QUEUE)?.body ?? 'null')).toEqual({ orderId: 'o-1' });
  });

  it('does not deliver for a disabled rule', async () => {
    service.addRule({ name: 'off', busName: 'orders', state: 'DISABLED', eventPattern: { source: ['shop.orders'] }, targets: [{ id: 'q', arn: QUEUE }] });

    await client.send(new PutEventsCommand({ Entries: [orderPlaced({ orderId: 'o-1' })] }));
    await service.idle();

    expect(delivery.delivered).toEqual([]);
  });

  it('refuses a rule with an invalid pattern, naming the field', () => {
    expect(() =>
      service.addRule({ name: 'bad', busName: 'orders', eventPattern: { detail: { total: [{ numeric: ['>', 'ten'] }] } }, targets: [] }),
    ).toThrow(InvalidEventPatternError);
    expect(() => service.addRule({ name: 'bad', busName: 'orders', eventPattern: '{"detail": {"total": 5}}', targets: [] })).toThrow(
      /detail\.total/,
    );
  });

  it('lists the rules of a bus', async () => {
    service.addRule({ name: 'big-orders', busName: 'orders', eventPattern: { source: ['shop.orders'] }, targets: [] });

    const { Rules } = await client.send(new ListRulesCommand({ EventBusName: 'orders' }));

    expect(Rules).toEqual([
      expect.objectContaining({ Name: 'big-orders', Arn: `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/orders/big-orders`, State: 'ENABLED' }),
    ]);
  });
});

describe('retries and dead letters', () => {
  it('retries a failing target and delivers once it recovers', async () => {
    delivery.refuse(QUEUE, 2);
    service.addRule({ name: 'all', busName: 'orders', eventPattern: { source: ['shop.orders'] }, targets: [{ id: 'q', arn: QUEUE, deadLetterArn: DLQ }] });

    await client.send(new PutEventsCommand({ Entries: [orderPlaced({ orderId: 'o-1' })] }));
    await service.idle();

    expect(delivery.attempts.filter((arn) => arn === QUEUE)).toHaveLength(3);
    expect(delivery.eventsAt(QUEUE)).toHaveLength(1);
    expect(delivery.eventsAt(DLQ)).toEqual([]);
  });

  it('dead-letters the original event with the error attributes once retries are exhausted', async () => {
    delivery.refuse(QUEUE);
    const { arn: ruleArn } = service.addRule({
      name: 'all',
      busName: 'orders',
      eventPattern: { source: ['shop.orders'] },
      targets: [{ id: 'q', arn: QUEUE, inputPath: '$.detail', retryPolicy: { maximumRetryAttempts: 2 }, deadLetterArn: DLQ }],
    });

    const put = await client.send(new PutEventsCommand({ Entries: [orderPlaced({ orderId: 'o-1' })] }));
    await service.idle();

    expect(delivery.attempts.filter((arn) => arn === QUEUE)).toHaveLength(3);
    const [deadLetter, ...more] = delivery.delivered.filter((entry) => entry.arn === DLQ);
    expect(more).toEqual([]);
    expect(JSON.parse(deadLetter!.body)).toMatchObject({ id: put.Entries?.[0]?.EventId, detail: { orderId: 'o-1' } });
    expect(deadLetter!.attributes).toMatchObject({
      ERROR_CODE: 'SDK_CLIENT_ERROR',
      ERROR_MESSAGE: `queue ${QUEUE} is unavailable`,
      EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      RETRY_ATTEMPTS: '2',
      RULE_ARN: ruleArn,
      TARGET_ARN: QUEUE,
    });
  });

  it('gives up when the next retry would exceed the maximum event age', async () => {
    delivery.refuse(QUEUE);
    const patient = new EventBridgeService({ clock: createClock(1000), logger, delivery, retryBaseDelayMs: 120_000 });
    patient.createBus({ name: 'orders' });
    patient.addRule({
      name: 'all',
      busName: 'orders',
      eventPattern: { source: ['shop.orders'] },
      targets: [{ id: 'q', arn: QUEUE, retryPolicy: { maximumEventAgeInSeconds: 60 }, deadLetterArn: DLQ }],
    });

    await patient.handle('PutEvents', { Entries: [orderPlaced({ orderId: 'o-1' })] });
    await patient.idle();

    expect(delivery.attempts.filter((arn) => arn === QUEUE)).toHaveLength(1);
    expect(delivery.delivered.find((entry) => entry.arn === DLQ)?.attributes).toMatchObject({
      EXHAUSTED_RETRY_CONDITION: 'MaximumEventAgeInSeconds',
    });
  });

  it('drops the event and logs it when the target has no dead-letter queue', async () => {
    delivery.refuse(QUEUE);
    service.addRule({
      name: 'all',
      busName: 'orders',
      eventPattern: { source: ['shop.orders'] },
      targets: [{ id: 'q', arn: QUEUE, retryPolicy: { maximumRetryAttempts: 0 } }],
    });

    await client.send(new PutEventsCommand({ Entries: [orderPlaced({ orderId: 'o-1' })] }));
    await service.idle();

    expect(delivery.delivered).toEqual([]);
    expect(logger.errors).toEqual([expect.stringContaining('dropped')]);
  });

  it('stop() abandons pending retries', async () => {
    delivery.refuse(QUEUE);
    const slow = new EventBridgeService({ clock: createClock(1), logger, delivery, retryBaseDelayMs: 60_000 });
    slow.createBus({ name: 'orders' });
    slow.addRule({ name: 'all', busName: 'orders', eventPattern: { source: ['shop.orders'] }, targets: [{ id: 'q', arn: QUEUE, deadLetterArn: DLQ }] });
    await slow.handle('PutEvents', { Entries: [orderPlaced({ orderId: 'o-1' })] });

    slow.stop();
    await slow.idle();

    expect(slow.pendingDeliveries()).toBe(0);
    expect(delivery.delivered).toEqual([]);
  });
});

describe('archive and replay', () => {
  const JAN_1 = new Date('2024-01-01T00:00:00Z');
  const JAN_2 = new Date('2024-01-02T00:00:00Z');

  let archiveArn: string;
  let fulfilmentRuleArn: string;

  beforeEach(() => {
    archiveArn = service.createArchive({ name: 'orders-archive', sourceBusArn: BUS_ARN, eventPattern: { source: ['shop.orders'] } }).arn;
    fulfilmentRuleArn = service.addRule({
      name: 'fulfilment',
      busName: 'orders',
      eventPattern: { source: ['shop.orders'] },
      targets: [{ id: 'q', arn: QUEUE }],
    }).arn;
    service.addRule({ name: 'analytics', busName: 'orders', eventPattern: { source: ['shop.orders'] }, targets: [{ id: 'a', arn: OTHER_QUEUE }] });
  });

  async function putHistory(): Promise<string[]> {
    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          orderPlaced({ orderId: 'o-1' }, { Time: JAN_1 }),
          orderPlaced({ orderId: 'o-2' }, { Time: JAN_2 }),
          orderPlaced({ note: 'not archived' }, { Source: 'shop.other' }),
        ],
      }),
    );
    await service.idle();
    delivery.delivered.length = 0;
    return (result.Entries ?? []).map((entry) => entry.EventId ?? '');
  }

  async function replay(name: string, filterArns?: string[]): Promise<void> {
    const started = await client.send(
      new StartReplayCommand({
        ReplayName: name,
        EventSourceArn: archiveArn,
        EventStartTime: JAN_1,
        EventEndTime: JAN_2,
        Destination: { Arn: BUS_ARN, ...(filterArns ? { FilterArns: filterArns } : {}) },
      }),
    );
    expect(started).toMatchObject({ ReplayArn: expect.stringContaining(`:replay/${name}`), State: 'STARTING' });
    await service.idle();
  }

  it('records the matching events put on its bus', async () => {
    const [firstId, secondId] = await putHistory();

    expect(service.archivedEvents('orders-archive').map((event) => event.id)).toEqual([firstId, secondId]);
    const described = await client.send(new DescribeArchiveCommand({ ArchiveName: 'orders-archive' }));
    expect(described).toMatchObject({ ArchiveArn: archiveArn, EventCount: 2, State: 'ENABLED', EventSourceArn: BUS_ARN });
  });

  it('replays the events of the time window with replay-name, keeping id and time, without re-archiving them', async () => {
    const [firstId] = await putHistory();

    await replay('redo-jan-1');

    const replayed = delivery.eventsAt(QUEUE);
    expect(replayed).toEqual([
      expect.objectContaining({ id: firstId, time: '2024-01-01T00:00:00Z', 'replay-name': 'redo-jan-1', detail: { orderId: 'o-1' } }),
    ]);
    expect(delivery.eventsAt(OTHER_QUEUE)).toHaveLength(1);
    expect(service.archivedEvents('orders-archive')).toHaveLength(2);
    const described = await client.send(new DescribeReplayCommand({ ReplayName: 'redo-jan-1' }));
    expect(described).toMatchObject({ State: 'COMPLETED', EventSourceArn: archiveArn, Destination: { Arn: BUS_ARN } });
    expect(described.EventLastReplayedTime).toEqual(JAN_1);
  });

  it('replays only to the rules named in FilterArns', async () => {
    await putHistory();

    await replay('fulfilment-only', [fulfilmentRuleArn]);

    expect(delivery.eventsAt(QUEUE)).toHaveLength(1);
    expect(delivery.eventsAt(OTHER_QUEUE)).toEqual([]);
  });

  it('refuses a replay from an unknown archive, to another bus, or under a name already used', async () => {
    service.createBus({ name: 'elsewhere' });
    const request = { ReplayName: 'r', EventSourceArn: archiveArn, EventStartTime: JAN_1, EventEndTime: JAN_2, Destination: { Arn: BUS_ARN } };

    await expect(client.send(new StartReplayCommand({ ...request, EventSourceArn: `${archiveArn}-nope` }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    await expect(
      client.send(new StartReplayCommand({ ...request, Destination: { Arn: BUS_ARN.replace('orders', 'elsewhere') } })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(client.send(new StartReplayCommand({ ...request, EventStartTime: JAN_2, EventEndTime: JAN_1 }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await client.send(new StartReplayCommand(request));
    await expect(client.send(new StartReplayCommand(request))).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
    await service.idle();
  });
});
