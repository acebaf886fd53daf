import { randomInt } from 'node:crypto';
import { ApprovedTemplates, type ApprovedTemplate } from './approved-templates.ts';
import type { WhatsAppFaultCode } from './graph-errors.ts';
import { HttpListener, type HttpReply, type HttpRequest } from './http-listener.ts';
import { InjectedFaults } from './injected-faults.ts';
import {
  inboundNotification,
  META_SIGNATURE_HEADER,
  newWamid,
  signMetaWebhook,
  statusNotification,
  UNDELIVERABLE,
  type DeliveryStatus,
} from './meta-webhooks.ts';
import { SlidingWindowLimiter } from './rate-limiter.ts';
import { waIdOf } from './send-request.ts';
import { WebhookQueue, type WebhookPost } from './webhook-queue.ts';
import { decide, refusedReply, sentReply, type AcceptedSend, type SimulatedPhoneNumber, type WhatsAppFault } from './whatsapp-routes.ts';

export type { ApprovedTemplate } from './approved-templates.ts';
export type { WhatsAppFaultCode } from './graph-errors.ts';
export type { SimulatedPhoneNumber } from './whatsapp-routes.ts';

/** One message a business number sent, as the customer's phone holds it. */
export interface ReceivedWhatsApp {
  /** The `wamid.…` the send was answered with. */
  readonly id: string;
  /** Local clock time it was accepted. */
  readonly at: number;
  /** The business number that sent it. */
  readonly phoneNumberId: string;
  /** E.164 with '+', e.g. `+919812345670`, however the sender wrote it. */
  readonly to: string;
  readonly type: 'template' | 'text';
  readonly template?: { readonly name: string; readonly languageCode: string; readonly parameters: readonly string[] };
  /** What the customer reads: the template body with its parameters in, or the text. */
  readonly text: string;
  /** The last status the webhooks reported; never `read` (the simulated customer never opens it). */
  status: 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';
}

export interface WhatsAppSimulatorOptions {
  readonly phoneNumbers: readonly SimulatedPhoneNumber[];
  readonly templates: readonly ApprovedTemplate[];
  /** The Meta app's secret, which signs every webhook. */
  readonly appSecret: string;
  /** Per phone number id, on a sliding second of real time. @default 80, Meta's default throughput */
  readonly messagesPerSecond?: number;
  /** The local clock: message times, webhook timestamps and the 24 h window. @default real time */
  readonly clock?: { now(): number };
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /** The WhatsApp Business Account id webhooks name in `entry[].id`. @default a random one */
  readonly businessAccountId?: string;
}

export interface WhatsAppStats {
  readonly accepted: number;
  /** By Graph error code, e.g. `'130429'`. */
  readonly rejected: Record<string, number>;
  /** The most sends accepted in any one second of real time, by phone number id. */
  readonly peakPerSecond: Record<string, number>;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const META_DEFAULT_THROUGHPUT = 80;

/**
 * A local WhatsApp Business Cloud API over real HTTP (see whatsapp-routes.ts for the checks),
 * with Meta's signed webhooks to one subscriber: `sent` then `delivered` for each message
 * accepted (or `failed`, for an injected 131026), and what customers write.
 */
export class WhatsAppSimulator {
  private readonly messages: ReceivedWhatsApp[] = [];
  /** When each customer last wrote to each business number, by `<phone number id> <wa id>`. */
  private readonly lastInbound = new Map<string, number>();
  private readonly faults = new InjectedFaults<WhatsAppFault>();
  private readonly webhooks: WebhookQueue;
  private readonly limiter: SlidingWindowLimiter;
  private readonly numbers: ReadonlyMap<string, SimulatedPhoneNumber>;
  private readonly templates: ApprovedTemplates;
  private readonly clock: { now(): number };
  private readonly businessAccountId: string;
  private listener: HttpListener | undefined;
  private subscriber: { readonly url: string } | undefined;
  private accepted = 0;
  private readonly rejected: Record<string, number> = {};

  /** The throughput each number is allowed, as Meta enforces it. */
  get messagesPerSecond(): number {
    return this.options.messagesPerSecond ?? META_DEFAULT_THROUGHPUT;
  }

  private constructor(private readonly options: WhatsAppSimulatorOptions) {
    this.numbers = new Map(options.phoneNumbers.map((number) => [number.phoneNumberId, number]));
    this.templates = new ApprovedTemplates(options.templates);
    this.limiter = new SlidingWindowLimiter(options.messagesPerSecond ?? META_DEFAULT_THROUGHPUT);
    this.clock = options.clock ?? { now: Date.now };
    this.webhooks = new WebhookQueue({ clock: this.clock });
    // randomInt cannot span 15 digits at once (its range stops at 2^48).
    this.businessAccountId = options.businessAccountId ?? `1${String(randomInt(0, 1e14)).padStart(14, '0')}`;
  }

  static async start(options: WhatsAppSimulatorOptions): Promise<WhatsAppSimulator> {
    const simulator = new WhatsAppSimulator(options);
    simulator.listener = await HttpListener.start(options.port ?? 0, (request) => simulator.handle(request));
    return simulator;
  }

  /** The base URL; clients POST `${url}/v21.0/{phoneNumberId}/messages`. */
  get url(): string {
    return this.listener?.url ?? '';
  }

  get stats(): WhatsAppStats {
    return { accepted: this.accepted, rejected: { ...this.rejected }, peakPerSecond: this.limiter.peakPerSecond() };
  }

  /** Where status and inbound-message webhooks go from now on; replaces any earlier subscriber. */
  subscribe(webhook: { readonly url: string }): void {
    this.subscriber = { url: webhook.url };
  }

  /** The messages sent to one customer (E.164, '+' optional), oldest first. */
  inbox(phone: string): ReceivedWhatsApp[] {
    const to = `+${waIdOf(phone) ?? phone.replace(/^\+/, '')}`;
    return this.all().filter((message) => message.to === to);
  }

  /** Every message accepted, oldest first. */
  all(): ReceivedWhatsApp[] {
    return structuredClone(this.messages);
  }

  /**
   * The next `times` sends matching `to` and `template` fail with `code`. Each code answers as
   * Meta does, except 131026: that send is accepted and its status webhook then says `failed`.
   */
  injectFault(fault: { readonly code: WhatsAppFaultCode; readonly to?: string; readonly template?: string; readonly times?: number }): void {
    const { times, ...armed } = fault;
    if (armed.to !== undefined && waIdOf(armed.to) === undefined) throw new Error(`cannot target a fault at ${armed.to}: not a phone number`);
    this.faults.add(armed, times);
  }

  /**
   * A customer writes to a business number: it opens their 24 h window for free-form text, and
   * the inbound-message webhook goes out. Resolves with the message's id once it was delivered
   * (or given up on).
   */
  async customerWrites(from: string, toPhoneNumberId: string, text: string): Promise<string> {
    const fromWaId = waIdOf(from);
    if (fromWaId === undefined) throw new Error(`${from} is not a phone number in international format`);
    const number = this.numbers.get(toPhoneNumberId);
    if (!number) throw new Error(`no simulated phone number ${toPhoneNumberId}`);
    const atMs = this.clock.now();
    this.lastInbound.set(windowKey(toPhoneNumberId, fromWaId), atMs);
    const messageId = newWamid(fromWaId);
    await this.webhooks.emit(() => this.signed(inboundNotification(this.businessAccountId, number, { messageId, fromWaId, atMs, text })));
    return messageId;
  }

  /** Resolves when no webhook is in flight, waiting for a retry, or queued. */
  idle(): Promise<void> {
    return this.webhooks.idle();
  }

  async stop(): Promise<void> {
    this.webhooks.stop();
    await this.listener?.stop();
  }

  private handle(request: HttpRequest): HttpReply {
    const decision = decide(
      {
        numbers: this.numbers,
        templates: this.templates,
        limiter: this.limiter,
        faults: this.faults,
        windowOpen: (phoneNumberId, waId) => this.clock.now() - (this.lastInbound.get(windowKey(phoneNumberId, waId)) ?? -Infinity) < DAY_MS,
      },
      request,
    );
    if ('rejected' in decision) {
      const code = String(decision.rejected.code);
      this.rejected[code] = (this.rejected[code] ?? 0) + 1;
      return refusedReply(decision.rejected);
    }
    const message = this.record(decision.accepted);
    return sentReply(decision.accepted.send, message.id);
  }

  private record({ number, send, text, undeliverable }: AcceptedSend): ReceivedWhatsApp {
    const message: ReceivedWhatsApp = {
      id: newWamid(send.waId),
      at: this.clock.now(),
      phoneNumberId: number.phoneNumberId,
      to: `+${send.waId}`,
      type: send.type,
      ...(send.type === 'template' ? { template: { name: send.name, languageCode: send.languageCode, parameters: [...send.parameters] } } : {}),
      text,
      status: 'accepted',
    };
    this.messages.push(message);
    this.accepted++;
    const statuses: DeliveryStatus[] = undeliverable ? ['failed'] : ['sent', 'delivered'];
    for (const status of statuses) void this.webhooks.emit(() => this.report(message, number, status));
    return message;
  }

  /** Moves the message to `status` and returns its status webhook, if anyone subscribed. */
  private report(message: ReceivedWhatsApp, number: SimulatedPhoneNumber, status: DeliveryStatus): WebhookPost | undefined {
    message.status = status;
    return this.signed(
      statusNotification(this.businessAccountId, number, {
        messageId: message.id,
        status,
        atMs: this.clock.now(),
        recipientWaId: message.to.slice(1),
        ...(status === 'failed' ? { errors: [UNDELIVERABLE] } : {}),
      }),
    );
  }

  private signed(notification: unknown): WebhookPost | undefined {
    const subscriber = this.subscriber;
    if (!subscriber) return undefined;
    const body = JSON.stringify(notification);
    const signature = signMetaWebhook(this.options.appSecret, body);
    return { url: subscriber.url, body, headers: () => ({ [META_SIGNATURE_HEADER]: signature, 'user-agent': 'facebookexternalua' }) };
  }
}

const windowKey = (phoneNumberId: string, waId: string) => `${phoneNumberId} ${waId}`;
