import { createHash } from 'node:crypto';
import type { MessageAttributeValue } from './message.ts';

/** Hex MD5 of the UTF-8 body: what SQS answers as `MD5OfMessageBody` / `MD5OfBody`. */
export function md5OfBody(body: string): string {
  return createHash('md5').update(body, 'utf8').digest('hex');
}

// Transport type bytes from the SQS developer guide ("Calculating the MD5 message digest for
// message attributes"): 1 for String and Number values, 2 for Binary.
const STRING_TRANSPORT = 1;
const BINARY_TRANSPORT = 2;

/**
 * The documented MD5 of message attributes: for each attribute in ascending name order,
 * length-prefixed (4-byte big-endian) name, data type, a transport byte and the value.
 * Returns undefined when there are no attributes, because SQS then omits the field.
 */
export function md5OfMessageAttributes(attributes: Readonly<Record<string, MessageAttributeValue>>): string | undefined {
  // SQS sorts by the names' bytes; code-unit order equals byte order for names limited to ASCII.
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  for (const name of names) {
    const attribute = attributes[name]!;
    hash.update(lengthPrefixed(Buffer.from(name, 'utf8')));
    hash.update(lengthPrefixed(Buffer.from(attribute.DataType, 'utf8')));
    if (attribute.BinaryValue !== undefined) {
      hash.update(Buffer.of(BINARY_TRANSPORT));
      hash.update(lengthPrefixed(Buffer.from(attribute.BinaryValue, 'base64')));
    } else {
      hash.update(Buffer.of(STRING_TRANSPORT));
      hash.update(lengthPrefixed(Buffer.from(attribute.StringValue ?? '', 'utf8')));
    }
  }
  return hash.digest('hex');
}

function lengthPrefixed(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}
