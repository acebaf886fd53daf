import { z } from 'zod';
import type { DeliveryStatus } from './delivery-status.ts';

/**
 * What Meta and SendGrid tell us after a send, in one shape: which message, what happened, when.
 * Unknown fields and event types are ignored rather than refused: both providers add them
 * without notice, and a refused webhook is retried until the provider disables it.
 */

const UnixSecondsSchema = z.union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative()]).transform((seconds) => new Date(Number(seconds) * 1000).toISOString());
/** WhatsApp ids are E.164 without the '+'. */
const WaIdSchema = z.string().regex(/^[1-9]\d{6,14}$/).transform((digits) => `+${digits}`);

const META_STATUSES: Readonly<Record<string, DeliveryStatus>> = { sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed' };

const MetaStatusSchema = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: UnixSecondsSchema,
  recipient_id: WaIdSchema,
  errors: z.array(z.object({ code: z.number().int() })).optional(),
});

const MetaInboundSchema = z.object({
  id: z.string().min(1),
  from: WaIdSchema,
  timestamp: UnixSecondsSchema,
  type: z.string().min(1),
  text: z.object({ body: z.string() }).optional(),
});

const MessagesValueSchema = z.object({
  metadata: z.object({ phone_number_id: z.string().min(1) }),
  statuses: z.array(MetaStatusSchema).optional(),
  messages: z.array(MetaInboundSchema).optional(),
});

const MetaWebhookSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.object({ id: z.string(), changes: z.array(z.object({ field: z.string(), value: z.unknown() })) })),
});

export interface WhatsAppStatusUpdate {
  readonly messageId: string;
  readonly status: DeliveryStatus;
  /** ISO 8601. */
  readonly at: string;
  /** E.164 with '+'. */
  readonly recipient: string;
  readonly errorCode?: number;
}

export interface WhatsAppInboundMessage {
  readonly messageId: string;
  /** E.164 with '+'. */
  readonly from: string;
  readonly at: string;
  readonly text?: string;
  readonly type: string;
}

export interface WhatsAppChange {
  /** Which of our numbers the change is about, so it is matched to its brand. */
  readonly phoneNumberId: string;
  readonly statuses: WhatsAppStatusUpdate[];
  readonly inbound: WhatsAppInboundMessage[];
}

/**
 * One entry per `messages` change. Other fields (template reviews, quality ratings) carry other
 * shapes and are skipped. Throws a ZodError on a malformed body.
 */
export function parseWhatsAppWebhook(body: unknown): WhatsAppChange[] {
  const webhook = MetaWebhookSchema.parse(body);
  return webhook.entry.flatMap((entry) =>
    entry.changes
      .filter((change) => change.field === 'messages')
      .map((change) => {
        const value = MessagesValueSchema.parse(change.value);
        return {
          phoneNumberId: value.metadata.phone_number_id,
          statuses: (value.statuses ?? []).flatMap((update): WhatsAppStatusUpdate[] => {
            const status = Object.hasOwn(META_STATUSES, update.status) ? META_STATUSES[update.status] : undefined;
            if (!status) return [];
            const errorCode = update.errors?.[0]?.code;
            return [{ messageId: update.id, status, at: update.timestamp, recipient: update.recipient_id, ...(errorCode === undefined ? {} : { errorCode }) }];
          }),
          inbound: (value.messages ?? []).map((message) => ({
            messageId: message.id,
            from: message.from,
            at: message.timestamp,
            type: message.type,
            ...(message.text ? { text: message.text.body } : {}),
          })),
        };
      }),
  );
}

const SENDGRID_STATUSES: Readonly<Record<string, DeliveryStatus>> = {
  processed: 'accepted',
  delivered: 'delivered',
  open: 'read',
  // A click is a read that an image-blocking mail client never reported as an open.
  click: 'read',
  bounce: 'failed',
  dropped: 'failed',
};
const OPT_OUT_EVENTS: ReadonlySet<string> = new Set(['unsubscribe', 'group_unsubscribe', 'spamreport']);

/** SendGrid's own top-level fields; every other string field is a custom arg we set at send. */
const SENDGRID_FIELDS: ReadonlySet<string> = new Set([
  'email', 'timestamp', 'event', 'sg_event_id', 'sg_message_id', 'smtp-id', 'category', 'reason', 'status', 'response', 'attempt',
  'useragent', 'ip', 'url', 'url_offset', 'tls', 'cert_err', 'type', 'bounce_classification', 'asm_group_id', 'marketing_campaign_id',
  'marketing_campaign_name', 'marketing_campaign_version', 'marketing_campaign_split_id', 'sg_machine_open', 'sg_content_type', 'pool',
  'send_at', 'singlesend_id', 'singlesend_name', 'template_id', 'template_name', 'template_version_id', 'sg_template_id',
  'sg_template_name', 'mc_stats', 'phase_id', 'variation_id', 'newsletter', 'ab_variation_id', 'ab_phase_id',
]);

const SendGridEventSchema = z.looseObject({
  email: z.string().min(1),
  timestamp: UnixSecondsSchema,
  event: z.string().min(1),
  sg_event_id: z.string().min(1),
  sg_message_id: z.string().min(1).optional(),
});

export interface SendGridEvent {
  readonly eventId: string;
  /** The X-Message-Id the send returned: sg_message_id before its first '.'; empty when SendGrid sent none. */
  readonly messageId: string;
  readonly email: string;
  readonly event: string;
  /** Undefined for events that say nothing about delivery (deferred: SendGrid keeps trying). */
  readonly status?: DeliveryStatus;
  /** The customer asked for no more email: unsubscribe, group_unsubscribe, spamreport. */
  readonly optOut: boolean;
  readonly at: string;
  /** The custom args set at send, e.g. orderId. */
  readonly customArgs: Record<string, string>;
}

/** SendGrid's Event Webhook body: an array of events. Throws a ZodError on a malformed body. */
export function parseSendGridEvents(body: unknown): SendGridEvent[] {
  return z.array(SendGridEventSchema).parse(body).map((event) => {
    const customArgs = Object.fromEntries(
      Object.entries(event).filter((entry): entry is [string, string] => !SENDGRID_FIELDS.has(entry[0]) && typeof entry[1] === 'string'),
    );
    const status = Object.hasOwn(SENDGRID_STATUSES, event.event) ? SENDGRID_STATUSES[event.event] : undefined;
    return {
      eventId: event.sg_event_id,
      messageId: event.sg_message_id?.split('.')[0] ?? '',
      email: event.email,
      event: event.event,
      ...(status ? { status } : {}),
      optOut: OPT_OUT_EVENTS.has(event.event),
      at: event.timestamp,
      customArgs,
    };
  });
}
