/**
 * The execution history as GetExecutionHistory reports it: numbered events with AWS's event types
 * and `<type>EventDetails` members. Task events come from the task handlers; state, Parallel and
 * Map events come from the runner's event log.
 */
import type { StateMachine } from 'aws-local-stepfunctions';
import type { Clock } from '../contracts.ts';

export type RunnerEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export interface HistoryEvent {
  /** Local-cloud time in epoch milliseconds. */
  readonly timestamp: number;
  readonly type: string;
  readonly id: number;
  readonly previousEventId: number;
  readonly [detailsKey: string]: unknown;
}

export class ExecutionHistory {
  private readonly events: HistoryEvent[] = [];
  private frozen = false;

  constructor(private readonly clock: Clock) {}

  add(type: string, details?: Record<string, unknown>): void {
    if (this.frozen) return;
    const previousEventId = this.events.length;
    const event: HistoryEvent = { timestamp: this.clock.now(), type, id: previousEventId + 1, previousEventId };
    this.events.push(details === undefined ? event : { ...event, [detailsKeyOf(type)]: details });
  }

  /** Called once the closing event is in: nothing after the close belongs to the execution. */
  freeze(): void {
    this.frozen = true;
  }

  list(): readonly HistoryEvent[] {
    return this.events;
  }

  /**
   * Adds the runner's event in AWS terms. `originalType` gives the state's type in the source
   * definition, since Wait states run as Tasks. Execution-level events are added by the service,
   * and task-level ones by the handlers, so those runner events are skipped.
   */
  addRunnerEvent(event: RunnerEvent, originalType: (stateName: string) => string): void {
    switch (event.type) {
      case 'StateEntered': {
        const type = originalType(event.state.name);
        this.add(`${type}StateEntered`, { name: event.state.name, input: toJson(event.state.input), inputDetails: { truncated: false } });
        if (type === 'Parallel' || type === 'Map') this.add(`${type}StateStarted`);
        return;
      }
      case 'StateExited': {
        const type = originalType(event.state.name);
        if (type === 'Parallel' || type === 'Map') this.add(`${type}StateSucceeded`);
        this.add(`${type}StateExited`, { name: event.state.name, output: toJson(event.state.output ?? null), outputDetails: { truncated: false } });
        return;
      }
      case 'StateFailed': {
        const type = originalType(event.state.name);
        if (type === 'Parallel' || type === 'Map') this.add(`${type}StateFailed`);
        return;
      }
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        this.add(event.type, { name: event.parentState.name, index: event.index });
        return;
      default:
        return;
    }
  }
}

function detailsKeyOf(type: string): string {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
}

function toJson(value: unknown): string {
  return JSON.stringify(value ?? null);
}
