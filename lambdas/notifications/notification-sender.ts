import { setTimeout } from 'node:timers/promises';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { findBrand, type BrandConfig } from '#config/brands';
import { CanonicalOrderSchema, type Channel } from '#shared/canonical-order';
import { logger, metrics } from '#shared/observability';
import type { ContactRecord, NotificationsTable, NotificationKey } from './adapters/notifications-table.ts';
import type { SendGridSender } from './adapters/sendgrid-client.ts';
import type { SendPacer } from './adapters/send-pacer.ts';
import type { BrandWhatsAppNumbers, WhatsAppClient, WhatsAppSendResult } from './adapters/whatsapp-client.ts';
import { planChannels, type Recipient } from './domain/channel-plan.ts';
import { messageContext } from './domain/message-context.ts';
import type { NotificationIntent } from './domain/notification-intent.ts';
import { quietUntil } from './domain/quiet-hours.ts';
import { customerTimeZone, languageFor } from '#shared/customer-locale';
import { renderMessage, type RenderedMessage } from './domain/render-message.ts';
import { backOffSeconds, handlingForWhatsAppError } from './domain/whatsapp-errors.ts';

/** Moments that mean nothing once the order has ended, and the statuses that end it. */
const OVERTAKEN_BY_THE_END: ReadonlySet<string> = new Set(['order_dispatched', 'out_for_delivery', 'order_delayed', 'item_substituted']);
const FINAL_STATUSES: ReadonlySet<string> = new Set(['DELIVERED', 'RETURNED', 'CANCELLED']);

/** Pauses inside the sender on a throughput error before the message goes back to the queue. */
const IN_SENDER_PAUSES = 3;

/** SQS keeps a message invisible for at most 12 hours; a longer wait is taken in steps. */
const MAX_HOLD_SECONDS = 43_200;

/**
 * What the queue should do with the event: nothing more (`done`: sent, or nothing to send), bring
 * it back after `seconds` (quiet hours, a provider's back-off), or bring it back after the
 * queue's visibility timeout (a provider error worth another try).
 */
export type DeliveryOutcome = { readonly kind: 'done' } | { readonly kind: 'hold'; readonly seconds: number; readonly reason: string } | { readonly kind: 'retry'; readonly reason: string };

export interface SenderDependencies {
  readonly table: NotificationsTable;
  readonly orders: { get(brand: string, orderId: string): Promise<{ mode?: string; status?: string; order?: string } | undefined> };
  readonly whatsapp: WhatsAppClient;
  readonly email: SendGridSender;
  readonly secrets: { require(name: string): Promise<string> };
  readonly numbers: Pick<BrandWhatsAppNumbers, 'of'>;
  /** Turns on each business number's line, shared by all senders (adapters/send-pacer.ts). */
  readonly pacer: Pick<SendPacer, 'takeTurn'>;
  readonly sendGridApiKeySecretName: string;
  readonly publicApiUrl: string;
}

/**
 * Sends one lifecycle moment to one customer, at most once per (order, moment, channel): on the
 * channel they prefer and have not opted out of, falling back to the other when it cannot
 * deliver, outside their quiet hours unless it is urgent.
 */
export class NotificationSender {
  constructor(private readonly deps: SenderDependencies) {}

  /** `after`: the channel that already failed (a fallback from a delivery-status webhook). */
  async deliver(intent: NotificationIntent, options: { after?: Channel; receiveCount?: number } = {}): Promise<DeliveryOutcome> {
    const now = new Date();
    const stored = await this.deps.orders.get(intent.brand, intent.orderId);
    // Intake stores every order before anything about it is published, so an unknown order stays unknown.
    if (!stored?.order) return this.nothingToSend(intent, 'no such order in the orders table');
    // The legacy process (or nobody, in shadow mode) owns the conversation with this customer.
    if (stored.mode !== 'live') return this.nothingToSend(intent, stored.mode ? `the order is in ${stored.mode} mode` : 'the order never entered the live workflow');
    // A moment overtaken by the order's end (held overnight, or delivered late): "running late" after "delivered" only confuses.
    if (OVERTAKEN_BY_THE_END.has(intent.kind) && FINAL_STATUSES.has(String(stored.status))) return this.nothingToSend(intent, `the order is already ${stored.status}`);
    const brand = findBrand(intent.brand);
    if (!brand) return this.nothingToSend(intent, `unknown brand ${intent.brand}`);
    const order = CanonicalOrderSchema.parse(JSON.parse(stored.order));

    const phone = order.customer.phone ?? order.shippingAddress.phone;
    const confirmation = (intent.facts as { confirmation?: { replyPath: string; expiresAt: string } }).confirmation;
    // A YES or CANCEL on WhatsApp answers it too (see CustomerConversation), whichever channel asked.
    if (intent.kind === 'address_confirmation' && confirmation && phone) {
      await this.deps.table.rememberConfirmation(brand.id, phone, { orderId: order.orderId, orderNumber: order.orderNumber, ...confirmation });
    }
    if (intent.kind === 'order_confirmed') {
      if (phone) await this.deps.table.rememberOrder(brand.id, phone, order.orderId);
      await this.deps.table.countOnce(brand.id, 'orders', `${brand.id}#${order.orderId}`, now);
    }
    const [whatsappContact, emailContact] = await Promise.all([
      phone ? this.deps.table.contact(brand.id, 'whatsapp', phone) : Promise.resolve<ContactRecord>({}),
      order.customer.email ? this.deps.table.contact(brand.id, 'email', order.customer.email) : Promise.resolve<ContactRecord>({}),
    ]);
    let recipients = planChannels(order, { whatsappOptedOut: whatsappContact.whatsappOptedOut, emailOptedOut: emailContact.emailOptedOut });
    if (options.after) recipients = recipients.filter((recipient) => recipient.channel !== options.after);
    if (recipients.length === 0) return this.nothingToSend(intent, options.after ? `no channel left after ${options.after}` : 'the customer opted out of every channel, or left no phone or email');

    const timeZone = customerTimeZone(order.shippingAddress);
    const quietEnd = intent.urgent ? undefined : quietUntil(now, timeZone);
    if (quietEnd) {
      metrics.addMetric('NotificationsHeldForQuietHours', MetricUnit.Count, 1);
      return { kind: 'hold', seconds: Math.min(MAX_HOLD_SECONDS, Math.ceil((quietEnd.getTime() - now.getTime()) / 1000)), reason: `quiet hours in ${timeZone} until ${quietEnd.toISOString()}` };
    }

    const language = languageFor(order, brand.languages);
    const rendered = await renderMessage(intent.kind, language, messageContext({ brand, order, intent, language, timeZone, publicApiUrl: this.deps.publicApiUrl }));
    for (const recipient of recipients) {
      const key: NotificationKey = { brand: brand.id, orderId: order.orderId, kind: intent.kind, subject: intent.subject, channel: recipient.channel };
      const claim = await this.deps.table.claim(key, intent, recipient.address, now);
      if (!claim.claimed) {
        // Refused on this channel before (maybe by a sender that stopped before its fallback): go on to the next.
        if (claim.record.state === 'failed' || claim.record.state === 'skipped') continue;
        logger.info('notification already handled', { ...key, state: claim.record.state });
        return { kind: 'done' };
      }
      const step = recipient.channel === 'whatsapp'
        ? await this.sendWhatsApp(key, brand, recipient, rendered, language, claim.attempts)
        : await this.sendEmail(key, brand, recipient, rendered, language, claim.attempts);
      if (step === 'next') continue;
      if (step.kind === 'done' && intent.kind === 'order_delayed') await this.deps.table.countOnce(brand.id, 'proactiveDelays', `${brand.id}#${order.orderId}#${intent.subject}`, now);
      return step;
    }
    metrics.addMetric('NotificationsUndeliverable', MetricUnit.Count, 1);
    logger.warn('no channel could deliver the notification', { brand: intent.brand, orderId: intent.orderId, kind: intent.kind });
    return { kind: 'done' };
  }

  private async sendWhatsApp(key: NotificationKey, brand: BrandConfig, recipient: Recipient, rendered: RenderedMessage, language: string, attempts: number): Promise<DeliveryOutcome | 'next'> {
    const sender = await this.deps.numbers.of(brand);
    const send = async (name: string): Promise<WhatsAppSendResult | 'no_turn'> => {
      for (let pause = 1; ; pause++) {
        if (!(await this.deps.pacer.takeTurn(sender.phoneNumberId))) return 'no_turn';
        const result = await this.deps.whatsapp.send(sender, recipient.address, { type: 'template', name, languageCode: rendered.whatsapp.languageCode, parameters: rendered.whatsapp.parameters });
        const throttled = result.outcome === 'refused' && handlingForWhatsAppError(result.code, result.httpStatus) === 'back_off';
        if (!throttled || pause > IN_SENDER_PAUSES) return result;
        // Meta's throughput limit is per second: a pause of about a second usually clears it, and keeps
        // the message's turn instead of sending it to the back of the queue for up to half a minute.
        await setTimeout(1000 * pause + Math.random() * 250);
      }
    };
    let template = rendered.whatsapp.name;
    let result = await send(template);
    if (result === 'no_turn') return this.noTurn(key, attempts);
    if (result.outcome === 'refused' && handlingForWhatsAppError(result.code, result.httpStatus) === 'backup_template') {
      metrics.addMetric('WhatsAppBackupTemplateUsed', MetricUnit.Count, 1);
      template = rendered.whatsapp.backupName;
      result = await send(template);
      if (result === 'no_turn') return this.noTurn(key, attempts);
      // The backup missing too is a catalog problem for humans; the customer gets email meanwhile.
      if (result.outcome === 'refused' && handlingForWhatsAppError(result.code, result.httpStatus) === 'backup_template') return this.refused(key, `132001 for ${rendered.whatsapp.name} and its backup`);
    }
    return this.settleSend(key, result, { template, language, attempts, handling: result.outcome === 'refused' ? handlingForWhatsAppError(result.code, result.httpStatus) : undefined });
  }

  private async sendEmail(key: NotificationKey, brand: BrandConfig, recipient: Recipient, rendered: RenderedMessage, language: string, attempts: number): Promise<DeliveryOutcome | 'next'> {
    const apiKey = await this.deps.secrets.require(this.deps.sendGridApiKeySecretName);
    const result = await this.deps.email.send(apiKey, {
      from: { email: brand.senders.email.address, name: brand.senders.email.name },
      to: recipient.address,
      subject: rendered.subject,
      text: rendered.text,
      categories: [key.kind, brand.id],
      customArgs: { brand: brand.id, orderId: key.orderId, kind: key.kind, subject: key.subject },
    });
    const handling = result.outcome !== 'refused' ? undefined : result.httpStatus === 429 ? 'back_off' : result.httpStatus >= 500 ? 'retry' : 'email';
    return this.settleSend(key, result, { language, attempts, handling });
  }

  /** One place where a provider's answer becomes the message's state. */
  private async settleSend(
    key: NotificationKey,
    result: WhatsAppSendResult | Awaited<ReturnType<SendGridSender['send']>>,
    context: { template?: string; language: string; attempts: number; handling?: string },
  ): Promise<DeliveryOutcome | 'next'> {
    const { table } = this.deps;
    if (result.outcome === 'accepted') {
      await table.recordSent(key, { providerMessageId: result.messageId, template: context.template, language: context.language }, new Date());
      // A metric of its own: a dimension added to the shared instance would label every metric of the batch with the last channel.
      const sent = metrics.singleMetric();
      sent.addDimension('channel', key.channel);
      sent.addMetric('NotificationsSent', MetricUnit.Count, 1);
      logger.info('notification sent', { ...key, template: context.template, providerMessageId: result.messageId });
      return { kind: 'done' };
    }
    if (result.outcome === 'unknown') {
      await table.settle(key, 'unconfirmed', result.error);
      metrics.addMetric('NotificationsUnconfirmed', MetricUnit.Count, 1);
      logger.warn('no answer from the provider; not sending again', { ...key, error: result.error });
      return { kind: 'done' };
    }
    const reason = `HTTP ${result.httpStatus}${'code' in result && result.code !== undefined ? ` code ${result.code}` : ''}: ${result.message}`;
    switch (context.handling) {
      case 'back_off': {
        await table.release(key, 'held', reason);
        metrics.addMetric('ProviderBackOffs', MetricUnit.Count, 1);
        return { kind: 'hold', seconds: backOffSeconds(context.attempts), reason };
      }
      case 'retry':
        await table.release(key, 'retry', reason);
        return { kind: 'retry', reason };
      default:
        return this.refused(key, reason);
    }
  }

  /** The number's line is full for the next few seconds: back to the queue, as after Meta's 130429, without having asked Meta. */
  private async noTurn(key: NotificationKey, attempts: number): Promise<DeliveryOutcome> {
    const reason = 'no turn on the business number\'s line within the pacing horizon';
    await this.deps.table.release(key, 'held', reason);
    metrics.addMetric('SendsPacedBack', MetricUnit.Count, 1);
    return { kind: 'hold', seconds: backOffSeconds(attempts), reason };
  }

  private async refused(key: NotificationKey, reason: string): Promise<'next'> {
    await this.deps.table.settle(key, 'failed', reason);
    metrics.addMetric('NotificationFallbacks', MetricUnit.Count, 1);
    logger.warn('channel refused the notification; trying the next', { ...key, reason });
    return 'next';
  }

  private nothingToSend(intent: NotificationIntent, reason: string): DeliveryOutcome {
    logger.info('nothing to send', { brand: intent.brand, orderId: intent.orderId, kind: intent.kind, reason });
    return { kind: 'done' };
  }
}
