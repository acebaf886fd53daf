import { archiveArn } from './arns.ts';
import type { EventEnvelope } from './envelope.ts';
import { compileEventPattern, type EventMatcher } from './pattern.ts';

export interface ArchiveDefinition {
  readonly name: string;
  readonly sourceBusArn: string;
  readonly eventPattern?: unknown;
  /** 0 or absent keeps events forever, as in AWS. */
  readonly retentionDays?: number;
}

interface ArchivedEvent {
  readonly event: EventEnvelope;
  readonly archivedAtMs: number;
  readonly sizeBytes: number;
}

/** Keeps the events of one bus that match its pattern, for replay. */
export class Archive {
  readonly arn: string;
  readonly createdAtMs: number;
  private readonly matches: EventMatcher;
  private readonly events: ArchivedEvent[] = [];

  constructor(
    readonly definition: ArchiveDefinition,
    createdAtMs: number,
  ) {
    this.arn = archiveArn(definition.name);
    this.createdAtMs = createdAtMs;
    this.matches = definition.eventPattern === undefined ? () => true : compileEventPattern(definition.eventPattern);
  }

  /** Records the event if it belongs here. Replayed events never do: AWS's archive rule excludes them. */
  offer(event: EventEnvelope, nowMs: number): void {
    if (event['replay-name'] !== undefined || !this.matches(event)) return;
    this.events.push({ event, archivedAtMs: nowMs, sizeBytes: Buffer.byteLength(JSON.stringify(event)) });
  }

  /** The retained events whose `time` lies in [startMs, endMs). */
  eventsBetween(startMs: number, endMs: number, nowMs: number): EventEnvelope[] {
    return this.retained(nowMs)
      .map(({ event }) => event)
      .filter((event) => {
        const timeMs = Date.parse(event.time);
        return timeMs >= startMs && timeMs < endMs;
      });
  }

  retainedEvents(nowMs: number): EventEnvelope[] {
    return this.retained(nowMs).map(({ event }) => event);
  }

  describe(nowMs: number): Record<string, unknown> {
    const retained = this.retained(nowMs);
    return {
      ArchiveArn: this.arn,
      ArchiveName: this.definition.name,
      EventSourceArn: this.definition.sourceBusArn,
      ...(this.definition.eventPattern === undefined ? {} : { EventPattern: JSON.stringify(this.definition.eventPattern) }),
      State: 'ENABLED',
      RetentionDays: this.definition.retentionDays ?? 0,
      SizeBytes: retained.reduce((sum, archived) => sum + archived.sizeBytes, 0),
      EventCount: retained.length,
      CreationTime: this.createdAtMs / 1000,
    };
  }

  private retained(nowMs: number): ArchivedEvent[] {
    const days = this.definition.retentionDays ?? 0;
    if (days <= 0) return this.events;
    const oldestMs = nowMs - days * 86_400_000;
    return this.events.filter((archived) => archived.archivedAtMs >= oldestMs);
  }
}
