import type { SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { LOCAL_REGION } from '../contracts.ts';
import { md5OfMessageAttributes } from './md5.ts';
import type { ReceivedMessage } from './queue.ts';

/** The event Lambda's SQS poller hands a function: one record per received message. */
export function sqsEvent(queueArn: string, messages: readonly ReceivedMessage[]): SQSEvent {
  return { Records: messages.map((message) => sqsRecord(queueArn, message)) };
}

function sqsRecord(queueArn: string, message: ReceivedMessage): SQSRecord {
  const md5OfAttributes = md5OfMessageAttributes(message.messageAttributes);
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle,
    body: message.body,
    attributes: { ...message.attributes },
    messageAttributes: lambdaMessageAttributes(message),
    md5OfBody: message.md5OfBody,
    ...(md5OfAttributes === undefined ? {} : { md5OfMessageAttributes: md5OfAttributes }),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: LOCAL_REGION,
  };
}

// Lambda spells attributes in camelCase and always includes the (unused) list fields.
function lambdaMessageAttributes(message: ReceivedMessage): SQSMessageAttributes {
  return Object.fromEntries(
    Object.entries(message.messageAttributes).map(([name, value]) => [
      name,
      {
        ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
        ...(value.BinaryValue === undefined ? {} : { binaryValue: value.BinaryValue }),
        stringListValues: [],
        binaryListValues: [],
        dataType: value.DataType,
      },
    ]),
  );
}

/** Which records to keep in the queue, or why the response fails the whole batch. */
export type PartialBatchOutcome =
  | { readonly valid: true; readonly failedMessageIds: ReadonlySet<string> }
  | { readonly valid: false; readonly reason: string };

/**
 * Reads a `ReportBatchItemFailures` response as Lambda does: no response, an object without
 * `batchItemFailures`, or an empty list is full success; any malformed entry or an identifier
 * that is not in the batch fails the whole batch.
 */
export function partialBatchOutcome(payload: unknown, batchMessageIds: ReadonlySet<string>): PartialBatchOutcome {
  if (payload === undefined || payload === null) return { valid: true, failedMessageIds: new Set() };
  if (typeof payload !== 'object' || Array.isArray(payload)) {
    return { valid: false, reason: `the response is not an object: ${JSON.stringify(payload)}` };
  }
  const failures = (payload as { batchItemFailures?: unknown }).batchItemFailures;
  if (failures === undefined || failures === null) return { valid: true, failedMessageIds: new Set() };
  if (!Array.isArray(failures)) return { valid: false, reason: 'batchItemFailures is not a list' };
  const failedMessageIds = new Set<string>();
  for (const failure of failures) {
    const identifier: unknown = typeof failure === 'object' && failure !== null ? (failure as { itemIdentifier?: unknown }).itemIdentifier : undefined;
    if (typeof identifier !== 'string' || identifier.length === 0) {
      return { valid: false, reason: `invalid batch item failure ${JSON.stringify(failure)}` };
    }
    if (!batchMessageIds.has(identifier)) {
      return { valid: false, reason: `itemIdentifier ${identifier} is not a message of this batch` };
    }
    failedMessageIds.add(identifier);
  }
  return { valid: true, failedMessageIds };
}
