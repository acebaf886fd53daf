import { randomUUID } from 'node:crypto';
import { sqsError } from './errors.ts';

/** What a receipt handle names: one receive of one message in one queue. */
export interface ReceiptHandleParts {
  readonly queueName: string;
  readonly messageId: string;
}

/**
 * Receipt handles are opaque to callers but self-describing here, so a handle can be checked
 * against the queue it is presented to; the nonce makes every receive's handle distinct.
 */
export function newReceiptHandle(queueName: string, messageId: string): string {
  return Buffer.from(JSON.stringify([queueName, messageId, randomUUID()]), 'utf8').toString('base64url');
}

export function parseReceiptHandle(handle: string): ReceiptHandleParts {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(handle, 'base64url').toString('utf8'));
  } catch {
    parts = undefined;
  }
  if (!Array.isArray(parts) || parts.length !== 3 || !parts.every((part) => typeof part === 'string')) {
    throw sqsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);
  }
  return { queueName: parts[0] as string, messageId: parts[1] as string };
}
