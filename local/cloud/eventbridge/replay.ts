import { replayArn } from './arns.ts';

export type ReplayState = 'STARTING' | 'RUNNING' | 'COMPLETED' | 'FAILED';

export interface ReplayRequest {
  readonly name: string;
  readonly archiveArn: string;
  readonly destinationBusArn: string;
  readonly filterArns?: readonly string[];
  readonly eventStartMs: number;
  readonly eventEndMs: number;
}

/** The progress of one StartReplay, as DescribeReplay reports it. */
export class Replay {
  readonly arn: string;
  state: ReplayState = 'STARTING';
  stateReason?: string;
  endedAtMs?: number;
  lastReplayedEventMs?: number;

  constructor(
    readonly request: ReplayRequest,
    readonly startedAtMs: number,
  ) {
    this.arn = replayArn(request.name);
  }

  describe(): Record<string, unknown> {
    const seconds = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : ms / 1000);
    const { request } = this;
    return withoutUndefined({
      ReplayName: request.name,
      ReplayArn: this.arn,
      State: this.state,
      StateReason: this.stateReason,
      EventSourceArn: request.archiveArn,
      Destination: withoutUndefined({ Arn: request.destinationBusArn, FilterArns: request.filterArns }),
      EventStartTime: seconds(request.eventStartMs),
      EventEndTime: seconds(request.eventEndMs),
      EventLastReplayedTime: seconds(this.lastReplayedEventMs),
      ReplayStartTime: seconds(this.startedAtMs),
      ReplayEndTime: seconds(this.endedAtMs),
    });
  }
}

function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
