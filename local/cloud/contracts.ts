/**
 * The seams between the local cloud's emulated services. Each service is built on its own and
 * wired together by `cloud.ts`, so every service depends only on these narrow interfaces.
 */

/** The account and region every local ARN uses. */
export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'ap-south-1';

/**
 * An error answered in the AWS JSON protocol shape: HTTP status plus `{ "__type": code, "message" }`.
 * The SDK v3 turns `code` into the exception's `name`, so callers see `ResourceNotFoundException` etc.
 */
export class AwsServiceError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = code;
  }
}

/**
 * A service reached through the one local endpoint. A request with header
 * `X-Amz-Target: <targetPrefix>.<Operation>` is routed to `handle(operation, parsedJsonBody)`.
 * Return the JSON response body; throw `AwsServiceError` for protocol errors.
 */
export interface JsonProtocolService {
  /** For example `AWSEvents`, `AWSStepFunctions`, `AmazonSQS`, `secretsmanager`. */
  readonly targetPrefix: string;
  handle(operation: string, input: Record<string, unknown>): Promise<unknown>;
}

/** How a timer behaves when `Clock.advance` jumps over it. */
export interface TimerOptions {
  /**
   * For a timer whose exact moment does not matter, only that it comes: a periodic schedule, a
   * long poll's deadline. When `advance` jumps past its due time it fires once, at the end of the
   * jump (so it sees how late it is and can coalesce what it missed), and `nextDueAt` ignores it.
   * Without a jump it fires on time like any other timer. @default false
   */
  readonly deferrable?: boolean;
}

/**
 * Time as the local cloud sees it. `speed` > 1 makes waits (retry backoff, visibility timeouts,
 * task-token timeouts) pass faster than real time, so tests of long timeouts stay quick; `advance`
 * jumps over hours or days at once.
 */
export interface Clock {
  /** Milliseconds since the epoch, in local-cloud time. */
  now(): number;
  /** Resolves after `ms` of local-cloud time. */
  sleep(ms: number): Promise<void>;
  /** Runs `fn` after `ms` of local-cloud time; returns a function that cancels it. */
  setTimer(fn: () => void, ms: number, options?: TimerOptions): () => void;
  /**
   * Moves local time forward by `ms` at once, discrete-event style: every timer due within the
   * jump fires in due order (ties in the order they were set), and while one fires, and while the
   * work it started settles, `now()` reads its due time, so timers set by that work which fall
   * inside the jump fire too, in order. Deferrable timers fire at the end of the jump. Resolves
   * with `now()` at the start plus `ms`; time then runs on from there at the clock's speed, and
   * the timers left fire at their moments on it. Jumps requested while one runs are taken one
   * after the other; a rejected promise means a timer's callback threw, and time stays at its due
   * time.
   *
   * Settling is a few turns of the event loop, enough for in-process work (the Step Functions
   * runner, queues, schedules) but not for work that takes real time (a Lambda function in its
   * worker thread, a DynamoDB Local call): across a whole stage use `LocalCloud.fastForward`,
   * which waits for that before every jump.
   */
  advance(ms: number): Promise<void>;
}

/** The local cloud's own clock, which also tells when its next timer falls due. */
export interface LocalClock extends Clock {
  /** The due time of the earliest pending timer that is not deferrable, or undefined when none is pending. */
  nextDueAt(): number | undefined;
}

/** setTimeout cannot wait longer than this; longer real waits are taken in steps. */
const MAX_REAL_TIMEOUT_MS = 2_147_483_647;
/** Turns of the event loop given to the work a fired timer started, before the next timer fires. */
const SETTLE_TURNS = 5;

interface PendingTimer {
  /** Local-cloud time at which it falls due. */
  readonly due: number;
  readonly fn: () => void;
  readonly deferrable: boolean;
  handle?: ReturnType<typeof setTimeout>;
}

export function createClock(speed = 1): LocalClock {
  if (!(speed > 0)) throw new Error(`clock speed must be > 0, received ${speed}`);
  const startReal = Date.now();
  /** What `advance` has added to the scaled real time. */
  let jumped = 0;
  /** While a jump runs, the time `now()` reads; it never goes backwards. */
  let pinned: number | undefined;
  let jumps: Promise<void> = Promise.resolve();
  // A Set keeps insertion order, so timers due at the same moment fire in the order they were set.
  const timers = new Set<PendingTimer>();

  const runningNow = () => startReal + (Date.now() - startReal) * speed + jumped;
  const now = () => pinned ?? runningNow();

  const arm = (timer: PendingTimer, realDelayMs: number): void => {
    if (realDelayMs > MAX_REAL_TIMEOUT_MS) {
      timer.handle = setTimeout(() => arm(timer, (timer.due - now()) / speed), MAX_REAL_TIMEOUT_MS);
      return;
    }
    timer.handle = setTimeout(() => {
      if (pinned !== undefined || !timers.has(timer)) return;
      // Never before its due time on the local clock, even if real time and the clock disagree.
      const early = timer.due - now();
      if (early > 0) return arm(timer, early / speed);
      timers.delete(timer);
      timer.fn();
    }, Math.max(0, realDelayMs));
  };

  const setTimer = (fn: () => void, ms: number, options?: TimerOptions): (() => void) => {
    const wait = ms > 0 ? ms : 0;
    const timer: PendingTimer = { due: now() + wait, fn, deferrable: options?.deferrable === true };
    timers.add(timer);
    // During a jump nothing is armed; the jump arms what is left once it ends.
    if (pinned === undefined) arm(timer, wait / speed);
    return () => {
      timers.delete(timer);
      clearTimeout(timer.handle);
    };
  };

  const earliest = (eligible: (timer: PendingTimer) => boolean): PendingTimer | undefined => {
    let found: PendingTimer | undefined;
    for (const timer of timers) if (eligible(timer) && (found === undefined || timer.due < found.due)) found = timer;
    return found;
  };

  const jump = async (ms: number): Promise<void> => {
    const start = now();
    const end = start + ms;
    pinned = start;
    for (const timer of timers) clearTimeout(timer.handle);
    try {
      for (;;) {
        let timer = earliest((candidate) => !candidate.deferrable && candidate.due <= end);
        if (timer) {
          pinned = Math.max(pinned, timer.due);
        } else {
          timer = earliest((candidate) => candidate.due <= end);
          if (!timer) break;
          pinned = end;
        }
        timers.delete(timer);
        timer.fn();
        for (let turn = 0; turn < SETTLE_TURNS; turn++) await new Promise((resolve) => setImmediate(resolve));
      }
      pinned = end;
    } finally {
      // Time runs on from where the jump stopped: the end, or the timer whose callback threw.
      jumped += pinned - runningNow();
      pinned = undefined;
      for (const timer of timers) arm(timer, (timer.due - now()) / speed);
    }
  };

  return {
    now,
    sleep: (ms) => new Promise((resolve) => setTimer(resolve, ms)),
    setTimer,
    advance: (ms) => {
      if (!(ms >= 0) || !Number.isFinite(ms)) return Promise.reject(new RangeError(`advance needs a finite number of milliseconds >= 0, received ${ms}`));
      const run = jumps.then(() => jump(ms));
      jumps = run.catch(() => {});
      return run;
    },
    nextDueAt: () => earliest((timer) => !timer.deferrable)?.due,
  };
}

/** Where the local cloud writes what it does; the default prints one line per entry. */
export interface LocalLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: LocalLogger = { info() {}, warn() {}, error() {} };

/** The outcome of one synchronous Lambda invocation, as the Invoke API reports it. */
export type InvokeResult =
  | { readonly ok: true; readonly payload: unknown }
  | {
      readonly ok: false;
      /** The handler's error name (`errorType`), or `Sandbox.Timedout` when it ran out of time. */
      readonly errorType: string;
      readonly errorMessage: string;
      readonly trace?: readonly string[];
    };

/** Invokes a local function by ARN or name, synchronously (RequestResponse). */
export interface LambdaInvoker {
  invoke(functionArnOrName: string, event: unknown): Promise<InvokeResult>;
}

/**
 * Delivers a message to any ARN the app targets (an SQS queue, a Lambda function, a state
 * machine). Resolves when the target accepted it; rejects when it did not, so the caller can
 * retry and then dead-letter.
 */
export interface TargetDelivery {
  deliver(targetArn: string, body: string, attributes?: Record<string, string>): Promise<void>;
}

export function arnService(arn: string): string {
  const service = arn.split(':')[2];
  if (!service) throw new Error(`not an ARN: ${arn}`);
  return service;
}

/** The last segment of an ARN's resource part: a queue, function, bus or state machine name. */
export function arnResourceName(arn: string): string {
  const resource = arn.split(':').slice(5).join(':');
  const afterType = resource.includes('/') ? resource.slice(resource.lastIndexOf('/') + 1) : resource;
  // lambda and states ARNs are `function:NAME` / `stateMachine:NAME`
  const parts = afterType.split(':');
  return arn.split(':')[2] === 'lambda' || arn.split(':')[2] === 'states' ? (parts[1] ?? parts[0]!) : afterType;
}
