import { LOCAL_ACCOUNT } from '../contracts.ts';
import { applyToEntries, validateBatchEntries } from './batch.ts';
import { sqsError } from './errors.ts';
import { isRecord, optionalInteger, optionalObject, optionalStringList, requiredList, requiredString } from './input.ts';
import { md5OfMessageAttributes } from './md5.ts';
import { attributeNameSelected, MAX_MESSAGE_BYTES, messageSize, type MessageAttributes, type MessageAttributeValue } from './message.ts';
import type { ReceivedMessage, SentMessage, SqsQueue } from './queue.ts';

/** How the protocol finds queues; the service owns the registry. */
export interface QueueDirectory {
  /** Throws `QueueDoesNotExist` when no queue has that URL. */
  byUrl(queueUrl: string): SqsQueue;
  byName(name: string): SqsQueue | undefined;
  all(): readonly SqsQueue[];
}

type Input = Record<string, unknown>;
type Operation = (input: Input) => Promise<unknown> | unknown;

const DELAY_RANGE = { min: 0, max: 900 };
const VISIBILITY_RANGE = { min: 0, max: 43_200 };
const SYSTEM_ATTRIBUTE_NAMES = [
  'ApproximateReceiveCount',
  'SentTimestamp',
  'SenderId',
  'ApproximateFirstReceiveTimestamp',
  'DeadLetterQueueSourceArn',
] as const;

/** The SQS operations of the AWS JSON 1.0 protocol, keyed by the `X-Amz-Target` operation name. */
export function sqsOperations(queues: QueueDirectory): Readonly<Record<string, Operation>> {
  const send = (queue: SqsQueue, input: Input): Record<string, unknown> => {
    const sent = queue.send(
      requiredString(input, 'MessageBody'),
      parseMessageAttributes(input),
      optionalInteger(input, 'DelaySeconds', DELAY_RANGE),
    );
    return sendResult(sent);
  };

  return {
    GetQueueUrl: (input) => {
      const name = requiredString(input, 'QueueName');
      const queue = queues.byName(name);
      if (queue === undefined) throw sqsError('QueueDoesNotExist', `The specified queue does not exist: ${name}`);
      return { QueueUrl: queue.settings.url };
    },

    ListQueues: (input) => {
      const prefix = typeof input.QueueNamePrefix === 'string' ? input.QueueNamePrefix : '';
      return { QueueUrls: queues.all().filter((queue) => queue.name.startsWith(prefix)).map((queue) => queue.settings.url) };
    },

    GetQueueAttributes: (input) => {
      const queue = queues.byUrl(requiredString(input, 'QueueUrl'));
      return { Attributes: queueAttributes(queue, optionalStringList(input, 'AttributeNames')) };
    },

    PurgeQueue: (input) => {
      queues.byUrl(requiredString(input, 'QueueUrl')).purge();
      return {};
    },

    SendMessage: (input) => send(queues.byUrl(requiredString(input, 'QueueUrl')), input),

    SendMessageBatch: (input) => {
      const queue = queues.byUrl(requiredString(input, 'QueueUrl'));
      const entries = requiredList(input, 'Entries');
      const ids = validateBatchEntries(entries);
      const total = entries.reduce((sum, entry) => sum + entrySize(entry), 0);
      if (total > MAX_MESSAGE_BYTES) {
        throw sqsError('BatchRequestTooLong', `Batch requests cannot be longer than ${MAX_MESSAGE_BYTES} bytes, received ${total}.`);
      }
      return applyToEntries(entries, ids, (entry, Id) => ({ Id, ...send(queue, entry) }));
    },

    ReceiveMessage: async (input) => {
      const queue = queues.byUrl(requiredString(input, 'QueueUrl'));
      const waitSeconds = optionalInteger(input, 'WaitTimeSeconds', { min: 0, max: 20 }) ?? queue.settings.receiveWaitTimeSeconds;
      const received = await queue.receive({
        maxMessages: optionalInteger(input, 'MaxNumberOfMessages', { min: 1, max: 10 }) ?? 1,
        visibilityTimeoutSeconds: optionalInteger(input, 'VisibilityTimeout', VISIBILITY_RANGE),
        waitTimeMs: waitSeconds * 1000,
      });
      if (received.length === 0) return {};
      const systemNames = [...optionalStringList(input, 'AttributeNames'), ...optionalStringList(input, 'MessageSystemAttributeNames')];
      const attributeNames = optionalStringList(input, 'MessageAttributeNames');
      return { Messages: received.map((message) => receivedMessage(message, systemNames, attributeNames)) };
    },

    DeleteMessage: (input) => {
      queues.byUrl(requiredString(input, 'QueueUrl')).deleteMessage(requiredString(input, 'ReceiptHandle'));
      return {};
    },

    DeleteMessageBatch: (input) => {
      const queue = queues.byUrl(requiredString(input, 'QueueUrl'));
      const entries = requiredList(input, 'Entries');
      return applyToEntries(entries, validateBatchEntries(entries), (entry, Id) => {
        queue.deleteMessage(requiredString(entry, 'ReceiptHandle'));
        return { Id };
      });
    },

    ChangeMessageVisibility: (input) => {
      const queue = queues.byUrl(requiredString(input, 'QueueUrl'));
      queue.changeVisibility(requiredString(input, 'ReceiptHandle'), requiredVisibility(input));
      return {};
    },

    ChangeMessageVisibilityBatch: (input) => {
      const queue = queues.byUrl(requiredString(input, 'QueueUrl'));
      const entries = requiredList(input, 'Entries');
      return applyToEntries(entries, validateBatchEntries(entries), (entry, Id) => {
        queue.changeVisibility(requiredString(entry, 'ReceiptHandle'), requiredVisibility(entry));
        return { Id };
      });
    },
  };
}

function requiredVisibility(input: Input): number {
  const seconds = optionalInteger(input, 'VisibilityTimeout', VISIBILITY_RANGE);
  if (seconds === undefined) throw sqsError('MissingParameter', 'The request must contain the parameter VisibilityTimeout.');
  return seconds;
}

function sendResult(sent: SentMessage): Record<string, unknown> {
  return {
    MessageId: sent.messageId,
    MD5OfMessageBody: sent.md5OfBody,
    ...(sent.md5OfMessageAttributes === undefined ? {} : { MD5OfMessageAttributes: sent.md5OfMessageAttributes }),
  };
}

function entrySize(entry: Input): number {
  const body = typeof entry.MessageBody === 'string' ? entry.MessageBody : '';
  try {
    return messageSize(body, parseMessageAttributes(entry));
  } catch {
    return Buffer.byteLength(body, 'utf8'); // malformed attributes fail that entry later
  }
}

function parseMessageAttributes(input: Input): MessageAttributes {
  const raw = optionalObject(input, 'MessageAttributes');
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!isRecord(value) || typeof value.DataType !== 'string') {
      throw sqsError('InvalidParameterValue', `Message attribute '${name}' must have a DataType.`);
    }
    attributes[name] = {
      DataType: value.DataType,
      ...(typeof value.StringValue === 'string' ? { StringValue: value.StringValue } : {}),
      ...(typeof value.BinaryValue === 'string' ? { BinaryValue: value.BinaryValue } : {}),
    };
  }
  return attributes;
}

function receivedMessage(message: ReceivedMessage, systemNames: readonly string[], attributeNames: readonly string[]): Record<string, unknown> {
  const wantsAll = systemNames.includes('All');
  const attributes = Object.fromEntries(
    SYSTEM_ATTRIBUTE_NAMES.filter((name) => wantsAll || systemNames.includes(name))
      .map((name) => [name, message.attributes[name]])
      .filter(([, value]) => value !== undefined),
  );
  const selected: Record<string, MessageAttributeValue> = Object.fromEntries(
    Object.entries(message.messageAttributes).filter(([name]) => attributeNameSelected(attributeNames, name)),
  );
  // The digest covers the attributes returned, which is what a client can check it against.
  const md5 = md5OfMessageAttributes(selected);
  return {
    MessageId: message.messageId,
    ReceiptHandle: message.receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
    ...(md5 === undefined ? {} : { MD5OfMessageAttributes: md5, MessageAttributes: selected }),
  };
}

const QUEUE_ATTRIBUTE_NAMES = [
  'QueueArn',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'VisibilityTimeout',
  'MessageRetentionPeriod',
  'DelaySeconds',
  'ReceiveMessageWaitTimeSeconds',
  'MaximumMessageSize',
  'CreatedTimestamp',
  'LastModifiedTimestamp',
  'RedrivePolicy',
] as const;

function queueAttributes(queue: SqsQueue, requested: readonly string[]): Record<string, string> {
  for (const name of requested) {
    if (name !== 'All' && !(QUEUE_ATTRIBUTE_NAMES as readonly string[]).includes(name)) {
      throw sqsError('InvalidAttributeName', `Unknown Attribute ${name}.`);
    }
  }
  const { settings } = queue;
  const counts = queue.counts();
  const createdSeconds = String(Math.floor(settings.createdTimestamp / 1000));
  const values: Record<(typeof QUEUE_ATTRIBUTE_NAMES)[number], string | undefined> = {
    QueueArn: settings.arn,
    ApproximateNumberOfMessages: String(counts.visible),
    ApproximateNumberOfMessagesNotVisible: String(counts.inFlight),
    ApproximateNumberOfMessagesDelayed: String(counts.delayed),
    VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
    MessageRetentionPeriod: String(settings.messageRetentionSeconds),
    DelaySeconds: String(settings.delaySeconds),
    ReceiveMessageWaitTimeSeconds: String(settings.receiveWaitTimeSeconds),
    MaximumMessageSize: String(MAX_MESSAGE_BYTES),
    CreatedTimestamp: createdSeconds,
    LastModifiedTimestamp: createdSeconds,
    RedrivePolicy: settings.redrivePolicy === undefined ? undefined : JSON.stringify(settings.redrivePolicy),
  };
  const wantsAll = requested.includes('All');
  return Object.fromEntries(
    QUEUE_ATTRIBUTE_NAMES.filter((name) => wantsAll || requested.includes(name))
      .map((name) => [name, values[name]])
      .filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** `https://host/000000000000/orders` → `orders`; other accounts' queues do not exist locally. */
export function queueNameFromUrl(queueUrl: string): string | undefined {
  let path: string;
  try {
    path = new URL(queueUrl).pathname;
  } catch {
    return undefined;
  }
  const [account, name, ...rest] = path.split('/').filter((segment) => segment.length > 0);
  return account === LOCAL_ACCOUNT && name !== undefined && rest.length === 0 ? name : undefined;
}
