/**
 * The callback side of `.waitForTaskToken`: issues one token per task attempt, and settles the
 * waiting task on SendTaskSuccess / SendTaskFailure, or on a missed heartbeat.
 */
import { randomBytes } from 'node:crypto';
import { AwsServiceError, type Clock } from '../contracts.ts';
import { deferred } from './deferred.ts';
import { TaskFailure } from './errors.ts';

const TOKEN_PREFIX = 'AQCEAAAAKgAAAA';
const TOKEN_SHAPE = /^AQCEAAAAKgAAAA[A-Za-z0-9_-]{64}$/;

interface PendingTask {
  readonly executionArn: string;
  readonly resolve: (output: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly heartbeatSeconds: number | undefined;
  cancelHeartbeat: () => void;
}

/** Why a token no longer accepts callbacks; AWS answers differently for each. */
type ClosedReason = 'completed' | 'timed-out';

export interface IssuedToken {
  readonly token: string;
  /** Settles with the SendTaskSuccess output, or rejects with the failure / heartbeat timeout. */
  readonly outcome: Promise<unknown>;
  /** Stops accepting callbacks for this token, e.g. when the task timed out or the execution ended. */
  close(reason: ClosedReason): void;
}

export class TaskTokenRegistry {
  private readonly pending = new Map<string, PendingTask>();
  private readonly closed = new Map<string, ClosedReason>();

  constructor(private readonly clock: Clock) {}

  issue(executionArn: string, heartbeatSeconds: number | undefined): IssuedToken {
    const token = TOKEN_PREFIX + randomBytes(48).toString('base64url');
    const { promise, resolve, reject } = deferred<unknown>();
    // A task abandoned by its execution may never be awaited again; its rejection is not news.
    promise.catch(() => {});
    const task: PendingTask = { executionArn, resolve, reject, heartbeatSeconds, cancelHeartbeat: () => {} };
    this.pending.set(token, task);
    this.armHeartbeat(token, task);
    const close = (reason: ClosedReason) => {
      if (!this.pending.has(token)) return;
      this.settle(token, reason);
      reject(new TaskFailure('States.Runtime', `the task token was closed: ${reason}`));
    };
    return { token, outcome: promise, close };
  }

  succeed(token: string, output: unknown): void {
    const task = this.take(token);
    task.resolve(output);
  }

  fail(token: string, error: string | undefined, cause: string | undefined): void {
    const task = this.take(token);
    task.reject(new TaskFailure(error ?? '', cause ?? ''));
  }

  heartbeat(token: string): void {
    const task = this.find(token);
    this.armHeartbeat(token, task);
  }

  /** Tokens still awaiting a callback for this execution. */
  waitingCount(executionArn: string): number {
    let count = 0;
    for (const task of this.pending.values()) if (task.executionArn === executionArn) count += 1;
    return count;
  }

  private armHeartbeat(token: string, task: PendingTask): void {
    task.cancelHeartbeat();
    if (task.heartbeatSeconds === undefined) return;
    task.cancelHeartbeat = this.clock.setTimer(() => {
      this.settle(token, 'timed-out');
      task.reject(new TaskFailure('States.HeartbeatTimeout', `no heartbeat within ${task.heartbeatSeconds} seconds`));
    }, task.heartbeatSeconds * 1000);
  }

  private take(token: string): PendingTask {
    const task = this.find(token);
    this.settle(token, 'completed');
    return task;
  }

  private settle(token: string, reason: ClosedReason): void {
    const task = this.pending.get(token);
    if (!task) return;
    task.cancelHeartbeat();
    this.pending.delete(token);
    this.closed.set(token, reason);
  }

  private find(token: string): PendingTask {
    const task = this.pending.get(token);
    if (task) return task;
    if (!TOKEN_SHAPE.test(token)) throw new AwsServiceError('InvalidToken', 'Invalid Token: the task token is malformed');
    if (this.closed.get(token) === 'timed-out') throw new AwsServiceError('TaskTimedOut', 'Task Timed Out');
    throw new AwsServiceError('TaskDoesNotExist', 'Task does not exist anymore');
  }
}
