import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { createClock, silentLogger, type InvokeResult, type LambdaInvoker } from '../../local/cloud/contracts.ts';
import { md5OfBody } from '../../local/cloud/sqs/md5.ts';
import { SqsEventSourceMapping, type SqsEventSourceMappingOptions } from '../../local/cloud/sqs/event-source-mapping.ts';
import { SqsService } from '../../local/cloud/sqs/service.ts';

const FUNCTION_ARN = 'arn:aws:lambda:ap-south-1:000000000000:function:process-orders';
// A 20 s visibility timeout passes in 100 ms: retries stay quick, yet no fake invocation is slow
// enough for its messages to reappear while it runs.
const clock = createClock(200);

/** A function that records every event and answers with `respond`. */
function fakeFunction(respond: (event: SQSEvent, call: number) => InvokeResult | Promise<InvokeResult>) {
  const events: SQSEvent[] = [];
  const invoker: LambdaInvoker = {
    invoke: async (functionArn, event) => {
      expect(functionArn).toBe(FUNCTION_ARN);
      events.push(event as SQSEvent);
      return respond(event as SQSEvent, events.length);
    },
  };
  const deliveries = (body: string): number =>
    events.flatMap((event) => event.Records).filter((record) => record.body === body).length;
  return { invoker, events, deliveries };
}

const succeed = (payload: unknown = null): InvokeResult => ({ ok: true, payload });
const crash: InvokeResult = { ok: false, errorType: 'Error', errorMessage: 'boom' };

describe('sqs event source mapping', () => {
  const mappings: SqsEventSourceMapping[] = [];

  afterEach(async () => {
    await Promise.all(mappings.splice(0).map((mapping) => mapping.stop()));
  });

  function setUp(options: { maxReceiveCount?: number } = {}) {
    const service = new SqsService({ clock, logger: silentLogger, endpointUrl: 'http://127.0.0.1:4566' });
    const dlq = service.createQueue({ name: 'orders-dlq' });
    const source = service.createQueue({
      name: 'orders',
      visibilityTimeoutSeconds: 20,
      redrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: options.maxReceiveCount ?? 2 },
    });
    const queue = service.queueByArn(source.arn)!;
    const start = (overrides: Partial<SqsEventSourceMappingOptions> & Pick<SqsEventSourceMappingOptions, 'invoker'>) => {
      const mapping = new SqsEventSourceMapping({
        queue,
        functionArn: FUNCTION_ARN,
        reportBatchItemFailures: false,
        clock,
        logger: silentLogger,
        ...overrides,
      });
      mappings.push(mapping);
      mapping.start();
      return mapping;
    };
    const dlqBodies = () => service.messages(dlq.arn).map((message) => message.body).sort();
    return { service, source, dlq, start, dlqBodies };
  }

  it('hands the function the SQS event Lambda sends, and deletes what it handled', async () => {
    // Prepare
    const { service, source, start, dlqBodies } = setUp();
    const sent = await service.sendMessage(source.arn, '{"orderId":"A-1"}', { brand: 'acme' });
    const fn = fakeFunction(() => succeed());

    // Act
    const mapping = start({ invoker: fn.invoker });
    await mapping.idle();

    // Assess
    expect(fn.events).toHaveLength(1);
    const record = fn.events[0]?.Records[0];
    expect(record).toEqual({
      messageId: sent.messageId,
      receiptHandle: expect.any(String),
      body: '{"orderId":"A-1"}',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d+$/),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
      },
      messageAttributes: { brand: { stringValue: 'acme', stringListValues: [], binaryListValues: [], dataType: 'String' } },
      md5OfBody: md5OfBody('{"orderId":"A-1"}'),
      md5OfMessageAttributes: sent.md5OfMessageAttributes,
      eventSource: 'aws:sqs',
      eventSourceARN: source.arn,
      awsRegion: 'ap-south-1',
    });
    expect(service.approximateCounts(source.arn)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    expect(dlqBodies()).toEqual([]);
  });

  it('batches up to batchSize records per invocation and delivers each message once', async () => {
    // Prepare
    const { service, source, start } = setUp();
    const bodies = Array.from({ length: 25 }, (_, index) => `order-${index}`);
    for (const body of bodies) await service.sendMessage(source.url, body);
    const fn = fakeFunction(() => succeed());

    // Act
    await start({ invoker: fn.invoker, batchSize: 10 }).idle();

    // Assess
    expect(Math.max(...fn.events.map((event) => event.Records.length))).toBeLessThanOrEqual(10);
    expect(fn.events.flatMap((event) => event.Records.map((record) => record.body)).sort()).toEqual([...bodies].sort());
  });

  it('gathers more than ten records into one batch within the batching window', async () => {
    // Prepare
    const { service, source, start } = setUp();
    for (let index = 0; index < 15; index += 1) await service.sendMessage(source.url, `order-${index}`);
    const fn = fakeFunction(() => succeed());

    // Act
    await start({ invoker: fn.invoker, batchSize: 20, maximumBatchingWindowSeconds: 1 }).idle();

    // Assess
    expect(fn.events.map((event) => event.Records.length)).toEqual([15]);
  });

  it('returns only the reported item failures to the queue, and they end in the dead-letter queue', async () => {
    // Prepare
    const { service, source, start, dlqBodies } = setUp({ maxReceiveCount: 2 });
    for (const body of ['ok-1', 'fail-1', 'ok-2', 'fail-2', 'ok-3']) await service.sendMessage(source.url, body);
    const fn = fakeFunction((event) => {
      const response: SQSBatchResponse = {
        batchItemFailures: event.Records.filter((record) => record.body.startsWith('fail')).map((record) => ({
          itemIdentifier: record.messageId,
        })),
      };
      return succeed(response);
    });

    // Act
    await start({ invoker: fn.invoker, reportBatchItemFailures: true }).idle();

    // Assess
    expect(dlqBodies()).toEqual(['fail-1', 'fail-2']);
    expect(['ok-1', 'ok-2', 'ok-3'].map(fn.deliveries)).toEqual([1, 1, 1]);
    expect(['fail-1', 'fail-2'].map(fn.deliveries)).toEqual([2, 2]);
  });

  it('retries the whole batch when the function fails', async () => {
    // Prepare
    const { service, source, start, dlqBodies } = setUp({ maxReceiveCount: 3 });
    for (const body of ['a', 'b', 'c']) await service.sendMessage(source.url, body);
    const fn = fakeFunction((_event, call) => (call === 1 ? crash : succeed()));

    // Act
    await start({ invoker: fn.invoker, reportBatchItemFailures: true }).idle();

    // Assess
    expect(fn.events.map((event) => event.Records.length)).toEqual([3, 3]);
    expect(fn.events[1]?.Records.map((record) => record.attributes.ApproximateReceiveCount)).toEqual(['2', '2', '2']);
    expect(dlqBodies()).toEqual([]);
  });

  it('sends messages to the dead-letter queue when the function keeps failing', async () => {
    // Prepare
    const { service, source, start, dlqBodies } = setUp({ maxReceiveCount: 2 });
    await service.sendMessage(source.url, 'poison');
    const fn = fakeFunction(() => crash);

    // Act
    await start({ invoker: fn.invoker }).idle();

    // Assess
    expect(fn.deliveries('poison')).toBe(2);
    expect(dlqBodies()).toEqual(['poison']);
  });

  it('retries the whole batch when a reported failure names a message that is not in it', async () => {
    // Prepare
    const { service, source, start, dlqBodies } = setUp({ maxReceiveCount: 3 });
    for (const body of ['a', 'b']) await service.sendMessage(source.url, body);
    const fn = fakeFunction((_event, call) => succeed(call === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] } : {}));

    // Act
    await start({ invoker: fn.invoker, reportBatchItemFailures: true }).idle();

    // Assess
    expect(['a', 'b'].map(fn.deliveries)).toEqual([2, 2]);
    expect(dlqBodies()).toEqual([]);
  });

  it('ignores the response and deletes the whole batch when item failures are not reported', async () => {
    // Prepare
    const { service, source, start } = setUp();
    await service.sendMessage(source.url, 'a');
    const fn = fakeFunction((event) => succeed({ batchItemFailures: [{ itemIdentifier: event.Records[0]?.messageId }] }));

    // Act
    await start({ invoker: fn.invoker, reportBatchItemFailures: false }).idle();

    // Assess
    expect(fn.deliveries('a')).toBe(1);
    expect(service.approximateCounts(source.arn)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('never runs more invocations at once than maximumConcurrency', async () => {
    // Prepare
    const { service, source, start } = setUp();
    for (let index = 0; index < 20; index += 1) await service.sendMessage(source.url, `order-${index}`);
    let running = 0;
    let mostAtOnce = 0;
    const fn = fakeFunction(async () => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return succeed();
    });

    // Act
    await start({ invoker: fn.invoker, batchSize: 1, maximumConcurrency: 3 }).idle();

    // Assess
    expect(fn.events).toHaveLength(20);
    expect(mostAtOnce).toBe(3);
  });

  it('stops polling, waiting for the batch in flight to finish', async () => {
    // Prepare
    const { service, source, start } = setUp();
    await service.sendMessage(source.url, 'first');
    let release!: () => void;
    let signalInvoked!: () => void;
    const invoked = new Promise<void>((resolve) => {
      signalInvoked = resolve;
    });
    const fn = fakeFunction(() => {
      signalInvoked();
      return new Promise<InvokeResult>((resolve) => {
        release = () => resolve(succeed());
      });
    });
    const mapping = start({ invoker: fn.invoker });
    await invoked;

    // Act
    let stopped = false;
    const stopping = mapping.stop().then(() => {
      stopped = true;
    });
    await Promise.resolve();
    const stoppedBeforeRelease = stopped;
    release();
    await stopping;
    await service.sendMessage(source.url, 'after stop');

    // Assess
    expect(stoppedBeforeRelease).toBe(false);
    expect(service.messages(source.arn).map((message) => [message.body, message.state])).toEqual([['after stop', 'visible']]);
    expect(fn.events).toHaveLength(1);
  });

  it('refuses settings AWS refuses', () => {
    // Prepare
    const { service, source } = setUp();
    const base = { queue: service.queueByArn(source.arn)!, functionArn: FUNCTION_ARN, invoker: fakeFunction(() => succeed()).invoker };
    const common = { ...base, reportBatchItemFailures: false, clock, logger: silentLogger };

    // Act + Assess
    expect(() => new SqsEventSourceMapping({ ...common, maximumConcurrency: 1 })).toThrow(/maximumConcurrency/);
    expect(() => new SqsEventSourceMapping({ ...common, batchSize: 11 })).toThrow(/maximumBatchingWindowSeconds/);
  });
});
