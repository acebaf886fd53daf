import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ShipmentMilestone, TrackingStage, TrackingUpdate } from '../domain/tracking/milestones.ts';

/** A shipment as tracking holds it: who it belongs to, where it is, and which execution waits on it. */
export interface ShipmentRecord {
  readonly shipmentId: string;
  readonly brand: string;
  readonly orderId: string;
  readonly warehouseId: string;
  readonly correlationId: string;
  readonly paymentMethod: 'cod' | 'prepaid';
  readonly destination: { readonly country: string; readonly postalCode: string };
  /** The end of the promised delivery day in the customer's country (ISO 8601). */
  readonly promisedBy: string;
  readonly milestone: ShipmentMilestone;
  /** When the latest update happened at the carrier or warehouse, UTC ISO 8601. */
  readonly milestoneAt: string;
  /** When the shipment reached its current milestone (the first of that milestone's scans). */
  readonly milestoneSince: string;
  /** `<milestone>@<milestoneSince>` of the last milestone whose event was published. */
  readonly announced?: string;
  readonly awb?: string;
  readonly carrier?: string;
  readonly trackingUrl?: string;
  readonly detail?: string;
  /** Updates applied so far; versions the shipment's events. */
  readonly updates: number;
  /** The task token of the execution parked on this shipment, if one is. */
  readonly waiting?: { readonly stage: TrackingStage; readonly token: string; readonly since: string };
}

export type NewShipment = Omit<ShipmentRecord, 'milestone' | 'milestoneSince' | 'announced' | 'updates' | 'waiting' | 'awb' | 'carrier' | 'trackingUrl' | 'detail'>;

const shipmentKey = (shipmentId: string) => ({ pk: `SHIPMENT#${shipmentId}`, sk: 'SHIPMENT' });
const awbKey = (awb: string) => ({ pk: `AWB#${awb}`, sk: 'AWB' });
/** One item per shipment of an order, under the order: what a cancellation needs to find them. */
const orderShipmentKey = (brand: string, orderId: string, shipmentId: string) => ({ pk: `ORDER#${brand}#${orderId}`, sk: `SHIPMENT#${shipmentId}` });

/**
 * The shipments table. Every write that moves a shipment is conditional on the state it was
 * decided from, so two webhooks racing for one shipment apply in turn, never over each other.
 */
export class ShipmentsTable {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient = new DynamoDBClient({}),
  ) {
    this.documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /** Records a shipment the WMS just created; a retried step finds it already there and changes nothing. */
  async register(shipment: NewShipment): Promise<void> {
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: { ...orderShipmentKey(shipment.brand, shipment.orderId, shipment.shipmentId), shipmentId: shipment.shipmentId } }));
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...shipmentKey(shipment.shipmentId), ...shipment, milestone: 'CREATED', milestoneSince: shipment.milestoneAt, updates: 0 },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async get(shipmentId: string): Promise<ShipmentRecord | undefined> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: shipmentKey(shipmentId), ConsistentRead: true }));
    return Item ? toRecord(Item) : undefined;
  }

  /** Every shipment of an order, as tracking holds them. */
  async ofOrder(brand: string, orderId: string): Promise<ShipmentRecord[]> {
    const { Items = [] } = await this.documents.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ORDER#${brand}#${orderId}` }, ConsistentRead: true }),
    );
    const records = await Promise.all(Items.map((item) => this.get(String(item.shipmentId))));
    return records.filter((record): record is ShipmentRecord => record !== undefined);
  }

  /** Marks a dispatched shipment of a cancelled order as to be returned; true the first time only. */
  async requestReturn(shipmentId: string, at: string): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: shipmentKey(shipmentId),
          UpdateExpression: 'SET returnRequestedAt = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(returnRequestedAt)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** The shipment a carrier's tracking number (AWB) belongs to, once its dispatch was recorded. */
  async findByAwb(awb: string): Promise<ShipmentRecord | undefined> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: awbKey(awb), ConsistentRead: true }));
    return Item ? this.get(String(Item.shipmentId)) : undefined;
  }

  /**
   * Moves the shipment to `update`, provided it is still where `from` says. Returns the new
   * record, or undefined when another write got there first (read again and judge again).
   */
  async applyUpdate(from: ShipmentRecord, update: TrackingUpdate): Promise<ShipmentRecord | undefined> {
    const occurredAt = new Date(update.occurredAt).toISOString();
    if (update.awb && update.awb !== from.awb) await this.linkAwb(update.awb, from.shipmentId);
    const set = ['milestone = :milestone', 'milestoneAt = :at', 'updates = updates + :one'];
    if (update.milestone !== from.milestone) set.push('milestoneSince = :at');
    const values: Record<string, unknown> = { ':milestone': update.milestone, ':at': occurredAt, ':one': 1, ':was': from.milestone, ':wasAt': from.milestoneAt };
    for (const field of ['awb', 'carrier', 'trackingUrl', 'detail'] as const) {
      const value = update[field];
      if (value !== undefined) {
        set.push(`${field} = :${field}`);
        values[`:${field}`] = value;
      }
    }
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: shipmentKey(from.shipmentId),
          UpdateExpression: `SET ${set.join(', ')}`,
          ConditionExpression: 'milestone = :was AND milestoneAt = :wasAt',
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRecord(Attributes!);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /** Parks an execution's task token on the shipment; undefined when the shipment is unknown. */
  async park(shipmentId: string, stage: TrackingStage, token: string, since: string): Promise<ShipmentRecord | undefined> {
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: shipmentKey(shipmentId),
          UpdateExpression: 'SET waiting = :waiting',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':waiting': { stage, token, since } },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRecord(Attributes!);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /** Forgets a token once its task was resumed; a newer token parked meanwhile stays. */
  async clearWaiting(shipmentId: string, token: string): Promise<void> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: shipmentKey(shipmentId),
          UpdateExpression: 'REMOVE waiting',
          ConditionExpression: 'waiting.#token = :token',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':token': token },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * Claims the publishing of `announcement` for `leaseMs`: `claimed` (publish it, then
   * {@link markAnnounced}), `done` (it went out already) or `held` (another invocation is
   * publishing it now). A claimer that dies lets the lease run out, and the sender's retry
   * publishes it then.
   */
  async claimAnnouncement(shipmentId: string, announcement: string, nowMs: number, leaseMs: number): Promise<'claimed' | 'done' | 'held'> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: shipmentKey(shipmentId),
          UpdateExpression: 'SET announcing = :announcement, announcingUntil = :until',
          ConditionExpression: '(attribute_not_exists(announced) OR announced <> :announcement) AND (attribute_not_exists(announcingUntil) OR announcing <> :announcement OR announcingUntil < :now)',
          ExpressionAttributeValues: { ':announcement': announcement, ':until': nowMs + leaseMs, ':now': nowMs },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const current = await this.get(shipmentId);
      return current?.announced === announcement ? 'done' : 'held';
    }
  }

  /** Notes that the current milestone's event went out, so a redelivered webhook does not publish it again. */
  async markAnnounced(shipmentId: string, announcement: string): Promise<void> {
    await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: shipmentKey(shipmentId),
        UpdateExpression: 'SET announced = :announced REMOVE announcing, announcingUntil',
        ExpressionAttributeValues: { ':announced': announcement },
      }),
    );
  }

  private async linkAwb(awb: string, shipmentId: string): Promise<void> {
    await this.documents.send(new PutCommand({ TableName: this.tableName, Item: { ...awbKey(awb), shipmentId } }));
  }
}

function toRecord(item: Record<string, unknown>): ShipmentRecord {
  const { pk: _pk, sk: _sk, ...fields } = item;
  return fields as unknown as ShipmentRecord;
}
