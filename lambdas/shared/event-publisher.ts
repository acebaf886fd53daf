import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENT_CATALOG, type DetailOf, type DetailType, type EventSource } from './events.ts';

/** PutEvents accepts at most this many entries per call. */
const MAX_ENTRIES_PER_CALL = 10;
const MAX_ATTEMPTS = 3;

export class EventPublishError extends Error {
  constructor(
    message: string,
    readonly failures: readonly { detailType: string; errorCode?: string; errorMessage?: string }[],
  ) {
    super(message);
    this.name = 'EventPublishError';
  }
}

export interface PublishableEvent<T extends DetailType = DetailType> {
  readonly detailType: T;
  readonly detail: DetailOf<T>;
}

/**
 * Publishes catalog events to one bus. Each detail is parsed against its schema first, calls
 * are chunked to the PutEvents limit, and entries the bus reports as failed are sent again,
 * because PutEvents fails per entry, not per call.
 */
export class EventPublisher {
  constructor(
    private readonly busName: string,
    /** The producer's own source; the bus policy lets each context publish only under its own. */
    private readonly source: EventSource,
    private readonly client: EventBridgeClient = new EventBridgeClient({}),
  ) {}

  async publish(events: readonly PublishableEvent[]): Promise<void> {
    const entries = events.map((event) => this.toEntry(event));
    for (let start = 0; start < entries.length; start += MAX_ENTRIES_PER_CALL) {
      await this.putWithResend(entries.slice(start, start + MAX_ENTRIES_PER_CALL));
    }
  }

  private toEntry({ detailType, detail }: PublishableEvent): PutEventsRequestEntry {
    const { sources, schema } = EVENT_CATALOG[detailType];
    if (!(sources as readonly string[]).includes(this.source)) {
      throw new Error(`${this.source} may not publish "${detailType}"; the catalog allows ${sources.join(', ')}`);
    }
    return {
      EventBusName: this.busName,
      Source: this.source,
      DetailType: detailType,
      Detail: JSON.stringify(schema.parse(detail)),
    };
  }

  private async putWithResend(entries: PutEventsRequestEntry[]): Promise<void> {
    let pending = entries;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const response = await this.client.send(new PutEventsCommand({ Entries: pending }));
      if (!response.FailedEntryCount) return;
      const results = response.Entries ?? [];
      const failed = pending.filter((_, index) => results[index]?.ErrorCode);
      if (attempt === MAX_ATTEMPTS) {
        throw new EventPublishError(
          `${failed.length} event(s) were not accepted by bus ${this.busName} after ${MAX_ATTEMPTS} attempts`,
          failed.map((entry) => {
            const result = results[pending.indexOf(entry)];
            return { detailType: entry.DetailType ?? '', errorCode: result?.ErrorCode, errorMessage: result?.ErrorMessage };
          }),
        );
      }
      pending = failed;
    }
  }
}
