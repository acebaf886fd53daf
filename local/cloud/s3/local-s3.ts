import type { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { LOCAL_REGION, type LocalLogger } from '../contracts.ts';

export interface LocalS3Options {
  /** Where s3rver keeps buckets and objects. The caller empties it before each boot. */
  readonly directory: string;
  /** TCP port on 127.0.0.1; a free one is chosen when omitted. */
  readonly port?: number;
  readonly logger: LocalLogger;
}

export interface RunningLocalS3 {
  /**
   * `http://127.0.0.1:<port>`, the value for `AWS_ENDPOINT_URL_S3`. An IP address on purpose: for
   * an IP endpoint the SDK's S3 endpoint rules choose path-style URLs by themselves, whereas for
   * `localhost` they choose `<bucket>.localhost`, which does not resolve.
   */
  readonly endpoint: string;
  /** Creates an empty bucket; a bucket that already exists is left as it is. */
  createBucket(name: string): Promise<void>;
  /** Closes the listener and every open connection; the port is free once this resolves. */
  stop(): Promise<void>;
}

/** The only access key id s3rver knows (`s3rver/lib/models/account.js`). */
const S3RVER_ACCESS_KEY_ID = 'S3RVER';

/** Credential scope in a SigV4 `Authorization` header: `Credential=<key id>/<date>/…`. */
const HEADER_CREDENTIAL = /(\bCredential=)[^/,\s]+\//;
/** Credential scope in a presigned URL: `X-Amz-Credential=<key id>%2F<date>…`. */
const QUERY_CREDENTIAL = /([?&]X-Amz-Credential=)[^&/%]+(%2F|\/)/i;

/**
 * Starts s3rver (a file-system S3) on 127.0.0.1 and resolves once it accepts connections.
 *
 * Two adjustments sit in front of s3rver, both for requests the real S3 accepts:
 * - s3rver rejects every access key id but its own `S3RVER` with `InvalidAccessKeyId`, while it
 *   does not check SigV4 signatures at all. Functions sign with the local cloud's dummy key, so the
 *   key id of a SigV4 request is replaced by `S3RVER`: any key works, as with DynamoDB Local.
 * - s3rver does not decode `Content-Encoding: aws-chunked` (what SDK v3 sends for a stream body,
 *   with a trailing CRC32) and would store the chunk framing as the object's content. Such a
 *   request is refused with `NotImplemented` rather than silently corrupting the object.
 */
export async function startLocalS3(options: LocalS3Options): Promise<RunningLocalS3> {
  const started = performance.now();
  const { directory, logger } = options;
  const s3rver = new S3rver({
    directory,
    silent: true,
    // Path-style only: a Host header never names a bucket here.
    vhostBuckets: false,
  });
  // Koa reports handler failures as 'error' events; S3 protocol errors (4xx) are answers, not faults.
  (s3rver as unknown as EventEmitter).on('error', (error: unknown) => {
    const status = (error as { status?: unknown }).status;
    if (typeof status === 'number' && status < 500) return;
    logger.error('local s3 request failed', { error: error instanceof Error ? error.message : String(error) });
  });
  const handle = s3rver.callback();

  const server = createServer((request, response) => {
    if (refuseAwsChunked(request, response, logger)) return;
    acceptAnyAccessKey(request);
    handle(request, response);
  });
  const port = await listen(server, options.port ?? 0);
  const endpoint = `http://127.0.0.1:${port}`;

  const admin = new S3Client({
    endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: S3RVER_ACCESS_KEY_ID, secretAccessKey: S3RVER_ACCESS_KEY_ID },
  });
  let stopping: Promise<void> | undefined;

  logger.info('local s3 ready', { endpoint, directory, startupMs: Math.round(performance.now() - started) });
  return {
    endpoint,
    async createBucket(name) {
      try {
        await admin.send(new CreateBucketCommand({ Bucket: name }));
      } catch (error) {
        const code = (error as { name?: unknown }).name;
        if (code === 'BucketAlreadyExists' || code === 'BucketAlreadyOwnedByYou') return;
        throw error;
      }
    },
    stop() {
      stopping ??= new Promise<void>((resolve, reject) => {
        admin.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
        // close() waits for connections to end; SDK clients keep theirs alive.
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function acceptAnyAccessKey(request: IncomingMessage): void {
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('AWS4-')) {
    request.headers.authorization = authorization.replace(HEADER_CREDENTIAL, `$1${S3RVER_ACCESS_KEY_ID}/`);
  }
  if (request.url !== undefined) request.url = request.url.replace(QUERY_CREDENTIAL, `$1${S3RVER_ACCESS_KEY_ID}$2`);
}

function refuseAwsChunked(request: IncomingMessage, response: ServerResponse, logger: LocalLogger): boolean {
  const encodings = (request.headers['content-encoding'] ?? '').split(',').map((encoding) => encoding.trim().toLowerCase());
  if (!encodings.includes('aws-chunked')) return false;
  const message =
    'The local S3 (s3rver) cannot decode Content-Encoding: aws-chunked, which the AWS SDK sends for a stream Body. ' +
    'Send a string, Buffer or Uint8Array, or set AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED.';
  logger.warn('local s3 refused an aws-chunked upload', { method: request.method, url: request.url });
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>NotImplemented</Code><Message>${message}</Message><Resource>${escapeXml(request.url ?? '')}</Resource></Error>`;
  // The body is not read, so the connection cannot be reused.
  response.writeHead(501, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), connection: 'close' });
  response.end(body);
  return true;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}
