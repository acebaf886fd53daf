import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { BrandConfig, Language } from '#config/brands';
import { brandVoiceFor } from '#config/brand-voice';
import { CanonicalOrderSchema } from '#shared/canonical-order';
import { logger, metrics } from '#shared/observability';
import type { NotificationsTable } from './adapters/notifications-table.ts';
import type { OrderStatus, OrderStatusApi } from './adapters/order-status-api.ts';
import type { BrandWhatsAppNumbers, WhatsAppClient, WhatsAppPayload } from './adapters/whatsapp-client.ts';
import { acknowledgementOf, confirmationAnswerOf, type ConfirmationAnswer } from './domain/confirmation-reply.ts';
import { classifyInbound } from './domain/inbound-message.ts';
import type { NotificationKind } from './domain/message-catalog.ts';
import { messageContext } from './domain/message-context.ts';
import { customerTimeZone } from '#shared/customer-locale';
import { renderMessage } from './domain/render-message.ts';
import type { WhatsAppInboundMessage } from './domain/status-webhooks.ts';
import { handlingForWhatsAppError } from './domain/whatsapp-errors.ts';
import { renderOrderNotFound, renderWismoAnswer } from './domain/wismo-answer.ts';

export type InboundOutcome = 'duplicate' | 'address_confirmed' | 'address_cancelled' | 'opted_out' | 'opted_in' | 'wismo_answered' | 'wismo_unanswered' | 'ignored';

export interface ConversationDependencies {
  readonly table: NotificationsTable;
  readonly statusApi: Pick<OrderStatusApi, 'get'>;
  readonly whatsapp: WhatsAppClient;
  readonly numbers: Pick<BrandWhatsAppNumbers, 'of'>;
  readonly publicApiUrl: string;
}

/**
 * What a customer writes to a brand's WhatsApp number: STOP and START change their opt-out, and
 * "where is my order?" gets the live status at once, so it never becomes a ticket. Anything else
 * is left for the brand's agents.
 */
export class CustomerConversation {
  constructor(private readonly deps: ConversationDependencies) {}

  async onInbound(brand: BrandConfig, message: WhatsAppInboundMessage): Promise<InboundOutcome> {
    const now = new Date();
    if (!(await this.deps.table.firstSighting(message.messageId, now))) return 'duplicate';
    const answer = confirmationAnswerOf(message.text ?? '');
    if (answer) {
      const answered = await this.answerAddressConfirmation(brand, message.from, answer, now);
      if (answered) return answered;
    }
    const said = classifyInbound(message.text ?? '');
    switch (said.intent) {
      case 'opt_out':
        await this.deps.table.setOptOut(brand.id, 'whatsapp', message.from, true, message.at);
        metrics.addMetric('WhatsAppOptOuts', MetricUnit.Count, 1);
        return 'opted_out';
      case 'opt_in':
        await this.deps.table.setOptOut(brand.id, 'whatsapp', message.from, false, message.at);
        return 'opted_in';
      case 'wismo':
        await this.deps.table.countOnce(brand.id, 'wismoContacts', message.messageId, now);
        metrics.addMetric('WismoContacts', MetricUnit.Count, 1);
        return (await this.answerWhereIsMyOrder(brand, message.from, said.orderNumber, said.language)) ? 'wismo_answered' : 'wismo_unanswered';
      default:
        return 'ignored';
    }
  }

  /**
   * YES or CANCEL to the address confirmation this number was asked for: posted to the same
   * signed reply path the link in the message uses, so the order workflow cannot tell the two
   * apart. An answer after the deadline, or a second one, is refused there (410, 409) and left
   * for the words to be read as anything else.
   */
  private async answerAddressConfirmation(brand: BrandConfig, from: string, answer: ConfirmationAnswer, now: Date): Promise<InboundOutcome | undefined> {
    const pending = (await this.deps.table.contact(brand.id, 'whatsapp', from)).pendingConfirmation;
    if (!pending || Date.parse(pending.expiresAt) <= now.getTime()) return undefined;
    const response = await fetch(`${this.deps.publicApiUrl.replace(/\/+$/, '')}${pending.replyPath}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ answer }),
      signal: AbortSignal.timeout(10_000),
    });
    await this.deps.table.clearConfirmation(brand.id, from, pending.replyPath);
    if (!response.ok) {
      logger.info('address confirmation answer not taken', { brand: brand.id, orderId: pending.orderId, status: response.status });
      return undefined;
    }
    const status = await this.deps.statusApi.get(brand.id, pending.orderId);
    const preferred = status?.order?.customer.preferredLanguage as Language | undefined;
    const language = preferred && brand.languages.includes(preferred) ? preferred : brand.languages[0]!;
    const sender = await this.deps.numbers.of(brand);
    await this.deps.whatsapp.send(sender, from, { type: 'text', body: acknowledgementOf(answer, language, pending.orderNumber) });
    metrics.addMetric('AddressConfirmationsAnsweredOnWhatsApp', MetricUnit.Count, 1);
    return answer === 'yes' ? 'address_confirmed' : 'address_cancelled';
  }

  /**
   * Only orders placed with this very number are answered about: the contact's own orders, each
   * checked again against the phone on the order. An order number that belongs to someone else
   * gets the same "not found" as one that does not exist.
   */
  private async answerWhereIsMyOrder(brand: BrandConfig, from: string, orderNumber: string | undefined, guessed: Language | undefined): Promise<boolean> {
    const contact = await this.deps.table.contact(brand.id, 'whatsapp', from);
    const statuses = await Promise.all([...(contact.orderIds ?? [])].map((orderId) => this.deps.statusApi.get(brand.id, orderId)));
    const own = statuses
      .filter((status): status is OrderStatus & { order: NonNullable<OrderStatus['order']> } => status?.order != null)
      .filter((status) => status.order.customer.phone === from || status.order.shippingAddress.phone === from)
      .filter((status) => !orderNumber || normalise(status.order.orderNumber) === normalise(orderNumber))
      .sort((a, b) => b.order.createdAt.localeCompare(a.order.createdAt));
    const latest = own[0];
    const preferred = latest?.order.customer.preferredLanguage as Language | undefined;
    const language = [preferred, guessed].find((candidate): candidate is Language => candidate !== undefined && brand.languages.includes(candidate)) ?? brand.languages[0]!;
    const voice = brandVoiceFor(brand);
    const firstName = latest?.order.customer.name.trim().split(/\s+/)[0];
    const words = { greeting: voice.greeting[language], signOff: voice.signOff[language], brandName: brand.name };
    const text = latest
      ? await renderWismoAnswer(language, { ...words, firstName: firstName!, orders: own.map((status) => ({ orderNumber: status.order.orderNumber, status: status.status, shipments: status.shipments })) })
      : await renderOrderNotFound(language, { ...words, orderNumber });

    const sender = await this.deps.numbers.of(brand);
    const reply = await this.deps.whatsapp.send(sender, from, { type: 'text', body: text });
    if (reply.outcome === 'accepted') return true;
    // Outside the 24-hour window (a message that reached us late): only an approved template may go, so the latest order's update goes as one.
    if (reply.outcome === 'refused' && handlingForWhatsAppError(reply.code, reply.httpStatus) === 'template_only' && latest) {
      const template = await this.statusAsTemplate(brand, latest, language);
      const retried = await this.deps.whatsapp.send(sender, from, template);
      if (retried.outcome === 'accepted') return true;
    }
    logger.warn('could not answer a WISMO message', { brand: brand.id, outcome: reply.outcome });
    return false;
  }

  private async statusAsTemplate(brand: BrandConfig, status: OrderStatus & { order: NonNullable<OrderStatus['order']> }, language: Language): Promise<WhatsAppPayload> {
    const order = CanonicalOrderSchema.parse(status.order);
    const shipment = status.shipments.at(-1);
    const kind: NotificationKind =
      shipment?.status === 'DELIVERED' ? 'order_delivered' : shipment?.status === 'OUT_FOR_DELIVERY' ? 'out_for_delivery' : shipment && shipment.status !== 'CREATED' ? 'order_dispatched' : 'order_confirmed';
    const facts = shipment
      ? { shipment: Object.fromEntries(Object.entries({ carrier: shipment.carrier, awb: shipment.awb, trackingUrl: shipment.trackingUrl, promisedBy: shipment.promisedBy }).filter(([, value]) => value !== null)) }
      : {};
    const intent = { brand: brand.id, orderId: order.orderId, kind, subject: 'wismo', occurredAt: new Date().toISOString(), urgent: true, facts };
    const rendered = await renderMessage(kind, language, messageContext({ brand, order, intent, language, timeZone: customerTimeZone(order.shippingAddress), publicApiUrl: this.deps.publicApiUrl }));
    return { type: 'template', name: rendered.whatsapp.name, languageCode: rendered.whatsapp.languageCode, parameters: rendered.whatsapp.parameters };
  }
}

const normalise = (orderNumber: string) => orderNumber.replace(/^#/, '').trim();
