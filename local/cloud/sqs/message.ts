import { sqsError } from './errors.ts';

/** A message attribute as the JSON protocol carries it; `BinaryValue` is base64. */
export interface MessageAttributeValue {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

export type MessageAttributes = Readonly<Record<string, MessageAttributeValue>>;

/**
 * The long-documented SQS limit (body plus attributes). AWS has announced 1 MiB, but until that
 * is verified the emulator keeps the smaller figure, so nothing passes here that AWS may refuse.
 */
export const MAX_MESSAGE_BYTES = 262_144;
export const MAX_ATTRIBUTES_PER_MESSAGE = 10;

// The characters SQS accepts in a body or string attribute (XML 1.0 character range).
const ALLOWED_CHARACTERS = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_-](?:[A-Za-z0-9_.-]{0,254}[A-Za-z0-9_-])?$/;
const DATA_TYPE = /^(String|Number|Binary)(\.[\x21-\x7E]+)?$/;

/** Throws the error SQS answers when a body or its attributes cannot be sent. */
export function validateMessage(body: string, attributes: MessageAttributes): void {
  if (body.length === 0) throw sqsError('InvalidParameterValue', 'The message body must be at least one character.');
  if (!ALLOWED_CHARACTERS.test(body)) {
    throw sqsError('InvalidMessageContents', 'Invalid characters found in the message body.');
  }
  const names = Object.keys(attributes);
  if (names.length > MAX_ATTRIBUTES_PER_MESSAGE) {
    throw sqsError('InvalidParameterValue', `A message can have at most ${MAX_ATTRIBUTES_PER_MESSAGE} attributes, received ${names.length}.`);
  }
  for (const name of names) validateAttribute(name, attributes[name]!);
  const size = messageSize(body, attributes);
  if (size > MAX_MESSAGE_BYTES) {
    throw sqsError('InvalidParameterValue', `The message is ${size} bytes; the limit is ${MAX_MESSAGE_BYTES}.`);
  }
}

function validateAttribute(name: string, value: MessageAttributeValue): void {
  const lower = name.toLowerCase();
  if (!ATTRIBUTE_NAME.test(name) || name.includes('..') || lower.startsWith('aws.') || lower.startsWith('amazon.')) {
    throw sqsError('InvalidParameterValue', `Message attribute name '${name}' is invalid.`);
  }
  const type = DATA_TYPE.exec(value.DataType)?.[1];
  if (type === undefined) {
    throw sqsError('InvalidParameterValue', `Message attribute '${name}' has invalid DataType '${value.DataType}'.`);
  }
  if (type === 'Binary') {
    if (value.BinaryValue === undefined) throw sqsError('InvalidParameterValue', `Message attribute '${name}' must have a BinaryValue.`);
    return;
  }
  if (value.StringValue === undefined || value.StringValue.length === 0) {
    throw sqsError('InvalidParameterValue', `Message attribute '${name}' must have a non-empty StringValue.`);
  }
  if (!ALLOWED_CHARACTERS.test(value.StringValue)) {
    throw sqsError('InvalidMessageContents', `Invalid characters found in message attribute '${name}'.`);
  }
  if (type === 'Number' && !Number.isFinite(Number(value.StringValue))) {
    throw sqsError('InvalidParameterValue', `Message attribute '${name}' is not a number: '${value.StringValue}'.`);
  }
}

/** Bytes counted against the size limit: the body and every attribute's name, type and value. */
export function messageSize(body: string, attributes: MessageAttributes): number {
  let size = Buffer.byteLength(body, 'utf8');
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.DataType, 'utf8');
    size +=
      value.BinaryValue !== undefined
        ? Buffer.from(value.BinaryValue, 'base64').length
        : Buffer.byteLength(value.StringValue ?? '', 'utf8');
  }
  return size;
}

/** Attributes handed over in-process (EventBridge input transformers) are plain strings. */
export function stringAttributes(values: Readonly<Record<string, string>>): MessageAttributes {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]));
}

/**
 * Whether a ReceiveMessage `MessageAttributeNames` entry selects `name`: `All` and `.*` select
 * everything, `prefix.*` selects names under that prefix, anything else is an exact name.
 */
export function attributeNameSelected(patterns: readonly string[], name: string): boolean {
  return patterns.some((pattern) => {
    if (pattern === 'All' || pattern === '.*') return true;
    if (pattern.endsWith('.*')) return name.startsWith(pattern.slice(0, -1));
    return pattern === name;
  });
}
