import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_REGION, silentLogger, type LocalLogger } from '../../local/cloud/contracts.ts';
import { LOCAL_FUNCTION_CREDENTIALS } from '../../local/cloud/lambda/lambda-environment.ts';
import { startLocalS3, type RunningLocalS3 } from '../../local/cloud/s3/local-s3.ts';

const BUCKET = 'dev-intake-rawarchive';

/** The credentials a local function signs with; s3rver itself only knows the key id `S3RVER`. */
const functionCredentials = {
  accessKeyId: LOCAL_FUNCTION_CREDENTIALS.AWS_ACCESS_KEY_ID,
  secretAccessKey: LOCAL_FUNCTION_CREDENTIALS.AWS_SECRET_ACCESS_KEY,
  sessionToken: LOCAL_FUNCTION_CREDENTIALS.AWS_SESSION_TOKEN,
};

/** The error a request failed with, captured at once so no rejection is left unhandled. */
async function failureOf(request: Promise<unknown>): Promise<unknown> {
  return request.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/** Records the host and path of every request the client sends, after endpoint resolution. */
function recordUrls(client: S3Client): string[] {
  const urls: string[] = [];
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { hostname?: string; port?: number; path?: string };
      urls.push(`${request.hostname ?? ''}:${request.port ?? ''}${request.path ?? ''}`);
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordUrls' },
  );
  return urls;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

describe('local s3 (s3rver) driven by the real AWS SDK v3 S3Client', () => {
  let directory: string;
  let s3: RunningLocalS3;
  let clients: S3Client[];

  /** A client configured the way a function's is: endpoint, region and credentials, nothing else. */
  function functionClient(extra: S3ClientConfig = {}): S3Client {
    const client = new S3Client({ endpoint: s3.endpoint, region: LOCAL_REGION, credentials: functionCredentials, ...extra });
    clients.push(client);
    return client;
  }

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'local-s3-'));
    clients = [];
    s3 = await startLocalS3({ directory, logger: silentLogger });
    await s3.createBucket(BUCKET);
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    vi.restoreAllMocks();
    for (const client of clients) client.destroy();
    await s3.stop();
    rmSync(directory, { recursive: true, force: true });
  });

  it('serves PutObject, GetObject, HeadObject and ListObjectsV2 path-style without forcePathStyle', async () => {
    const client = functionClient();
    const urls = recordUrls(client);
    const body = JSON.stringify({ id: 820982911946154500, line_items: [{ sku: 'TEE-M', quantity: 2 }], note: 'नमस्ते' });

    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'shopify/orders-create/1.json', Body: body, ContentType: 'application/json' }));
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'shopify/orders-create/1.json' }));
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'shopify/orders-create/1.json' }));
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));

    expect(await got.Body?.transformToString()).toBe(body);
    expect(got.ContentType).toBe('application/json');
    expect(head.ContentLength).toBe(Buffer.byteLength(body));
    expect(head.ETag).toBe(got.ETag);
    expect(listed.Contents?.map((object) => object.Key)).toEqual(['shopify/orders-create/1.json']);
    // The SDK's endpoint rules chose path-style by themselves because the endpoint is an IP address.
    const port = new URL(s3.endpoint).port;
    expect(urls).toEqual([
      `127.0.0.1:${port}/${BUCKET}/shopify/orders-create/1.json`,
      `127.0.0.1:${port}/${BUCKET}/shopify/orders-create/1.json`,
      `127.0.0.1:${port}/${BUCKET}/shopify/orders-create/1.json`,
      `127.0.0.1:${port}/${BUCKET}/`,
    ]);
  });

  it('is reached by a client built only from the environment a function gets (AWS_ENDPOINT_URL_S3)', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', 'http://127.0.0.1:9'); // the shared endpoint, which does not speak S3
    vi.stubEnv('AWS_ENDPOINT_URL_S3', s3.endpoint);
    vi.stubEnv('AWS_REGION', LOCAL_REGION);
    for (const [name, value] of Object.entries(LOCAL_FUNCTION_CREDENTIALS)) vi.stubEnv(name, value);
    const client = new S3Client({});
    clients.push(client);

    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'from-env.json', Body: '{}' }));
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'from-env.json' }));

    expect(await got.Body?.transformToString()).toBe('{}');
  });

  it('would not work with a localhost endpoint: the SDK then addresses <bucket>.localhost', async () => {
    const client = new S3Client({ endpoint: s3.endpoint.replace('127.0.0.1', 'localhost'), region: LOCAL_REGION, credentials: functionCredentials });
    clients.push(client);
    const urls = recordUrls(client);
    client.middlewareStack.add(
      () => () => Promise.reject(new Error('not sent')),
      { step: 'finalizeRequest', name: 'doNotSend', priority: 'low' },
    );

    await failureOf(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' })));

    expect(urls).toEqual([`${BUCKET}.localhost:${new URL(s3.endpoint).port}/k`]);
  });

  it('returns user metadata as it was stored, with lower-cased keys as S3 does', async () => {
    const client = functionClient();
    await client.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: 'with-headers.json',
        Body: '{"ok":true}',
        Metadata: { 'X-Shopify-Topic': 'orders/create', 'x-shopify-hmac-sha256': 'q1w2e3r4t5y6u7i8o9p0==', 'received-at': '2026-01-01T00:00:00.000Z' },
      }),
    );

    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'with-headers.json' }));
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'with-headers.json' }));
    await got.Body?.transformToString();

    const expected = { 'x-shopify-topic': 'orders/create', 'x-shopify-hmac-sha256': 'q1w2e3r4t5y6u7i8o9p0==', 'received-at': '2026-01-01T00:00:00.000Z' };
    expect(head.Metadata).toEqual(expected);
    expect(got.Metadata).toEqual(expected);
  });

  it("accepts ServerSideEncryption: 'AES256' but does not echo it back as S3 would", async () => {
    const client = functionClient();
    const put = await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sse.json', Body: '{}', ServerSideEncryption: 'AES256' }));
    const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'sse.json' }));

    expect(put.ETag).toBeTruthy();
    // Real S3 answers x-amz-server-side-encryption: AES256 (SSE-S3 is also its default); s3rver ignores the header.
    expect(put.ServerSideEncryption).toBeUndefined();
    expect(head.ServerSideEncryption).toBeUndefined();
  });

  it('answers NoSuchBucket for a bucket that was never created, and NoSuchKey for a missing key', async () => {
    const client = functionClient();

    const put = await failureOf(client.send(new PutObjectCommand({ Bucket: 'no-such-archive', Key: 'k', Body: 'x' })));
    const get = await failureOf(client.send(new GetObjectCommand({ Bucket: 'no-such-archive', Key: 'k' })));
    const list = await failureOf(client.send(new ListObjectsV2Command({ Bucket: 'no-such-archive' })));
    const missingKey = await failureOf(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'missing' })));

    expect(put).toMatchObject({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } });
    expect(get).toMatchObject({ name: 'NoSuchBucket' });
    expect(list).toMatchObject({ name: 'NoSuchBucket' });
    expect(missingKey).toMatchObject({ name: 'NoSuchKey' });
  });

  it('lists only the keys under a prefix, in key order', async () => {
    const client = functionClient();
    const keys = ['brand-a/2026/01/02/b.json', 'brand-a/2026/01/01/a.json', 'brand-ab/2026/01/01/c.json', 'brand-b/2026/01/01/d.json'];
    for (const key of keys) await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: key }));

    const brandA = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'brand-a/' }));
    const days = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'brand-a/2026/01/', Delimiter: '/' }));
    const none = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'brand-z/' }));

    expect(brandA.Contents?.map((object) => object.Key)).toEqual(['brand-a/2026/01/01/a.json', 'brand-a/2026/01/02/b.json']);
    expect(brandA.KeyCount).toBe(2);
    expect(days.CommonPrefixes?.map((prefix) => prefix.Prefix)).toEqual(['brand-a/2026/01/01/', 'brand-a/2026/01/02/']);
    expect(none.Contents ?? []).toEqual([]);
    expect(none.KeyCount).toBe(0);
  });

  it('keeps objects as files under the given directory', async () => {
    await functionClient().send(new PutObjectCommand({ Bucket: BUCKET, Key: 'on-disk.json', Body: '{}' }));

    expect(readdirSync(directory)).toContain(BUCKET);
    expect(existsSync(join(directory, BUCKET, 'on-disk.json._S3rver_object'))).toBe(true);
  });

  it('refuses a stream body sent aws-chunked instead of storing the chunk framing as the content', async () => {
    const warnings: string[] = [];
    const logger: LocalLogger = { ...silentLogger, warn: (message) => warnings.push(message) };
    // The SDK warns on the console when a streaming request fails; that is the failure expected here.
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const other = await startLocalS3({ directory: join(directory, 'other'), logger });
    try {
      await other.createBucket(BUCKET);
      const client = new S3Client({ endpoint: other.endpoint, region: LOCAL_REGION, credentials: functionCredentials, maxAttempts: 1 });
      clients.push(client);

      const stream = () => Readable.from([Buffer.from('{"part":'), Buffer.from('1}')]);
      const refused = await failureOf(client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'streamed.json', Body: stream(), ContentLength: 10 })));
      const stored = await failureOf(client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'streamed.json' })));

      expect(refused).toMatchObject({ name: 'NotImplemented', $metadata: { httpStatusCode: 501 } });
      expect(String((refused as Error).message)).toContain('AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED');
      expect(stored).toMatchObject({ name: 'NoSuchKey' });
      expect(warnings).toEqual(['local s3 refused an aws-chunked upload']);

      // The SDK's own setting, also read from AWS_REQUEST_CHECKSUM_CALCULATION, sends the stream plainly.
      vi.stubEnv('AWS_REQUEST_CHECKSUM_CALCULATION', 'WHEN_REQUIRED');
      const plain = new S3Client({ endpoint: other.endpoint, region: LOCAL_REGION, credentials: functionCredentials });
      clients.push(plain);
      await plain.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'streamed.json', Body: stream(), ContentLength: 10 }));
      const got = await plain.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'streamed.json' }));
      expect(await got.Body?.transformToString()).toBe('{"part":1}');
    } finally {
      await other.stop();
    }
  });

  it('frees its port on stop, even while a client still holds a keep-alive connection', async () => {
    const client = functionClient();
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'v' }));
    const port = Number(new URL(s3.endpoint).port);

    await s3.stop();
    await s3.stop(); // stopping twice is harmless

    expect(await portIsFree(port)).toBe(true);
    const refused = await failureOf(functionClient({ maxAttempts: 1 }).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' })));
    expect(refused).toMatchObject({ code: 'ECONNREFUSED' });

    // The same port and directory can be used again by the next boot, and the object is still there.
    s3 = await startLocalS3({ directory, port, logger: silentLogger });
    expect(s3.endpoint).toBe(`http://127.0.0.1:${port}`);
    const got = await functionClient().send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' }));
    expect(await got.Body?.transformToString()).toBe('v');
  });

  it('rejects a port that is already taken, and accepts creating a bucket twice', async () => {
    const taken = Number(new URL(s3.endpoint).port);

    await expect(startLocalS3({ directory, port: taken, logger: silentLogger })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await expect(s3.createBucket(BUCKET)).resolves.toBeUndefined();
    await expect(s3.createBucket('Not_A_Valid_Bucket')).rejects.toMatchObject({ name: 'InvalidBucketName' });
  });
});
