import {
  BatchEntryIdsNotDistinct,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  MessageNotInflight,
  PurgeQueueCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  TooManyEntriesInBatchRequest,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../local/cloud/contracts.ts';
import type { SqsService } from '../../local/cloud/sqs/service.ts';
import { startSqsEndpoint, type SqsEndpoint } from './helpers/sqs-endpoint.ts';

/**
 * Time that moves only when the test says so, so visibility and retention are exact. `advance`
 * runs the timers it passes at once, before it returns; its promise is already settled.
 */
function manualClock(): Clock {
  let now = Date.UTC(2026, 0, 1);
  const timers = new Set<{ at: number; fn: () => void }>();
  const setTimer = (fn: () => void, ms: number): (() => void) => {
    const timer = { at: now + ms, fn };
    timers.add(timer);
    return () => timers.delete(timer);
  };
  return {
    now: () => now,
    sleep: (ms) => new Promise((resolve) => setTimer(resolve, ms)),
    setTimer,
    advance(ms) {
      now += ms;
      for (const timer of [...timers]) {
        if (timer.at > now) continue;
        timers.delete(timer);
        timer.fn();
      }
      return Promise.resolve();
    },
  };
}

/** The error a request failed with, captured at once so no rejection is left unhandled. */
async function failureOf(request: Promise<unknown>): Promise<unknown> {
  return request.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('sqs protocol, driven by the AWS SDK v3 client', () => {
  let clock: ReturnType<typeof manualClock>;
  let endpoint: SqsEndpoint;
  let sqs: SQSClient;
  let service: SqsService;

  beforeEach(async () => {
    clock = manualClock();
    endpoint = await startSqsEndpoint({ clock });
    ({ client: sqs, service } = endpoint);
  });

  afterEach(async () => {
    await endpoint.close();
  });

  it('sends, receives and deletes a message, with checksums the SDK accepts', async () => {
    // Prepare
    const { url, arn } = service.createQueue({ name: 'orders' });

    // Act
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: '{"orderId":"A-1","note":"naïve ✓"}',
        MessageAttributes: { SellerName: { DataType: 'String', StringValue: 'Example Store' } },
      }),
    );
    const received = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }),
    );
    const message = received.Messages?.[0];
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message?.ReceiptHandle }));

    // Assess
    expect(sent.MD5OfMessageAttributes).toBe('cd28f3b68aeee4b2eac9c66f2f694b58');
    expect(message).toMatchObject({
      MessageId: sent.MessageId,
      Body: '{"orderId":"A-1","note":"naïve ✓"}',
      MD5OfBody: sent.MD5OfMessageBody,
      MD5OfMessageAttributes: 'cd28f3b68aeee4b2eac9c66f2f694b58',
      MessageAttributes: { SellerName: { DataType: 'String', StringValue: 'Example Store' } },
      Attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(clock.now()) },
    });
    expect(service.approximateCounts(arn)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('returns only the message attributes asked for', async () => {
    // Prepare
    const { url } = service.createQueue({ name: 'orders' });
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: url,
        MessageBody: 'x',
        MessageAttributes: {
          'trace.id': { DataType: 'String', StringValue: 't-1' },
          'trace.span': { DataType: 'Number', StringValue: '7' },
          brand: { DataType: 'Binary', BinaryValue: Uint8Array.of(1, 2, 3) },
        },
      }),
    );

    // Act
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageAttributeNames: ['trace.*'] }));

    // Assess
    expect(Object.keys(received.Messages?.[0]?.MessageAttributes ?? {}).sort()).toEqual(['trace.id', 'trace.span']);
    expect(received.Messages?.[0]?.Attributes).toBeUndefined();
  });

  it('makes an undeleted message visible again after the visibility timeout', async () => {
    // Prepare
    const { url } = service.createQueue({ name: 'orders', visibilityTimeoutSeconds: 30 });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'hello' }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['All'] }));
    const firstReceivedAt = clock.now();

    // Act
    const whileInvisible = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    clock.advance(30_000);
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['All'] }));

    // Assess
    expect(whileInvisible.Messages).toBeUndefined();
    expect(again.Messages?.[0]).toMatchObject({
      MessageId: first.Messages?.[0]?.MessageId,
      Attributes: { ApproximateReceiveCount: '2', ApproximateFirstReceiveTimestamp: String(firstReceivedAt) },
    });
    expect(again.Messages?.[0]?.ReceiptHandle).not.toBe(first.Messages?.[0]?.ReceiptHandle);
  });

  it('deletes only with the latest receipt handle; an older one succeeds without deleting', async () => {
    // Prepare
    const { url, arn } = service.createQueue({ name: 'orders' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'hello' }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    clock.advance(30_000);
    const second = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));

    // Act
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.Messages?.[0]?.ReceiptHandle }));
    const afterStaleDelete = service.approximateCounts(arn);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: second.Messages?.[0]?.ReceiptHandle }));

    // Assess
    expect(afterStaleDelete).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
    expect(service.approximateCounts(arn)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('changes the visibility of a message in flight, and refuses it for a visible one', async () => {
    // Prepare
    const { url } = service.createQueue({ name: 'orders' });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'hello' }));
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    const handle = received.Messages?.[0]?.ReceiptHandle;

    // Act
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: handle, VisibilityTimeout: 0 }));
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, VisibilityTimeout: 0 }));
    const refused = await failureOf(
      sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: again.Messages?.[0]?.ReceiptHandle, VisibilityTimeout: 10 })),
    );

    // Assess
    expect(again.Messages).toHaveLength(1);
    expect(refused).toBeInstanceOf(MessageNotInflight);
  });

  it('moves a message to the dead-letter queue when a receive would exceed maxReceiveCount', async () => {
    // Prepare
    const dlq = service.createQueue({ name: 'orders-dlq' });
    const source = service.createQueue({ name: 'orders', redrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 } });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: source.url, MessageBody: 'poison' }));

    // Act
    const receives = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      receives.push(await sqs.send(new ReceiveMessageCommand({ QueueUrl: source.url, VisibilityTimeout: 0 })));
    }
    const fromDlq = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.url, MessageSystemAttributeNames: ['All'] }));

    // Assess
    expect(receives.map((receive) => receive.Messages?.length ?? 0)).toEqual([1, 1, 0]);
    expect(fromDlq.Messages?.[0]).toMatchObject({
      MessageId: sent.MessageId,
      Body: 'poison',
      Attributes: { ApproximateReceiveCount: '1', DeadLetterQueueSourceArn: source.arn },
    });
    expect(service.approximateCounts(source.arn)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
  });

  it('answers SendMessageBatch per entry and refuses oversized or ambiguous batches', async () => {
    // Prepare
    const { url, arn } = service.createQueue({ name: 'orders' });
    const entries = Array.from({ length: 11 }, (_, index) => ({ Id: `m${index}`, MessageBody: `body ${index}` }));

    // Act
    const mixed = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: url,
        Entries: [
          { Id: 'good', MessageBody: 'fine', MessageAttributes: { kind: { DataType: 'String', StringValue: 'k' } } },
          { Id: 'bad', MessageBody: 'control \u0000 character' },
        ],
      }),
    );
    const tooMany = await failureOf(sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries })));
    const duplicate = await failureOf(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'a', MessageBody: '1' }, { Id: 'a', MessageBody: '2' }] })),
    );

    // Assess
    expect(mixed.Successful?.map((entry) => entry.Id)).toEqual(['good']);
    expect(mixed.Successful?.[0]?.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    expect(mixed.Failed).toEqual([expect.objectContaining({ Id: 'bad', SenderFault: true, Code: 'InvalidMessageContents' })]);
    expect(tooMany).toBeInstanceOf(TooManyEntriesInBatchRequest);
    expect(duplicate).toBeInstanceOf(BatchEntryIdsNotDistinct);
    expect(service.messages(arn).map((message) => message.body)).toEqual(['fine']);
  });

  it('receives at most ten messages at once and deletes them in a batch', async () => {
    // Prepare
    const { url, arn } = service.createQueue({ name: 'orders' });
    for (let index = 0; index < 12; index += 1) await service.sendMessage(url, `order ${index}`);

    // Act
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    const overLimit = await failureOf(sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 11 })));
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: url,
        Entries: (received.Messages ?? []).map((message, index) => ({ Id: `d${index}`, ReceiptHandle: message.ReceiptHandle })),
      }),
    );

    // Assess
    expect(received.Messages).toHaveLength(10);
    expect(overLimit).toMatchObject({ name: 'InvalidParameterValue' });
    expect(deleted.Successful).toHaveLength(10);
    expect(service.approximateCounts(arn)).toEqual({ visible: 2, inFlight: 0, delayed: 0 });
  });

  it('reports a malformed receipt handle per entry in DeleteMessageBatch', async () => {
    // Prepare
    const { url } = service.createQueue({ name: 'orders' });

    // Act
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: url, Entries: [{ Id: 'garbage', ReceiptHandle: 'not-a-receipt-handle' }] }),
    );

    // Assess
    expect(deleted.Failed).toEqual([expect.objectContaining({ Id: 'garbage', Code: 'ReceiptHandleIsInvalid' })]);
  });

  it('reports visible, in-flight and delayed counts, the redrive policy, and purges', async () => {
    // Prepare
    const dlq = service.createQueue({ name: 'orders-dlq' });
    const { url } = service.createQueue({ name: 'orders', redrivePolicy: { deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 } });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later', DelaySeconds: 60 }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'now' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'taken' }));
    await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));

    // Act
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'orders' }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
    const afterPurge = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesDelayed'] }),
    );

    // Assess
    expect(Attributes).toMatchObject({
      ApproximateNumberOfMessages: '1',
      ApproximateNumberOfMessagesNotVisible: '1',
      ApproximateNumberOfMessagesDelayed: '1',
      VisibilityTimeout: '30',
      QueueArn: 'arn:aws:sqs:ap-south-1:000000000000:orders',
    });
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toEqual({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 5 });
    expect(QueueUrl).toBe(url);
    expect(afterPurge.Attributes).toEqual({ ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesDelayed: '0' });
  });

  it('delivers a delayed message only after its delay', async () => {
    // Prepare
    const { url } = service.createQueue({ name: 'orders', delaySeconds: 10 });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'later' }));

    // Act
    const early = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));
    clock.advance(10_000);
    const onTime = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));

    // Assess
    expect(early.Messages).toBeUndefined();
    expect(onTime.Messages?.[0]?.Body).toBe('later');
  });

  it('drops messages older than the retention period', async () => {
    // Prepare
    const { url, arn } = service.createQueue({ name: 'orders', messageRetentionSeconds: 60 });
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'stale' }));

    // Act
    clock.advance(60_000);
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url }));

    // Assess
    expect(received.Messages).toBeUndefined();
    expect(service.messages(arn)).toEqual([]);
  });

  it('long polls: a receive waiting for messages gets one sent during the wait', async () => {
    // Prepare
    const { url } = service.createQueue({ name: 'orders' });

    // Act
    const waiting = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    await service.sendMessage(url, 'arrived while waiting');

    // Assess: the manual clock never reaches the wait's end, so only the arrival can answer it
    expect((await waiting).Messages?.[0]?.Body).toBe('arrived while waiting');
  });

  it('long polls: an empty receive ends when the wait time has passed', async () => {
    // Prepare
    const { url } = service.createQueue({ name: 'orders' });
    let settled = false;

    // Act
    const waiting = sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 20 })).finally(() => {
      settled = true;
    });
    // The request reaches the server at an unknown moment, so keep moving time until it answers.
    while (!settled) {
      clock.advance(20_000);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    // Assess
    expect((await waiting).Messages).toBeUndefined();
  });

  it('answers an unknown queue with the SDK QueueDoesNotExist exception', async () => {
    // Prepare
    const missingUrl = `${endpoint.url}/000000000000/missing`;

    // Act
    const sending = await failureOf(sqs.send(new SendMessageCommand({ QueueUrl: missingUrl, MessageBody: 'x' })));
    const lookingUp = await failureOf(sqs.send(new GetQueueUrlCommand({ QueueName: 'missing' })));
    const inProcess = await failureOf(service.sendMessage('arn:aws:sqs:ap-south-1:000000000000:missing', 'x'));

    // Assess
    expect(sending).toBeInstanceOf(QueueDoesNotExist);
    expect(lookingUp).toBeInstanceOf(QueueDoesNotExist);
    expect(inProcess).toMatchObject({ name: 'QueueDoesNotExist' });
  });
});
