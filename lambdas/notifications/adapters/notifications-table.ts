import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Channel } from '#shared/canonical-order';
import { advances, type DeliveryStatus } from '../domain/delivery-status.ts';
import type { NotificationIntent } from '../domain/notification-intent.ts';

/**
 * One message to one customer on one channel, the unit sent at most once:
 * - `claimed`: a sender owns it and is talking to the provider;
 * - `sent`: the provider accepted it (`deliveryStatus` then follows its webhooks);
 * - `held`: waiting out quiet hours or a provider's back-off, claimable again;
 * - `retry`: the provider answered with an error that a later attempt may not get;
 * - `failed`: the provider refused it for good (the next channel takes over);
 * - `unconfirmed`: the provider may or may not have it (no answer); never sent again, because
 *   a second copy is worse than a missing one;
 * - `skipped`: nothing to send (opted out, no address).
 */
export type NotificationState = 'claimed' | 'sent' | 'held' | 'retry' | 'failed' | 'unconfirmed' | 'skipped';

export interface NotificationKey {
  readonly brand: string;
  readonly orderId: string;
  readonly kind: string;
  readonly subject: string;
  readonly channel: Channel;
}

export interface NotificationRecord extends NotificationKey {
  readonly state: NotificationState;
  readonly intent: NotificationIntent;
  readonly address?: string;
  readonly providerMessageId?: string;
  readonly deliveryStatus?: DeliveryStatus;
  readonly template?: string;
  readonly language?: string;
  readonly reason?: string;
  readonly attempts?: number;
  readonly sentAt?: string;
}

export interface ContactRecord {
  readonly whatsappOptedOut?: boolean;
  readonly emailOptedOut?: boolean;
  /** Orders this WhatsApp number placed with the brand, for answering "where is my order". */
  readonly orderIds?: ReadonlySet<string>;
  /** The latest address confirmation this number was asked for, so a YES or CANCEL reply can answer it. */
  readonly pendingConfirmation?: PendingConfirmation;
}

export interface PendingConfirmation {
  readonly orderId: string;
  readonly orderNumber: string;
  readonly replyPath: string;
  readonly expiresAt: string;
}

/** Items expire after the longest an order lives plus a margin, so the table does not grow forever. */
const RETENTION_DAYS = 120;

const orderPk = (brand: string, orderId: string) => `ORDER#${brand}#${orderId}`;
const notificationSk = (key: Pick<NotificationKey, 'kind' | 'subject' | 'channel'>) => `NOTIFY#${key.kind}#${key.subject}#${key.channel}`;
const notificationKey = (key: NotificationKey) => ({ pk: orderPk(key.brand, key.orderId), sk: notificationSk(key) });
const messagePk = (channel: Channel, providerMessageId: string) => `MESSAGE#${channel}#${providerMessageId}`;
const contactPk = (brand: string, channel: Channel, address: string) => `CONTACT#${brand}#${channel}#${address.toLowerCase()}`;
const statsKey = (brand: string, month: string) => ({ pk: `STATS#${brand}`, sk: `MONTH#${month}` });

/**
 * The notifications table: each message's record (`ORDER#<brand>#<id>` / `NOTIFY#<kind>#<subject>#<channel>`),
 * the provider's message id pointing back to it (`MESSAGE#<channel>#<id>`), each contact's opt-outs
 * and orders (`CONTACT#…`), inbound messages seen (`INBOUND#<id>`) and monthly counters per brand
 * (`STATS#<brand>` / `MONTH#yyyy-mm`). Every write is conditional, so a repeat changes nothing.
 */
export class NotificationsTable {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient = new DynamoDBClient({}),
  ) {
    this.documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } });
  }

  /**
   * Takes the message for sending. Only a message never tried, held, or left for retry can be
   * taken; a duplicate or replayed event finds it taken (or sent) and gets its record back instead.
   */
  async claim(key: NotificationKey, intent: NotificationIntent, address: string, now: Date): Promise<{ claimed: true; attempts: number } | { claimed: false; record: NotificationRecord }> {
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: notificationKey(key),
          UpdateExpression:
            'SET brand = :brand, orderId = :orderId, kind = :kind, subject = :subject, channel = :channel, intent = :intent, address = :address, #state = :claimed, claimedAt = :now, expiresAt = :expiresAt ADD attempts :one',
          ConditionExpression: 'attribute_not_exists(pk) OR #state IN (:held, :retry)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':brand': key.brand,
            ':orderId': key.orderId,
            ':kind': key.kind,
            ':subject': key.subject,
            ':channel': key.channel,
            ':intent': intent,
            ':address': address,
            ':claimed': 'claimed',
            ':held': 'held',
            ':retry': 'retry',
            ':now': now.toISOString(),
            ':expiresAt': expiry(now),
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { claimed: true, attempts: Number(Attributes?.attempts ?? 1) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const record = await this.get(key);
      if (!record) throw new Error(`notification ${notificationSk(key)} of ${key.orderId} refused a claim but does not exist`, { cause: error });
      return { claimed: false, record };
    }
  }

  async get(key: NotificationKey): Promise<NotificationRecord | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: notificationKey(key), ConsistentRead: true }),
    );
    return Item as NotificationRecord | undefined;
  }

  /** Every message recorded for one order, for ops and tests. */
  async forOrder(brand: string, orderId: string): Promise<NotificationRecord[]> {
    const { Items } = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': orderPk(brand, orderId), ':prefix': 'NOTIFY#' },
        ConsistentRead: true,
      }),
    );
    return (Items ?? []) as NotificationRecord[];
  }

  /** The provider accepted it: recorded with the id its webhooks will name, and that id pointing back. */
  async recordSent(key: NotificationKey, sent: { providerMessageId: string; template?: string; language: string }, now: Date): Promise<void> {
    await this.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: this.tableName,
              Key: notificationKey(key),
              UpdateExpression: 'SET #state = :sent, providerMessageId = :id, template = :template, #language = :language, sentAt = :now, deliveryStatus = if_not_exists(deliveryStatus, :accepted)',
              ExpressionAttributeNames: { '#state': 'state', '#language': 'language' },
              ExpressionAttributeValues: { ':sent': 'sent', ':id': sent.providerMessageId, ':template': sent.template ?? null, ':language': sent.language, ':now': now.toISOString(), ':accepted': 'accepted' },
            },
          },
          {
            Put: {
              TableName: this.tableName,
              Item: { pk: messagePk(key.channel, sent.providerMessageId), sk: 'MESSAGE', ...key, expiresAt: expiry(now) },
            },
          },
        ],
      }),
    );
  }

  /** Leaves the message claimable again: held for quiet hours or a back-off, or to retry after a provider error. */
  async release(key: NotificationKey, state: 'held' | 'retry', reason: string): Promise<void> {
    await this.setState(key, state, reason);
  }

  /** Ends the message on this channel: failed (refused), unconfirmed (no answer) or skipped. */
  async settle(key: NotificationKey, state: 'failed' | 'unconfirmed' | 'skipped', reason: string, intent?: NotificationIntent, now = new Date()): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: notificationKey(key),
        UpdateExpression: 'SET brand = :brand, orderId = :orderId, kind = :kind, subject = :subject, channel = :channel, #state = :state, reason = :reason, expiresAt = if_not_exists(expiresAt, :expiresAt)' + (intent ? ', intent = if_not_exists(intent, :intent)' : ''),
        // A skip never overwrites a message that went out.
        ConditionExpression: state === 'skipped' ? 'attribute_not_exists(#state) OR #state IN (:held, :retry)' : undefined,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':brand': key.brand,
          ':orderId': key.orderId,
          ':kind': key.kind,
          ':subject': key.subject,
          ':channel': key.channel,
          ':state': state,
          ':reason': reason,
          ':expiresAt': expiry(now),
          ...(intent ? { ':intent': intent } : {}),
          ...(state === 'skipped' ? { ':held': 'held', ':retry': 'retry' } : {}),
        },
      }),
    ).catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
  }

  private async setState(key: NotificationKey, state: NotificationState, reason: string): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: notificationKey(key),
        UpdateExpression: 'SET #state = :state, reason = :reason',
        ConditionExpression: '#state = :claimed',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':state': state, ':reason': reason, ':claimed': 'claimed' },
      }),
    );
  }

  /**
   * A provider's delivery status for a message it accepted. Statuses arrive out of order and more
   * than once; only a step forward applies. Returns the message's key when it applied, so the
   * caller can act on a failure exactly once.
   */
  async applyDeliveryStatus(channel: Channel, providerMessageId: string, status: DeliveryStatus, detail: { at: string; errorCode?: number }): Promise<{ applied: boolean; key?: NotificationKey }> {
    const { Item: pointer } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: { pk: messagePk(channel, providerMessageId), sk: 'MESSAGE' }, ConsistentRead: true }));
    if (!pointer) return { applied: false };
    const key = pointer as unknown as NotificationKey;
    const record = await this.get(key);
    if (!record || !advances(record.deliveryStatus, status)) return { applied: false, key };
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: notificationKey(key),
          UpdateExpression: 'SET deliveryStatus = :status, deliveryStatusAt = :at' + (detail.errorCode === undefined ? '' : ', deliveryErrorCode = :code'),
          // Compare-and-set on what was read: two webhooks racing apply one after the other.
          ConditionExpression: record.deliveryStatus === undefined ? 'attribute_not_exists(deliveryStatus)' : 'deliveryStatus = :previous',
          ExpressionAttributeValues: {
            ':status': status,
            ':at': detail.at,
            ...(detail.errorCode === undefined ? {} : { ':code': detail.errorCode }),
            ...(record.deliveryStatus === undefined ? {} : { ':previous': record.deliveryStatus }),
          },
        }),
      );
      return { applied: true, key };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return this.applyDeliveryStatus(channel, providerMessageId, status, detail);
      throw error;
    }
  }

  async contact(brand: string, channel: Channel, address: string): Promise<ContactRecord> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: { pk: contactPk(brand, channel, address), sk: 'CONTACT' }, ConsistentRead: true }));
    return (Item ?? {}) as ContactRecord;
  }

  async setOptOut(brand: string, channel: Channel, address: string, optedOut: boolean, at: string): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: contactPk(brand, channel, address), sk: 'CONTACT' },
        UpdateExpression: `SET ${channel === 'whatsapp' ? 'whatsappOptedOut' : 'emailOptedOut'} = :optedOut, optOutChangedAt = :at`,
        // Webhooks arrive out of order: an older opt-in never undoes a newer opt-out.
        ConditionExpression: 'attribute_not_exists(optOutChangedAt) OR optOutChangedAt <= :at',
        ExpressionAttributeValues: { ':optedOut': optedOut, ':at': at },
      }),
    ).catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
  }

  /** Links an order to the WhatsApp number it was placed with (a set: a repeat adds nothing). */
  async rememberOrder(brand: string, phone: string, orderId: string): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: contactPk(brand, 'whatsapp', phone), sk: 'CONTACT' },
        UpdateExpression: 'ADD orderIds :orderId',
        ExpressionAttributeValues: { ':orderId': new Set([orderId]) },
      }),
    );
  }

  /** Remembers the confirmation a WhatsApp number was asked for; a later request replaces it. */
  async rememberConfirmation(brand: string, phone: string, pending: PendingConfirmation): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: contactPk(brand, 'whatsapp', phone), sk: 'CONTACT' },
        UpdateExpression: 'SET pendingConfirmation = :pending',
        ExpressionAttributeValues: { ':pending': pending },
      }),
    );
  }

  /** Forgets an answered confirmation, unless a newer one has replaced it meanwhile. */
  async clearConfirmation(brand: string, phone: string, replyPath: string): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: contactPk(brand, 'whatsapp', phone), sk: 'CONTACT' },
        UpdateExpression: 'REMOVE pendingConfirmation',
        ConditionExpression: 'pendingConfirmation.replyPath = :replyPath',
        ExpressionAttributeValues: { ':replyPath': replyPath },
      }),
    ).catch((error: unknown) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
  }

  /**
   * Counts something once per occurrence id toward this month's figures for the brand: an order
   * (`orders`), a customer asking where their order is (`wismoContacts`), a delay told before
   * they asked (`proactiveDelays`). Returns false when that occurrence was already counted.
   */
  async countOnce(brand: string, counter: 'orders' | 'wismoContacts' | 'proactiveDelays', occurrenceId: string, at: Date): Promise<boolean> {
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: { pk: `COUNTED#${counter}#${occurrenceId}`, sk: 'COUNTED', expiresAt: expiry(at) }, ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Update: {
                TableName: this.tableName,
                Key: statsKey(brand, at.toISOString().slice(0, 7)),
                UpdateExpression: 'ADD #counter :one SET brand = :brand',
                ExpressionAttributeNames: { '#counter': counter },
                ExpressionAttributeValues: { ':one': 1, ':brand': brand },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  /** This month's counters per brand (or one brand). */
  async monthlyStats(month: string, brands: readonly string[]): Promise<{ brand: string; orders: number; wismoContacts: number; proactiveDelays: number }[]> {
    return Promise.all(
      brands.map(async (brand) => {
        const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: statsKey(brand, month) }));
        return { brand, orders: Number(Item?.orders ?? 0), wismoContacts: Number(Item?.wismoContacts ?? 0), proactiveDelays: Number(Item?.proactiveDelays ?? 0) };
      }),
    );
  }

  /** Records an inbound message id; false when it was seen before (Meta delivers at least once). */
  async firstSighting(messageId: string, now: Date): Promise<boolean> {
    try {
      await this.documents.send(
        new PutCommand({ TableName: this.tableName, Item: { pk: `INBOUND#${messageId}`, sk: 'INBOUND', seenAt: now.toISOString(), expiresAt: expiry(now) }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

function expiry(now: Date): number {
  return Math.floor(now.getTime() / 1000) + RETENTION_DAYS * 86_400;
}
