import { AwsServiceError, type Clock, type JsonProtocolService, type LocalLogger, type TargetDelivery } from '../contracts.ts';
import { Archive, type ArchiveDefinition } from './archive.ts';
import { busArn, busNameOf, ruleArn } from './arns.ts';
import { createEnvelope, type EventEnvelope } from './envelope.ts';
import { InFlightWork } from './in-flight.ts';
import { compileEventPattern, InvalidEventPatternError, type EventMatcher } from './pattern.ts';
import { entrySizeBytes, parseEntry, parseTime, type PutEventsEntry } from './put-events-entry.ts';
import { Replay } from './replay.ts';
import { TargetDispatcher, type RuleTarget } from './target-dispatcher.ts';
import { selectJsonPath } from './target-input.ts';

export type { ArchiveDefinition } from './archive.ts';
export type { EventEnvelope } from './envelope.ts';
export type { RuleTarget, TargetRetryPolicy } from './target-dispatcher.ts';

export interface EventBridgeServiceOptions {
  readonly clock: Clock;
  readonly logger: LocalLogger;
  readonly delivery: TargetDelivery;
  /** The first retry waits this long (clock time); each further retry doubles it. Default 1000. */
  readonly retryBaseDelayMs?: number;
}

export interface RuleDefinition {
  readonly name: string;
  readonly busName: string;
  /** The pattern as an object (CloudFormation) or as JSON text (PutRule). */
  readonly eventPattern: unknown;
  readonly state?: 'ENABLED' | 'DISABLED';
  readonly targets: readonly RuleTarget[];
}

interface Rule {
  readonly arn: string;
  readonly definition: RuleDefinition;
  readonly pattern: unknown;
  readonly matches: EventMatcher;
}

interface Bus {
  readonly name: string;
  readonly arn: string;
  readonly rules: Map<string, Rule>;
}

const MAX_ENTRIES_PER_PUT = 10;
const MAX_PUT_EVENTS_BYTES = 256 * 1024;

/** The local EventBridge: buses, rules with targets, archives and replays, behind the AWSEvents JSON protocol. */
export class EventBridgeService implements JsonProtocolService {
  readonly targetPrefix = 'AWSEvents';
  private readonly buses = new Map<string, Bus>();
  private readonly archives = new Map<string, Archive>();
  private readonly replays = new Map<string, Replay>();
  private readonly work: InFlightWork;
  private readonly dispatcher: TargetDispatcher;

  constructor(private readonly options: EventBridgeServiceOptions) {
    this.work = new InFlightWork(options.clock);
    this.dispatcher = new TargetDispatcher({ ...options, work: this.work });
  }

  // ---- setup, used by the boot code ------------------------------------------------------

  createBus({ name }: { name: string }): { arn: string } {
    if (this.buses.has(name)) throw new Error(`event bus ${name} already exists`);
    const bus: Bus = { name, arn: busArn(name), rules: new Map() };
    this.buses.set(name, bus);
    return { arn: bus.arn };
  }

  /** Throws (naming the field) when the pattern is invalid, so a bad template stops the boot. */
  addRule(definition: RuleDefinition): { arn: string } {
    const bus = this.buses.get(busNameOf(definition.busName));
    if (!bus) throw new Error(`rule ${definition.name}: event bus ${definition.busName} does not exist`);
    if (bus.rules.has(definition.name)) throw new Error(`rule ${definition.name} already exists on bus ${bus.name}`);
    for (const target of definition.targets) {
      if (target.input !== undefined && target.inputPath !== undefined) {
        throw new Error(`rule ${definition.name} target ${target.id}: Input and InputPath are mutually exclusive`);
      }
      if (target.inputPath !== undefined) selectJsonPath({}, target.inputPath);
    }
    const pattern = patternObject(definition.eventPattern);
    const rule: Rule = { arn: ruleArn(bus.name, definition.name), definition, pattern, matches: compileEventPattern(pattern) };
    bus.rules.set(definition.name, rule);
    return { arn: rule.arn };
  }

  createArchive(definition: ArchiveDefinition): { arn: string } {
    if (this.archives.has(definition.name)) throw new Error(`archive ${definition.name} already exists`);
    if (!this.buses.has(busNameOf(definition.sourceBusArn))) {
      throw new Error(`archive ${definition.name}: event bus ${definition.sourceBusArn} does not exist`);
    }
    const normalized: ArchiveDefinition = {
      ...definition,
      sourceBusArn: busArn(busNameOf(definition.sourceBusArn)),
      eventPattern: definition.eventPattern === undefined ? undefined : patternObject(definition.eventPattern),
    };
    const archive = new Archive(normalized, this.options.clock.now());
    this.archives.set(definition.name, archive);
    return { arn: archive.arn };
  }

  // ---- introspection, for tests and the CLI ------------------------------------------------

  archivedEvents(archiveName: string): EventEnvelope[] {
    const archive = this.archives.get(archiveName);
    if (!archive) throw new Error(`archive ${archiveName} does not exist`);
    return archive.retainedEvents(this.options.clock.now());
  }

  /** Deliveries (including their retry waits) and replays still running. */
  pendingDeliveries(): number {
    return this.work.count;
  }

  /** Deliveries and replays running right now; those waiting on the clock to retry are left out. */
  activeDeliveries(): number {
    return this.work.activeCount;
  }

  /** Resolves when no delivery, retry or replay is in flight. */
  idle(): Promise<void> {
    return this.work.idle();
  }

  /** Abandons pending retries so no timer outlives the local cloud. */
  stop(): void {
    this.work.stop();
  }

  // ---- the AWSEvents JSON protocol ------------------------------------------------------

  async handle(operation: string, input: Record<string, unknown>): Promise<unknown> {
    switch (operation) {
      case 'PutEvents':
        return this.putEvents(input);
      case 'StartReplay':
        return this.startReplay(input);
      case 'DescribeReplay':
        return this.describeReplay(input);
      case 'DescribeArchive':
        return this.describeArchive(input);
      case 'ListRules':
        return this.listRules(input);
      default:
        throw new AwsServiceError('UnknownOperationException', `The local EventBridge does not support ${operation}`);
    }
  }

  private putEvents(input: Record<string, unknown>): unknown {
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES_PER_PUT) {
      throw new AwsServiceError(
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES_PER_PUT}`,
      );
    }
    const typedEntries = entries as PutEventsEntry[];
    const totalBytes = typedEntries.reduce((sum, entry) => sum + entrySizeBytes(entry), 0);
    if (totalBytes > MAX_PUT_EVENTS_BYTES) {
      throw new AwsServiceError('ValidationException', 'Total size of the entries in the request is over the limit.');
    }
    const results = typedEntries.map((entry) => {
      const parsed = parseEntry(entry, this.options.clock.now());
      if (!parsed.ok) return { ErrorCode: parsed.ErrorCode, ErrorMessage: parsed.ErrorMessage };
      const bus = this.buses.get(busNameOf(parsed.busName));
      if (!bus) return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${parsed.busName} does not exist.` };
      const event = createEnvelope(parsed.fields);
      this.route(bus, event);
      return { EventId: event.id };
    });
    return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
  }

  /** Sends the event to every enabled matching rule's targets (only `onlyRules` if given) and to the bus's archives. */
  private route(bus: Bus, event: EventEnvelope, onlyRules?: ReadonlySet<string>): void {
    for (const rule of bus.rules.values()) {
      if (onlyRules && !onlyRules.has(rule.arn)) continue;
      if ((rule.definition.state ?? 'ENABLED') !== 'ENABLED' || !rule.matches(event)) continue;
      for (const target of rule.definition.targets) this.dispatcher.dispatch(event, rule.arn, target);
    }
    for (const archive of this.archives.values()) {
      if (archive.definition.sourceBusArn === bus.arn) archive.offer(event, this.options.clock.now());
    }
  }

  private startReplay(input: Record<string, unknown>): unknown {
    const name = requiredString(input, 'ReplayName');
    if (!/^[.\-_A-Za-z0-9]{1,64}$/.test(name)) throw validation('ReplayName', 'it must match [.\\-_A-Za-z0-9]{1,64}');
    if (this.replays.has(name)) throw new AwsServiceError('ResourceAlreadyExistsException', `Replay ${name} already exists.`);
    const archiveArnInput = requiredString(input, 'EventSourceArn');
    const archive = [...this.archives.values()].find((candidate) => candidate.arn === archiveArnInput);
    if (!archive) throw new AwsServiceError('ResourceNotFoundException', `Archive ${archiveArnInput} does not exist.`);
    const destination = input.Destination;
    if (typeof destination !== 'object' || destination === null) throw validation('Destination', 'it is required');
    const { Arn: destinationArn, FilterArns: filterArns } = destination as { Arn?: unknown; FilterArns?: unknown };
    if (typeof destinationArn !== 'string') throw validation('Destination.Arn', 'it is required');
    if (busArn(busNameOf(destinationArn)) !== archive.definition.sourceBusArn) {
      throw validation('Destination.Arn', 'events can only be replayed to the event bus the archive was created on');
    }
    const bus = this.buses.get(busNameOf(destinationArn))!;
    if (filterArns !== undefined) {
      const ruleArns = new Set([...bus.rules.values()].map((rule) => rule.arn));
      if (!Array.isArray(filterArns) || !filterArns.every((arn) => typeof arn === 'string' && ruleArns.has(arn))) {
        throw validation('Destination.FilterArns', `every entry must be the ARN of a rule on ${bus.name}`);
      }
    }
    const eventStartMs = parseTime(input.EventStartTime);
    const eventEndMs = parseTime(input.EventEndTime);
    if (eventStartMs === undefined) throw validation('EventStartTime', 'it is required');
    if (eventEndMs === undefined) throw validation('EventEndTime', 'it is required');
    if (!(eventStartMs < eventEndMs)) throw validation('EventStartTime', 'it must be before EventEndTime');

    const replay = new Replay(
      {
        name,
        archiveArn: archive.arn,
        destinationBusArn: bus.arn,
        filterArns: filterArns as string[] | undefined,
        eventStartMs,
        eventEndMs,
      },
      this.options.clock.now(),
    );
    this.replays.set(name, replay);
    this.work.start(() => this.runReplay(replay, archive, bus));
    return { ReplayArn: replay.arn, State: replay.state, StartTime: replay.startedAtMs / 1000 };
  }

  /** Re-puts the archived events, keeping their id and time, so StartReplay can answer first. */
  private async runReplay(replay: Replay, archive: Archive, bus: Bus): Promise<void> {
    if (!(await this.work.wait(0))) return;
    replay.state = 'RUNNING';
    const { eventStartMs, eventEndMs, filterArns } = replay.request;
    const onlyRules = filterArns ? new Set(filterArns) : undefined;
    for (const archived of archive.eventsBetween(eventStartMs, eventEndMs, this.options.clock.now())) {
      this.route(bus, { ...archived, 'replay-name': replay.request.name }, onlyRules);
      replay.lastReplayedEventMs = Date.parse(archived.time);
    }
    replay.state = 'COMPLETED';
    replay.endedAtMs = this.options.clock.now();
    this.options.logger.info('eventbridge replay completed', { replayName: replay.request.name });
  }

  private describeReplay(input: Record<string, unknown>): unknown {
    const name = requiredString(input, 'ReplayName');
    const replay = this.replays.get(name);
    if (!replay) throw new AwsServiceError('ResourceNotFoundException', `Replay ${name} does not exist.`);
    return replay.describe();
  }

  private describeArchive(input: Record<string, unknown>): unknown {
    const name = requiredString(input, 'ArchiveName');
    const archive = this.archives.get(name);
    if (!archive) throw new AwsServiceError('ResourceNotFoundException', `Archive ${name} does not exist.`);
    return archive.describe(this.options.clock.now());
  }

  private listRules(input: Record<string, unknown>): unknown {
    const busName = typeof input.EventBusName === 'string' ? busNameOf(input.EventBusName) : 'default';
    const prefix = typeof input.NamePrefix === 'string' ? input.NamePrefix : '';
    const bus = this.buses.get(busName);
    if (!bus) throw new AwsServiceError('ResourceNotFoundException', `Event bus ${busName} does not exist.`);
    const rules = [...bus.rules.values()]
      .filter((rule) => rule.definition.name.startsWith(prefix))
      .map((rule) => ({
        Name: rule.definition.name,
        Arn: rule.arn,
        EventPattern: JSON.stringify(rule.pattern),
        State: rule.definition.state ?? 'ENABLED',
        EventBusName: bus.name,
      }));
    return { Rules: rules };
  }
}

/** Patterns come as objects from the template and as JSON text from the API. */
function patternObject(pattern: unknown): unknown {
  if (typeof pattern !== 'string') return pattern;
  try {
    return JSON.parse(pattern);
  } catch {
    throw new InvalidEventPatternError('(root)', 'the event pattern is not valid JSON');
  }
}

function requiredString(input: Record<string, unknown>, key: string): string {
  const value = input[key];
  if (typeof value !== 'string' || value === '') throw validation(key, 'it is required');
  return value;
}

function validation(parameter: string, reason: string): AwsServiceError {
  return new AwsServiceError('ValidationException', `Parameter ${parameter} is not valid. Reason: ${reason}.`);
}
