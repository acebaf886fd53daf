/**
 * The entry point of one function's worker thread: the local stand-in for the Lambda Node.js
 * runtime. It loads the handler once (the cold start), then runs one invocation at a time for as
 * long as the host keeps it, so module-level state survives between invocations like a warm
 * sandbox. The host compiles it to one JavaScript file first (see bootstrap-code.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorShape, unhandledRejectionShape } from './error-shape.ts';
import { loadHandler, type LambdaCallback, type LambdaHandler } from './handler-loader.ts';
import { followClock, installCloudDate, realNow } from './worker-clock.ts';
import type { ErrorShape, InvokeMessage, WorkerMessage, WorkerSetup } from './worker-protocol.ts';

// Stack traces of bundled code should point at the TypeScript sources through index.js.map.
process.setSourceMapsEnabled(true);

const port = parentPort;
if (!port) throw new Error('worker-bootstrap must run in a worker thread');
const setup = workerData as WorkerSetup;
const send = (message: WorkerMessage): void => port.postMessage(message);
// Before the handler loads: module-level code (a cold start) reads the cloud's time too.
installCloudDate();
followClock(setup.clockMs);

// As in Lambda, an error escaping the handler's promise fails the invocation and ends the sandbox.
process.on('uncaughtException', (error) => crash(toErrorShape(error)));
process.on('unhandledRejection', (reason) => crash(unhandledRejectionShape(reason)));

function crash(error: ErrorShape): void {
  send({ type: 'crash', error });
  process.exit(129);
}

void loadHandler(setup.assetDir, setup.handler).then((loaded) => {
  if (!loaded.ok) return send({ type: 'init-error', error: loaded.error });
  const handler = loaded.handler;
  port.on('message', (message: InvokeMessage) => void invoke(handler, message));
  send({ type: 'ready' });
});

async function invoke(handler: LambdaHandler, message: InvokeMessage): Promise<void> {
  let payload: unknown;
  followClock(message.clockMs);
  try {
    payload = await runHandler(handler, JSON.parse(message.eventJson), message);
  } catch (error) {
    send({ type: 'error', requestId: message.requestId, error: toErrorShape(error) });
    return;
  }
  let payloadJson: string;
  try {
    payloadJson = JSON.stringify(payload) ?? 'null';
  } catch {
    // The Node.js runtime's wording when a result cannot become JSON (cycles, BigInt).
    const error = { errorType: 'Error', errorMessage: 'Unable to stringify response body', trace: [] };
    send({ type: 'error', requestId: message.requestId, error });
    return;
  }
  send({ type: 'result', requestId: message.requestId, payloadJson });
}

/**
 * Async handlers settle through their promise; callback-style handlers (three parameters) through
 * the callback or the legacy `context.done/succeed/fail`. A plain handler returning a value
 * without a promise yields null, as in Lambda once its event loop drains.
 */
function runHandler(handler: LambdaHandler, event: unknown, message: InvokeMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const callback: LambdaCallback = (error, result) => {
      if (settled) return;
      settled = true;
      if (error !== undefined && error !== null) reject(error);
      else resolve(result);
    };
    const context = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: setup.functionName,
      functionVersion: setup.functionVersion,
      invokedFunctionArn: message.invokedFunctionArn,
      memoryLimitInMB: setup.memoryLimitInMB,
      awsRequestId: message.requestId,
      logGroupName: setup.logGroupName,
      logStreamName: setup.logStreamName,
      getRemainingTimeInMillis: () => Math.max(0, message.deadlineMs - realNow()),
      done: callback,
      succeed: (result: unknown) => callback(null, result),
      fail: (error: unknown) => callback(error ?? new Error('context.fail called')),
    };
    const returned = handler(event, context, callback);
    if (isThenable(returned)) {
      returned.then(
        (result) => callback(null, result),
        (error: unknown) => callback(error ?? new Error('handler rejected without a reason')),
      );
    } else if (handler.length < 3) {
      callback(null, null);
    }
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}
