import { HttpListener, type HttpReply, type HttpRequest } from '../whatsapp/http-listener.ts';
import { InjectedFaults } from '../whatsapp/injected-faults.ts';
import { SlidingWindowLimiter } from '../whatsapp/rate-limiter.ts';
import { WebhookQueue, type WebhookPost } from '../whatsapp/webhook-queue.ts';
import { copyIds, EventWebhookSigner, mailEvent, newXMessageId, type MailCopy, type MailEventKind } from './event-webhook.ts';
import type { ValidMail } from './mail-validation.ts';
import { acceptedReply, decide, MAIL_SEND_KEY, type SendGridFault, type SendGridFaultStatus } from './sendgrid-routes.ts';

export type { SendGridFaultStatus } from './sendgrid-routes.ts';

/** One recipient's copy of a mail SendGrid accepted. */
export interface ReceivedEmail {
  /** The `X-Message-Id` the send was answered with; shared by every recipient of that request. */
  readonly messageId: string;
  /** Local clock time it was accepted. */
  readonly at: number;
  readonly from: { readonly email: string; readonly name?: string };
  /** One recipient of one personalization. */
  readonly to: string;
  /** The personalization's subject, else the message's; '' when a dynamic template supplies it. */
  readonly subject: string;
  readonly text?: string;
  readonly html?: string;
  readonly categories: readonly string[];
  /** The message's custom args, overridden by the personalization's. */
  readonly customArgs: Readonly<Record<string, string>>;
  /** The last event the webhook reported; `dropped` is never reported, as nothing is suppressed. */
  status: 'processed' | 'delivered' | 'bounce' | 'dropped';
}

export interface SendGridSimulatorOptions {
  readonly apiKey: string;
  /** `mail/send` requests per sliding second of real time. @default 100 */
  readonly mailsPerSecond?: number;
  /** The local clock: acceptance times and event timestamps. @default real time */
  readonly clock?: { now(): number };
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
}

export interface SendGridStats {
  readonly accepted: number;
  /** By HTTP status, e.g. `'400'`. */
  readonly rejected: Record<string, number>;
  /** The most requests accepted in any one second of real time. */
  readonly peakPerSecond: number;
}

interface Copy {
  readonly email: ReceivedEmail;
  readonly events: MailCopy;
  /** Decided on acceptance, so marking an address later does not bounce mail already on its way. */
  readonly bounces: boolean;
}

/**
 * A local SendGrid v3 Mail Send over real HTTP (see sendgrid-routes.ts), with the Signed Event
 * Webhook to one subscriber: for each request accepted, a batch of `processed` events, then a
 * batch of `delivered` (or `bounce`, for an address {@link bounce} marked).
 */
export class SendGridSimulator {
  private readonly copies: Copy[] = [];
  private readonly bouncing = new Set<string>();
  private readonly faults = new InjectedFaults<SendGridFault>();
  private readonly webhooks: WebhookQueue;
  private readonly signer = new EventWebhookSigner();
  private readonly limiter: SlidingWindowLimiter;
  private readonly clock: { now(): number };
  private listener: HttpListener | undefined;
  private subscriber: { readonly url: string } | undefined;
  private accepted = 0;
  private readonly rejected: Record<string, number> = {};

  private constructor(private readonly options: SendGridSimulatorOptions) {
    this.limiter = new SlidingWindowLimiter(options.mailsPerSecond ?? 100);
    this.clock = options.clock ?? { now: Date.now };
    this.webhooks = new WebhookQueue({ clock: this.clock });
  }

  static async start(options: SendGridSimulatorOptions): Promise<SendGridSimulator> {
    const simulator = new SendGridSimulator(options);
    simulator.listener = await HttpListener.start(options.port ?? 0, (request) => simulator.handle(request));
    return simulator;
  }

  /** The base URL; clients POST `${url}/v3/mail/send`. */
  get url(): string {
    return this.listener?.url ?? '';
  }

  /** Base64 of the DER (SPKI) P-256 key that verifies event webhooks, as SendGrid shows it. */
  get publicKey(): string {
    return this.signer.publicKey;
  }

  get stats(): SendGridStats {
    return { accepted: this.accepted, rejected: { ...this.rejected }, peakPerSecond: this.limiter.peakPerSecond()[MAIL_SEND_KEY] ?? 0 };
  }

  /** Where event webhooks go from now on; replaces any earlier subscriber. */
  subscribe(webhook: { readonly url: string }): void {
    this.subscriber = { url: webhook.url };
  }

  /** The mails to one address (case-insensitive), oldest first. */
  mailbox(email: string): ReceivedEmail[] {
    return this.all().filter((received) => received.to.toLowerCase() === email.toLowerCase());
  }

  /** Every recipient's copy of every mail accepted, oldest first. */
  all(): ReceivedEmail[] {
    return structuredClone(this.copies.map((copy) => copy.email));
  }

  /** The next `times` requests (with `to` among their recipients, if given) fail with `status`. */
  injectFault(fault: { readonly status: SendGridFaultStatus; readonly to?: string; readonly times?: number }): void {
    const { times, ...armed } = fault;
    this.faults.add(armed, times);
  }

  /** Mails sent to `email` from now on are accepted, then bounce: `processed`, then `bounce`. */
  bounce(email: string): void {
    this.bouncing.add(email.toLowerCase());
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
    const decision = decide({ apiKey: this.options.apiKey, limiter: this.limiter, faults: this.faults }, request);
    if ('rejected' in decision) {
      const status = String(decision.rejected.status);
      this.rejected[status] = (this.rejected[status] ?? 0) + 1;
      return decision.rejected;
    }
    const xMessageId = newXMessageId();
    const copies = this.record(xMessageId, decision.accepted);
    this.accepted++;
    void this.webhooks.emit(() => this.report(copies, () => 'processed'));
    void this.webhooks.emit(() => this.report(copies, (copy) => (copy.bounces ? 'bounce' : 'delivered')));
    return acceptedReply(xMessageId);
  }

  private record(xMessageId: string, mail: ValidMail): Copy[] {
    const at = this.clock.now();
    const recipients = mail.personalizations.flatMap((personalization) => personalization.to.map((to) => ({ to, personalization })));
    const copies = recipients.map(({ to, personalization }, index): Copy => {
      const customArgs = { ...mail.customArgs, ...personalization.customArgs };
      const email: ReceivedEmail = {
        messageId: xMessageId,
        at,
        from: { ...mail.from },
        to,
        subject: personalization.subject ?? mail.subject ?? '',
        ...(mail.text === undefined ? {} : { text: mail.text }),
        ...(mail.html === undefined ? {} : { html: mail.html }),
        categories: [...mail.categories],
        customArgs,
        status: 'processed',
      };
      return { email, events: { email: to, ...copyIds(xMessageId, index, at), categories: mail.categories, customArgs }, bounces: this.bouncing.has(to.toLowerCase()) };
    });
    this.copies.push(...copies);
    return copies;
  }

  /** Moves each copy to the event `kindOf` gives it and returns the batch, if anyone subscribed. */
  private report(copies: readonly Copy[], kindOf: (copy: Copy) => MailEventKind): WebhookPost | undefined {
    const atMs = this.clock.now();
    const events = copies.map((copy) => {
      const kind = kindOf(copy);
      copy.email.status = kind;
      return mailEvent(kind, copy.events, atMs);
    });
    const subscriber = this.subscriber;
    if (!subscriber) return undefined;
    const body = JSON.stringify(events);
    return { url: subscriber.url, body, headers: (attemptAtMs) => ({ ...this.signer.headers(body, attemptAtMs), 'user-agent': 'SendGrid Event API' }) };
  }
}
