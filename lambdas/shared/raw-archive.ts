import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

export interface InboundRequest {
  readonly source: 'shopify' | 'razorpay' | 'wms' | 'shipbob' | 'aftership' | 'whatsapp' | 'sendgrid';
  /** The brand (or, for the WMS, the warehouse) in the path, as sent: it may be unknown or malformed, and is archived all the same. */
  readonly brand: string;
  /** The sender's delivery id when it has one, else the API request id. */
  readonly deliveryId: string;
  readonly receivedAt: Date;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly rawBody: Buffer;
}

/** Keeps path segments safe and short: whatever a sender puts in the URL cannot escape its prefix. */
const segment = (value: string) => value.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 80) || '_';

/** `<source>/<brand>/<yyyy>/<mm>/<dd>/<delivery id>.json`, so ops can list one brand's day. */
export function rawArchiveKey(request: InboundRequest): string {
  const date = request.receivedAt.toISOString();
  return [request.source, segment(request.brand), date.slice(0, 4), date.slice(5, 7), date.slice(8, 10), `${segment(request.deliveryId)}.json`].join('/');
}

/**
 * Stores every inbound body with its headers before anything else looks at it, valid or not, so
 * nothing a sender delivered is ever lost and any webhook can be examined or replayed later.
 */
export class RawArchive {
  constructor(
    private readonly bucket: string,
    private readonly client: S3Client = new S3Client({}),
  ) {}

  async store(request: InboundRequest): Promise<string> {
    const key = rawArchiveKey(request);
    const utf8 = request.rawBody.toString('utf8');
    const isText = Buffer.from(utf8, 'utf8').equals(request.rawBody);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ContentType: 'application/json',
        ServerSideEncryption: 'AES256',
        Body: JSON.stringify({
          source: request.source,
          brand: request.brand,
          deliveryId: request.deliveryId,
          receivedAt: request.receivedAt.toISOString(),
          headers: request.headers,
          ...(isText ? { body: utf8 } : { bodyBase64: request.rawBody.toString('base64') }),
        }),
      }),
    );
    return key;
  }
}
