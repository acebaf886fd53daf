import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { silentLogger, type InvokeResult, type LocalLogger } from '../../local/cloud/contracts.ts';
import { LocalLambdaRuntime, type InvokeFailure, type LocalFunctionDefinition } from '../../local/cloud/lambda/index.ts';
import { bundleAsset, removeAssets, scratchDir, writeAsset } from './fixtures/lambda/assets.ts';

const runtimes: LocalLambdaRuntime[] = [];

function newRuntime(options: Partial<ConstructorParameters<typeof LocalLambdaRuntime>[0]> = {}): LocalLambdaRuntime {
  const runtime = new LocalLambdaRuntime({ logger: silentLogger, asyncRetryDelaysMs: [5, 10], ...options });
  runtimes.push(runtime);
  return runtime;
}

function define(functionName: string, assetDir: string, extra: Partial<LocalFunctionDefinition> = {}): LocalFunctionDefinition {
  return { logicalId: `${functionName}Fn`, functionName, assetDir, handler: 'index.handler', environment: {}, ...extra };
}

function payloadOf(result: InvokeResult): unknown {
  if (!result.ok) throw new Error(`invocation failed: ${result.errorType}: ${result.errorMessage}`);
  return result.payload;
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A handler that reports which worker thread ran it and keeps a module-level counter. */
const WARM_HANDLER = `
const { writeFileSync } = require('node:fs');
const { threadId } = require('node:worker_threads');
let invocations = 0;
exports.handler = async (event) => {
  if (event.startedFile) writeFileSync(event.startedFile, '');
  if (event.hang) await new Promise((resolve) => setTimeout(resolve, 60_000));
  invocations += 1;
  return { threadId, invocations };
};`;

afterEach(async () => {
  await Promise.all(runtimes.splice(0).map((runtime) => runtime.close()));
  removeAssets();
});

describe('LocalLambdaRuntime invoke', () => {
  it('returns the handler result as Lambda would after a JSON round trip', async () => {
    // Prepare
    const asset = writeAsset(`exports.handler = async (event) => ({ echo: event, at: new Date(0), skipped: undefined });`);
    const runtime = newRuntime();
    runtime.register(define('echo', asset));

    // Act
    const result = await runtime.invoke('echo', { orderId: 'o-1', lines: [{ sku: 'A', qty: 2 }] });

    // Assess
    expect(result).toEqual({
      ok: true,
      payload: { echo: { orderId: 'o-1', lines: [{ sku: 'A', qty: 2 }] }, at: '1970-01-01T00:00:00.000Z' },
    });
  });

  it('answers null when an async handler returns nothing', async () => {
    const asset = writeAsset(`exports.handler = async () => undefined;`);
    const runtime = newRuntime();
    runtime.register(define('nothing', asset));

    const result = await runtime.invoke('nothing', {});

    expect(result).toEqual({ ok: true, payload: null });
  });

  it('finds a function by its ARN as well as by its name', async () => {
    const asset = writeAsset(`exports.handler = async (_event, context) => context.invokedFunctionArn;`);
    const runtime = newRuntime();
    const { arn } = runtime.register(define('by-arn', asset));

    const byArn = await runtime.invoke(arn, {});
    const byName = await runtime.invoke('by-arn', {});

    expect(arn).toBe('arn:aws:lambda:ap-south-1:000000000000:function:by-arn');
    expect(payloadOf(byArn)).toBe(arn);
    expect(payloadOf(byName)).toBe(arn);
  });

  it('refuses an unknown function with ResourceNotFoundException', async () => {
    const runtime = newRuntime();

    await expect(runtime.invoke('missing', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException', statusCode: 404 });
  });

  it('refuses to register a function whose asset has no handler module, naming the logical id', () => {
    const asset = writeAsset('', 'readme.txt');
    const runtime = newRuntime();

    expect(() => runtime.register(define('empty', asset))).toThrow(/emptyFn/);
  });

  it('gives each function its own environment on top of the Lambda variables', async () => {
    // Prepare
    const asset = writeAsset(`exports.handler = async () => ({ ...process.env });`);
    const runtime = newRuntime();
    runtime.register(define('brand-a', asset, { environment: { BRAND: 'alpha', AWS_REGION: 'eu-west-1' } }));
    runtime.register(define('brand-b', asset, { environment: { BRAND: 'beta' }, memorySizeMb: 512 }));

    // Act
    const [a, b] = await Promise.all([runtime.invoke('brand-a', {}), runtime.invoke('brand-b', {})]);

    // Assess
    const envA = payloadOf(a) as Record<string, string>;
    const envB = payloadOf(b) as Record<string, string>;
    expect(envA.BRAND).toBe('alpha');
    expect(envB.BRAND).toBe('beta');
    expect(envA.AWS_REGION).toBe('eu-west-1');
    expect(envB).toMatchObject({
      AWS_REGION: 'ap-south-1',
      AWS_DEFAULT_REGION: 'ap-south-1',
      AWS_LAMBDA_FUNCTION_NAME: 'brand-b',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/brand-b',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      LAMBDA_TASK_ROOT: asset,
      _HANDLER: 'index.handler',
      TZ: ':UTC',
    });
    expect(envB.AWS_ACCESS_KEY_ID).toBeTruthy();
    expect(envB.AWS_SECRET_ACCESS_KEY).toBeTruthy();
    expect(envB.AWS_SESSION_TOKEN).toBeTruthy();
  });

  it('keeps module state between warm invocations of one worker', async () => {
    const asset = writeAsset(WARM_HANDLER);
    const runtime = newRuntime();
    runtime.register(define('warm', asset));

    const first = payloadOf(await runtime.invoke('warm', {}));
    const second = payloadOf(await runtime.invoke('warm', {}));
    const third = payloadOf(await runtime.invoke('warm', {}));

    const threadId = (first as { threadId: number }).threadId;
    expect([first, second, third]).toEqual([
      { threadId, invocations: 1 },
      { threadId, invocations: 2 },
      { threadId, invocations: 3 },
    ]);
  });

  it('passes a Lambda context whose remaining time counts down from the timeout', async () => {
    // Prepare
    const asset = writeAsset(`
      exports.handler = async (_event, context) => {
        const before = context.getRemainingTimeInMillis();
        await new Promise((resolve) => setTimeout(resolve, 20));
        const { getRemainingTimeInMillis, done, succeed, fail, ...fields } = context;
        return { before, after: context.getRemainingTimeInMillis(), fields };
      };`);
    const runtime = newRuntime();
    runtime.register(define('ctx', asset, { timeoutSeconds: 3, memorySizeMb: 256 }));

    // Act
    const { before, after, fields } = payloadOf(await runtime.invoke('ctx', {})) as {
      before: number;
      after: number;
      fields: Record<string, unknown>;
    };

    // Assess
    expect(before).toBeLessThanOrEqual(3000);
    expect(before).toBeGreaterThan(0);
    expect(after).toBeLessThan(before);
    expect(fields).toMatchObject({
      functionName: 'ctx',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:ap-south-1:000000000000:function:ctx',
      memoryLimitInMB: '256',
      logGroupName: '/aws/lambda/ctx',
      callbackWaitsForEmptyEventLoop: true,
    });
    expect(fields.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(fields.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
  });

  it('supports callback-style handlers', async () => {
    const asset = writeAsset(`exports.handler = (event, _context, callback) => { setImmediate(() => callback(null, { doubled: event.n * 2 })); };`);
    const runtime = newRuntime();
    runtime.register(define('callback', asset));

    const result = await runtime.invoke('callback', { n: 21 });

    expect(payloadOf(result)).toEqual({ doubled: 42 });
  });

  it('loads ES module bundles (index.mjs)', async () => {
    const asset = writeAsset(`export const handler = async (event) => ({ format: 'esm', event });`, 'index.mjs');
    const runtime = newRuntime();
    runtime.register(define('esm', asset));

    const result = await runtime.invoke('esm', 1);

    expect(payloadOf(result)).toEqual({ format: 'esm', event: 1 });
  });

  it('loads a CommonJS bundle inside a "type": "module" project, resolving externalised packages from it, as in cdk.out', async () => {
    // Prepare: the project provides the package the bundle left external, as Lambda provides the SDK.
    const project = scratchDir();
    writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module' }));
    const sdk = join(project, 'node_modules', 'fake-sdk');
    mkdirSync(sdk, { recursive: true });
    writeFileSync(join(sdk, 'package.json'), JSON.stringify({ name: 'fake-sdk', main: 'index.js' }));
    writeFileSync(join(sdk, 'index.js'), `exports.clientName = 'FakeClient';`);
    const asset = join(project, 'cdk.out', 'asset.abc123');
    mkdirSync(asset, { recursive: true });
    writeFileSync(join(asset, 'index.js'), `const { clientName } = require('fake-sdk'); module.exports.handler = async () => clientName;`);
    const runtime = newRuntime();
    runtime.register(define('cjs-in-esm', asset));

    // Act
    const result = await runtime.invoke('cjs-in-esm', {});

    // Assess
    expect(payloadOf(result)).toBe('FakeClient');
  });
});

describe('LocalLambdaRuntime failures', () => {
  it('reports a thrown error as an unhandled function error with a trace', async () => {
    const asset = writeAsset(`
      class PaymentDeclined extends Error { constructor(m) { super(m); this.name = 'PaymentDeclined'; } }
      exports.handler = async () => { throw new PaymentDeclined('card expired'); };`);
    const runtime = newRuntime();
    runtime.register(define('declines', asset));

    const result = await runtime.invoke('declines', {});

    expect(result).toMatchObject({ ok: false, errorType: 'PaymentDeclined', errorMessage: 'card expired' });
    expect((result as InvokeFailure).trace?.[0]).toBe('PaymentDeclined: card expired');
  });

  it('points stack traces of a bundled handler at its TypeScript source', async () => {
    const asset = await bundleAsset('./failing-handler.ts');
    const runtime = newRuntime();
    runtime.register(define('bundled', asset));

    const result = (await runtime.invoke('bundled', { sku: 'SKU-9' })) as InvokeFailure;

    expect(result).toMatchObject({ ok: false, errorType: 'StockError', errorMessage: 'no stock left for SKU-9' });
    expect(result.trace?.join('\n')).toMatch(/failing-handler\.ts:\d+/);
  });

  it('reports a module that fails to load and a missing handler export', async () => {
    const throwsAtLoad = writeAsset(`throw new TypeError('config missing');`);
    const noHandler = writeAsset(`exports.other = async () => 1;`);
    const runtime = newRuntime();
    runtime.register(define('bad-init', throwsAtLoad));
    runtime.register(define('no-handler', noHandler));

    const initFailure = await runtime.invoke('bad-init', {});
    const missing = await runtime.invoke('no-handler', {});

    expect(initFailure).toMatchObject({ ok: false, errorType: 'TypeError', errorMessage: 'config missing' });
    expect(missing).toMatchObject({ ok: false, errorType: 'Runtime.HandlerNotFound', errorMessage: 'index.handler is undefined or not exported' });
  });

  it('times out a slow invocation with Sandbox.Timedout and serves the next one from a fresh worker', async () => {
    // Prepare
    const asset = writeAsset(WARM_HANDLER);
    const runtime = newRuntime();
    runtime.register(define('slow', asset, { timeoutSeconds: 0.3 }));
    const before = payloadOf(await runtime.invoke('slow', {})) as { threadId: number };

    // Act
    const timedOut = await runtime.invoke('slow', { hang: true });
    const after = payloadOf(await runtime.invoke('slow', {})) as { threadId: number; invocations: number };

    // Assess
    expect(timedOut).toEqual({ ok: false, errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 0.30 seconds' });
    expect(after.threadId).not.toBe(before.threadId);
    expect(after.invocations).toBe(1);
  });

  it('turns a process.exit in the handler into Runtime.ExitError and replaces the worker', async () => {
    const asset = writeAsset(`exports.handler = async (event) => { if (event.exit) process.exit(3); return 'fine'; };`);
    const runtime = newRuntime();
    runtime.register(define('exits', asset));

    const exited = await runtime.invoke('exits', { exit: true });
    const next = await runtime.invoke('exits', {});

    expect(exited).toMatchObject({ ok: false, errorType: 'Runtime.ExitError' });
    expect((exited as InvokeFailure).errorMessage).toMatch(/exit status 3$/);
    expect(next).toEqual({ ok: true, payload: 'fine' });
  });

  it('fails the running invocation when an error escapes the handler, then recovers', async () => {
    const asset = writeAsset(`
      exports.handler = async (event) => {
        if (!event.escape) return 'fine';
        setTimeout(() => { throw new RangeError('escaped the promise'); });
        return new Promise(() => {});
      };`);
    const runtime = newRuntime();
    runtime.register(define('escapes', asset));

    const crashed = await runtime.invoke('escapes', { escape: true });
    const next = await runtime.invoke('escapes', {});

    expect(crashed).toMatchObject({ ok: false, errorType: 'RangeError', errorMessage: 'escaped the promise' });
    expect(next).toEqual({ ok: true, payload: 'fine' });
  });

  it('reports a result that cannot become JSON', async () => {
    const asset = writeAsset(`exports.handler = async () => { const loop = {}; loop.self = loop; return loop; };`);
    const runtime = newRuntime();
    runtime.register(define('cyclic', asset));

    const result = await runtime.invoke('cyclic', {});

    expect(result).toEqual({ ok: false, errorType: 'Error', errorMessage: 'Unable to stringify response body', trace: [] });
  });
});

describe('LocalLambdaRuntime concurrency', () => {
  /** Each invocation marks its arrival, waits until `expected` have arrived, and reports its thread. */
  const BARRIER_HANDLER = `
    const fs = require('node:fs');
    const path = require('node:path');
    const { threadId } = require('node:worker_threads');
    exports.handler = async (event, context) => {
      fs.writeFileSync(path.join(event.dir, context.awsRequestId), '');
      while (fs.readdirSync(event.dir).length < event.expected) {
        if (context.getRemainingTimeInMillis() < 500) return { reached: false, threadId };
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return { reached: true, threadId };
    };`;

  /** Each invocation reports how many were inside the handler at once while it was. */
  const PEAK_HANDLER = `
    const fs = require('node:fs');
    const path = require('node:path');
    const { threadId } = require('node:worker_threads');
    exports.handler = async (event, context) => {
      const mine = path.join(event.dir, context.awsRequestId);
      fs.writeFileSync(mine, '');
      let peak = 0;
      for (let i = 0; i < 10; i += 1) {
        peak = Math.max(peak, fs.readdirSync(event.dir).length);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      fs.rmSync(mine);
      return { peak, threadId };
    };`;

  it('runs concurrent invocations of one function in parallel workers', async () => {
    const asset = writeAsset(BARRIER_HANDLER);
    const dir = scratchDir();
    const runtime = newRuntime();
    runtime.register(define('parallel', asset, { maxConcurrency: 3, timeoutSeconds: 10 }));

    const results = await Promise.all([1, 2, 3].map(() => runtime.invoke('parallel', { dir, expected: 3 })));

    const payloads = results.map(payloadOf) as Array<{ reached: boolean; threadId: number }>;
    expect(payloads.map((p) => p.reached)).toEqual([true, true, true]);
    expect(new Set(payloads.map((p) => p.threadId)).size).toBe(3);
  });

  it('queues invocations beyond the pool size instead of starting more workers', async () => {
    const asset = writeAsset(PEAK_HANDLER);
    const dir = scratchDir();
    const runtime = newRuntime();
    runtime.register(define('pooled', asset, { maxConcurrency: 2 }));

    const results = await Promise.all([1, 2, 3, 4].map(() => runtime.invoke('pooled', { dir })));

    const payloads = results.map(payloadOf) as Array<{ peak: number; threadId: number }>;
    expect(payloads).toHaveLength(4);
    expect(Math.max(...payloads.map((p) => p.peak))).toBeLessThanOrEqual(2);
    expect(new Set(payloads.map((p) => p.threadId)).size).toBe(2);
  });

  it('throttles every invocation of a function with zero reserved concurrency', async () => {
    const asset = writeAsset(`exports.handler = async () => 'never';`);
    const runtime = newRuntime();
    runtime.register(define('throttled', asset, { maxConcurrency: 0 }));

    await expect(runtime.invoke('throttled', {})).rejects.toMatchObject({ name: 'TooManyRequestsException', statusCode: 429 });
  });
});

describe('LocalLambdaRuntime invokeAsync', () => {
  /** Appends one line per attempt and fails until the attempt number reaches `succeedOnAttempt`. */
  const FLAKY_HANDLER = `
    const fs = require('node:fs');
    exports.handler = async (event) => {
      fs.appendFileSync(event.attemptsFile, 'attempt\\n');
      const attempt = fs.readFileSync(event.attemptsFile, 'utf8').trim().split('\\n').length;
      if (attempt < event.succeedOnAttempt) throw new Error('downstream unavailable on attempt ' + attempt);
      return { attempt };
    };`;

  it('retries a failing event twice, then hands it to onFailure with the last error', async () => {
    // Prepare
    const asset = writeAsset(FLAKY_HANDLER);
    const attemptsFile = join(scratchDir(), 'attempts.log');
    const runtime = newRuntime();
    runtime.register(define('flaky', asset));
    const failure = deferred<{ event: unknown; error: InvokeFailure }>();
    const event = { attemptsFile, succeedOnAttempt: 99 };

    // Act
    await runtime.invokeAsync('flaky', event, { onFailure: async (failedEvent, error) => failure.resolve({ event: failedEvent, error }) });
    const { event: failedEvent, error } = await failure.promise;

    // Assess
    expect(readFileSync(attemptsFile, 'utf8').trim().split('\n')).toHaveLength(3);
    expect(failedEvent).toEqual(event);
    expect(error).toMatchObject({ ok: false, errorType: 'Error', errorMessage: 'downstream unavailable on attempt 3' });
  });

  it('stops retrying once an attempt succeeds and reports the result to onSuccess', async () => {
    const asset = writeAsset(FLAKY_HANDLER);
    const attemptsFile = join(scratchDir(), 'attempts.log');
    const runtime = newRuntime();
    runtime.register(define('recovers', asset));
    const success = deferred<unknown>();
    const onFailure = vi.fn(async () => {});

    await runtime.invokeAsync('recovers', { attemptsFile, succeedOnAttempt: 2 }, { onFailure, onSuccess: async (_e, payload) => success.resolve(payload) });
    const payload = await success.promise;

    expect(payload).toEqual({ attempt: 2 });
    expect(onFailure).not.toHaveBeenCalled();
  });

  it('rejects an event for an unknown function at once', async () => {
    const runtime = newRuntime();

    await expect(runtime.invokeAsync('missing', {})).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('LocalLambdaRuntime output and shutdown', () => {
  it('appends what a function prints to <logDir>/<functionName>.log', async () => {
    const asset = writeAsset(`exports.handler = async (event) => { console.log(JSON.stringify({ level: 'INFO', message: 'order accepted', id: event.id })); return 'ok'; };`);
    const logDir = join(scratchDir(), 'logs');
    const runtime = newRuntime({ logDir });
    runtime.register(define('logs-to-file', asset));

    await runtime.invoke('logs-to-file', { id: 'o-7' });

    await vi.waitFor(() => expect(readFileSync(join(logDir, 'logs-to-file.log'), 'utf8')).toContain('"message":"order accepted","id":"o-7"'));
  });

  it('sends printed lines to the logger with the function name when there is no logDir', async () => {
    const lines: Array<{ message: string; fields?: Record<string, unknown> }> = [];
    const logger: LocalLogger = { ...silentLogger, info: (message, fields) => lines.push({ message, fields }) };
    const asset = writeAsset(`exports.handler = async () => { console.error('stock low'); return 'ok'; };`);
    const runtime = newRuntime({ logger });
    runtime.register(define('logs-to-logger', asset));

    await runtime.invoke('logs-to-logger', {});

    await vi.waitFor(() => expect(lines).toContainEqual({ message: 'stock low', fields: { functionName: 'logs-to-logger', stream: 'stderr' } }));
  });

  it('close() stops every worker, including one still running, and refuses later invocations', async () => {
    // Prepare
    const workerPorts = (): number => process.getActiveResourcesInfo().filter((kind) => kind === 'MessagePort').length;
    const portsBefore = workerPorts();
    const asset = writeAsset(WARM_HANDLER);
    const runtime = new LocalLambdaRuntime({ logger: silentLogger });
    runtime.register(define('a', asset));
    runtime.register(define('b', asset, { timeoutSeconds: 60 }));
    await Promise.all([runtime.invoke('a', {}), runtime.invoke('a', {}), runtime.invoke('b', {})]);
    const startedFile = join(scratchDir(), 'started');
    const hanging = runtime.invoke('b', { hang: true, startedFile });
    await vi.waitFor(() => expect(existsSync(startedFile)).toBe(true));
    const portsWhileRunning = workerPorts();

    // Act
    await runtime.close();

    // Assess
    expect(portsWhileRunning).toBeGreaterThan(portsBefore);
    expect(workerPorts()).toBe(portsBefore);
    expect(await hanging).toMatchObject({ ok: false, errorType: 'Runtime.ExitError' });
    await expect(runtime.invoke('a', {})).rejects.toThrow(/closed/);
  });
});
