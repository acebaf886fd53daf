import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { OrderSnapshot } from '#shared/events';
import type { Route } from '../domain/routing.ts';

export const orderKey = (brand: string, orderId: string) => ({ pk: `ORDER#${brand}#${orderId}`, sk: 'ORDER' });

export interface OrderItem {
  readonly brand: string;
  readonly orderId: string;
  readonly status?: string;
  readonly route?: Route;
  readonly order?: string;
  readonly sourceVersion?: number;
  readonly triggeredAt?: string;
  readonly legacyHandedOffAt?: string;
  readonly executionId?: string;
  readonly mode?: string;
  readonly payment?: string;
  readonly paymentRevision?: number;
  readonly [attribute: string]: unknown;
}

export interface TimelineEntry {
  readonly detailType: string;
  readonly occurredAt: string;
  readonly eventId: string;
  readonly summary: Record<string, unknown>;
}

/**
 * The orders table: one item per order (`ORDER#<brand>#<id>` / `ORDER`), its timeline
 * (`EVENT#<time>#<type>#<event id>`) and, per brand, the payloads intake refused
 * (`REJECTIONS#<brand>`). Every write is conditional or keyed so that a repeat changes nothing.
 */
export class OrdersTable {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient = new DynamoDBClient({}),
  ) {
    this.documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async get(brand: string, orderId: string): Promise<OrderItem | undefined> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: orderKey(brand, orderId), ConsistentRead: true }));
    return Item as OrderItem | undefined;
  }

  /**
   * Stores the snapshot only if it is newer than the stored one (updated_at, then triggered-at).
   * A cancellation also sets the status, so a workflow that has not accepted the order yet stops.
   */
  async applySnapshot(snapshot: OrderSnapshot): Promise<'applied' | 'stale'> {
    const cancelled = snapshot.topic === 'orders/cancelled';
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: orderKey(snapshot.brand, snapshot.orderId),
          UpdateExpression: [
            'SET brand = :brand, orderId = :orderId, #order = :order, sourceVersion = :version, triggeredAt = :triggeredAt,',
            'lastTopic = :topic, lastArchiveKey = :archiveKey, receivedAt = if_not_exists(receivedAt, :occurredAt),',
            cancelled ? '#status = :cancelled, cancelledAt = :occurredAt' : '#status = if_not_exists(#status, :received)',
          ].join(' '),
          ConditionExpression:
            'attribute_not_exists(sourceVersion) OR sourceVersion < :version OR (sourceVersion = :version AND triggeredAt < :triggeredAt)',
          ExpressionAttributeNames: { '#order': 'order', '#status': 'status' },
          ExpressionAttributeValues: {
            ':brand': snapshot.brand,
            ':orderId': snapshot.orderId,
            ':order': JSON.stringify(snapshot.order),
            ':version': snapshot.version,
            ':triggeredAt': snapshot.triggeredAt,
            ':topic': snapshot.topic,
            ':archiveKey': snapshot.archiveKey,
            ':occurredAt': snapshot.occurredAt,
            ...(cancelled ? { ':cancelled': 'CANCELLED' } : { ':received': 'RECEIVED' }),
          },
        }),
      );
      return 'applied';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'stale';
      throw error;
    }
  }

  /**
   * Records the route for an order that has none and is not cancelled. Returns the route the
   * order now has (this one, or the one an earlier copy recorded), or undefined if it was cancelled.
   */
  async claimRoute(brand: string, orderId: string, route: Route, at: string): Promise<OrderItem | undefined> {
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: orderKey(brand, orderId),
          UpdateExpression: route === 'legacy' ? 'SET #route = :route, routedAt = :at, #status = :legacy' : 'SET #route = :route, routedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#route) AND #status <> :cancelled',
          ExpressionAttributeNames: { '#route': 'route', '#status': 'status' },
          ExpressionAttributeValues: { ':route': route, ':at': at, ':cancelled': 'CANCELLED', ...(route === 'legacy' ? { ':legacy': 'HANDED_TO_LEGACY' } : {}) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as OrderItem;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = await this.get(brand, orderId);
      return existing?.route ? existing : undefined;
    }
  }

  /**
   * Takes the right to hand this order to the legacy process. Copies of one event can run at
   * once (at-least-once delivery, a visibility timeout passing mid-work), so the send is guarded
   * by a lease: `held` means another copy is sending now, `done` that one already did. A lease
   * left by a copy that crashed expires and is taken over, so no hand-off is lost.
   */
  async claimLegacyHandoff(brand: string, orderId: string, holder: string, now: number, leaseMs: number): Promise<'claimed' | 'held' | 'done'> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: orderKey(brand, orderId),
          UpdateExpression: 'SET legacyHandoffHolder = :holder, legacyHandoffLeaseUntil = :until',
          ConditionExpression:
            'attribute_not_exists(legacyHandedOffAt) AND (attribute_not_exists(legacyHandoffLeaseUntil) OR legacyHandoffLeaseUntil < :now OR legacyHandoffHolder = :holder)',
          ExpressionAttributeValues: { ':holder': holder, ':until': now + leaseMs, ':now': now },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.get(brand, orderId))?.legacyHandedOffAt ? 'done' : 'held';
    }
  }

  /** Marks the hand-off done; false if an earlier copy already did it. */
  async markHandedToLegacy(brand: string, orderId: string, at: string): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: orderKey(brand, orderId),
          UpdateExpression: 'SET legacyHandedOffAt = :at',
          ConditionExpression: 'attribute_not_exists(legacyHandedOffAt)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Writes the payment state if nobody changed it since `expectedRevision` was read. */
  async writePayment(brand: string, orderId: string, payment: unknown, expectedRevision: number | undefined): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: orderKey(brand, orderId),
          UpdateExpression: 'SET brand = :brand, orderId = :orderId, payment = :payment, paymentRevision = :next',
          ConditionExpression: expectedRevision === undefined ? 'attribute_not_exists(paymentRevision)' : 'paymentRevision = :expected',
          ExpressionAttributeValues: {
            ':brand': brand,
            ':orderId': orderId,
            ':payment': JSON.stringify(payment),
            ':next': (expectedRevision ?? 0) + 1,
            ...(expectedRevision === undefined ? {} : { ':expected': expectedRevision }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Idempotent: the key holds the event id, so a redelivered event overwrites itself. */
  /**
   * Parks the workflow's token on an accepted order while the customer is asked to confirm the
   * address. False when the order is no longer accepted (cancelled meanwhile).
   */
  async awaitAddressConfirmation(brand: string, orderId: string, pending: { taskToken: string; requestedAt: string; expiresAt: string }): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: orderKey(brand, orderId),
          UpdateExpression: 'SET #status = :awaiting, addressConfirmation = :pending',
          ConditionExpression: '#status IN (:accepted, :awaiting)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':awaiting': 'AWAITING_ADDRESS_CONFIRMATION', ':accepted': 'ACCEPTED', ':pending': { ...pending, state: 'PENDING' } },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Records the customer's answer once; false when the confirmation was answered already or no longer waits. */
  async answerAddressConfirmation(brand: string, orderId: string, taskToken: string, answer: { answer: string; address?: unknown; at: string }): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: orderKey(brand, orderId),
          // The status stays: the workflow moves the order on once it has the answer (Mark Address Confirmed).
          UpdateExpression: 'SET addressConfirmation.#state = :answered, addressConfirmation.answer = :answer',
          ConditionExpression: 'addressConfirmation.#state = :pending AND addressConfirmation.taskToken = :token AND #status = :awaiting',
          ExpressionAttributeNames: { '#state': 'state', '#status': 'status' },
          ExpressionAttributeValues: { ':answered': 'ANSWERED', ':pending': 'PENDING', ':answer': answer, ':token': taskToken, ':awaiting': 'AWAITING_ADDRESS_CONFIRMATION' },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Takes back an answer the workflow never received (resuming it failed), so the customer can send it again. */
  async reopenAddressConfirmation(brand: string, orderId: string, taskToken: string): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: orderKey(brand, orderId),
          UpdateExpression: 'SET addressConfirmation.#state = :pending REMOVE addressConfirmation.answer',
          ConditionExpression: 'addressConfirmation.#state = :answered AND addressConfirmation.taskToken = :token',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':pending': 'PENDING', ':answered': 'ANSWERED', ':token': taskToken },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async recordTimeline(brand: string, orderId: string, entry: TimelineEntry): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: orderKey(brand, orderId).pk, sk: `EVENT#${entry.occurredAt}#${entry.detailType}#${entry.eventId}`, ...entry },
      }),
    );
  }

  async timeline(brand: string, orderId: string): Promise<TimelineEntry[]> {
    const { Items = [] } = await this.documents.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :events)',
        ExpressionAttributeValues: { ':pk': orderKey(brand, orderId).pk, ':events': 'EVENT#' },
      }),
    );
    return Items.map(({ detailType, occurredAt, eventId, summary }) => ({ detailType, occurredAt, eventId, summary }) as TimelineEntry);
  }

  /**
   * A payload intake refused, kept per brand so ops can list and fix them. When it names a real
   * order id, the order also shows as REJECTED with its reasons, unless a readable version of the
   * order is already recorded (a bad update must not hide a good order).
   */
  async recordRejection(brand: string, rejection: { occurredAt: string; correlationId: string; orderId: string; archiveKey?: string; reasons: unknown }): Promise<void> {
    await this.documents.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: `REJECTIONS#${brand}`, sk: `${rejection.occurredAt}#${rejection.correlationId}`, ...rejection } }),
    );
    if (rejection.orderId.startsWith('unknown-')) return;
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...orderKey(brand, rejection.orderId),
            brand,
            orderId: rejection.orderId,
            status: 'REJECTED',
            rejectionStage: 'intake',
            rejectionReasons: JSON.stringify(rejection.reasons),
            lastArchiveKey: rejection.archiveKey,
            receivedAt: rejection.occurredAt,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :rejected AND rejectionStage = :intake)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':rejected': 'REJECTED', ':intake': 'intake' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
