import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../../shared/dynamodb-batch-get.ts';
import type { AreaCounts, AreaLevel, DeliveryOutcome, PaymentMethod, RtoAreaStats } from '../domain/rto-risk.ts';

/** A destination as the counters know it; a level without its name (no district, say) is not counted. */
export interface RtoArea {
  /** ISO 3166-1 alpha-2, e.g. `IN`. */
  readonly country: string;
  readonly pincode: string;
  readonly district?: string;
  readonly state?: string;
}

export interface DeliveryOutcomeEvent extends RtoArea {
  readonly payment: PaymentMethod;
  readonly outcome: DeliveryOutcome;
  /** `<brand>#<order id>`: one outcome is counted per order, however often its event arrives. */
  readonly orderKey: string;
  /**
   * When the carrier reported the outcome (ISO 8601). Optional, but with it an outcome older
   * than the one already counted for the order is ignored as a late replay instead of flipping
   * the order back; without it the latest arrival wins.
   */
  readonly at?: string;
}

/**
 * `recorded`: first outcome of the order, counted at every level. `replayed`: the order already
 * has this outcome; nothing changed. `corrected`: the order had the other outcome; it moved from
 * one counter to the other. `stale`: an outcome older than the counted one; nothing changed.
 */
export type RecordResult = 'recorded' | 'replayed' | 'corrected' | 'stale';

/** One area's counters as written by a seed or read back. */
export interface RtoStatsRow {
  readonly pk: string;
  readonly level: AreaLevel;
  readonly counts: AreaCounts;
}

const STATS_SK = 'STATS';
const MARKER_SK = 'MARKER';

/** Attribute holding each payment × outcome counter on an area item. */
export const COUNTER_ATTRIBUTE: Readonly<Record<PaymentMethod, Readonly<Record<DeliveryOutcome, string>>>> = {
  cod: { delivered: 'codDelivered', returned: 'codReturned' },
  prepaid: { delivered: 'prepaidDelivered', returned: 'prepaidReturned' },
};

/** Transactions on the hot national and state items conflict; they are retried with jitter this many times. */
const MAX_CONFLICT_RETRIES = 25;

/**
 * Area names as keys: trimmed, inner whitespace collapsed, upper-cased (a Shopify province
 * "Karnataka" and the postal directory's "KARNATAKA" are one state), `#` removed.
 */
export function keyPart(name: string): string {
  return name.replace(/#/g, ' ').trim().replace(/\s+/g, ' ').toUpperCase();
}

/**
 * The counter items of a destination, finest first: `AREA#IN#PIN#560001`,
 * `AREA#IN#DIST#<state>#<district>`, `AREA#IN#STATE#<state>`, `AREA#IN#NATIONAL` (sk `STATS`).
 * The district level needs the state too, since district names repeat across states.
 */
export function areaKeys(area: RtoArea): { level: AreaLevel; pk: string }[] {
  const country = keyPart(area.country);
  const pincode = area.pincode.replace(/\s+/g, '');
  if (!country || !pincode) throw new Error('an RTO area needs a country and a pincode');
  const state = area.state === undefined ? '' : keyPart(area.state);
  const district = area.district === undefined ? '' : keyPart(area.district);
  return [
    { level: 'pincode' as const, pk: `AREA#${country}#PIN#${pincode}` },
    ...(state && district ? [{ level: 'district' as const, pk: `AREA#${country}#DIST#${state}#${district}` }] : []),
    ...(state ? [{ level: 'state' as const, pk: `AREA#${country}#STATE#${state}` }] : []),
    { level: 'national' as const, pk: `AREA#${country}#NATIONAL` },
  ];
}

const markerKey = (orderKey: string) => ({ pk: `OUTCOME#${orderKey}`, sk: MARKER_SK });

function countsOf(item: Record<string, unknown> | undefined): AreaCounts {
  const read = (attribute: string) => Number(item?.[attribute] ?? 0);
  return {
    cod: { delivered: read(COUNTER_ATTRIBUTE.cod.delivered), returned: read(COUNTER_ATTRIBUTE.cod.returned) },
    prepaid: { delivered: read(COUNTER_ATTRIBUTE.prepaid.delivered), returned: read(COUNTER_ATTRIBUTE.prepaid.returned) },
  };
}

const backoff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1000, 10 * 2 ** attempt)));

const isConditionFailure = (error: unknown) => error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';

const isConflict = (error: unknown) =>
  error instanceof Error &&
  (error.name === 'TransactionConflictException' || (error instanceof TransactionCanceledException && (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict')));

/** A stored marker: the outcome counted for one order, and where and how it was counted. */
interface OutcomeMarker {
  readonly outcome: DeliveryOutcome;
  readonly payment: PaymentMethod;
  readonly areas: readonly string[];
  readonly at?: string;
}

/** Epoch milliseconds of an ISO time, or undefined when absent or unreadable. */
function instant(at: string | undefined): number | undefined {
  const parsed = at === undefined ? Number.NaN : Date.parse(at);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/**
 * Delivery-outcome counters per pincode, district, state and country, the evidence
 * domain/rto-risk.ts estimates from. Counting is exactly-once per order: the counters move in the
 * same transaction that creates the order's `OUTCOME#<orderKey>` marker, conditioned on the marker
 * not existing. The marker keeps the outcome, the payment method and the area items counted, so a
 * correction (delivered, then returned) takes one off the old counter and adds one to the new at
 * exactly the items first counted, even if the correcting event carries a different address.
 */
export class RtoStatsTable {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient = new DynamoDBClient({}),
  ) {
    this.documents = DynamoDBDocumentClient.from(client);
  }

  /** Counts one order's outcome at all four levels, once; see RecordResult for replays and corrections. */
  async recordOutcome(event: DeliveryOutcomeEvent): Promise<RecordResult> {
    if (!event.orderKey) throw new Error('an outcome needs the order key it is counted once for');
    const areas = areaKeys(event).map((key) => key.pk);
    for (let attempt = 0; ; attempt++) {
      const result = await this.tryRecord(event, areas);
      if (result !== 'conflict') return result;
      if (attempt >= MAX_CONFLICT_RETRIES) throw new Error(`outcome of ${event.orderKey} kept conflicting with other transactions`);
      await backoff(attempt);
    }
  }

  /** The counters of a destination's four levels, read in one consistent BatchGet; absent levels are left out. */
  async statsFor(area: RtoArea): Promise<RtoAreaStats> {
    const keys = areaKeys(area);
    const found = new Map((await batchGetAll(this.documents, this.tableName, keys.map((key) => ({ pk: key.pk, sk: STATS_SK })))).map((item) => [String(item.pk), item]));
    const stats: { -readonly [level in AreaLevel]?: AreaCounts } = {};
    for (const key of keys) {
      const item = found.get(key.pk);
      if (item || key.level === 'national') stats[key.level] = countsOf(item);
    }
    return stats as RtoAreaStats;
  }

  /** The outcome counted for an order, if any. */
  async outcomeOf(orderKey: string): Promise<DeliveryOutcome | undefined> {
    return (await this.marker(orderKey))?.outcome;
  }

  /**
   * Overwrites area counters outright with BatchWrite (seeding from a history, not live
   * recording: a concurrent recordOutcome on the same area would be lost).
   */
  async writeStats(rows: Iterable<RtoStatsRow>): Promise<number> {
    const requests = [...rows].map((row) => ({
      PutRequest: {
        Item: {
          pk: row.pk,
          sk: STATS_SK,
          level: row.level,
          [COUNTER_ATTRIBUTE.cod.delivered]: row.counts.cod.delivered,
          [COUNTER_ATTRIBUTE.cod.returned]: row.counts.cod.returned,
          [COUNTER_ATTRIBUTE.prepaid.delivered]: row.counts.prepaid.delivered,
          [COUNTER_ATTRIBUTE.prepaid.returned]: row.counts.prepaid.returned,
        },
      },
    }));
    // BatchWriteItem takes 25 requests per call and may hand some back unprocessed under load.
    for (let start = 0; start < requests.length; start += 25) {
      let pending: typeof requests = requests.slice(start, start + 25);
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > MAX_CONFLICT_RETRIES) throw new Error(`RTO stats writes stayed unprocessed after ${attempt} attempts`);
        if (attempt > 0) await backoff(attempt);
        const { UnprocessedItems } = await this.documents.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
        pending = (UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
      }
    }
    return requests.length;
  }

  private async marker(orderKey: string): Promise<OutcomeMarker | undefined> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: markerKey(orderKey), ConsistentRead: true }));
    return Item as OutcomeMarker | undefined;
  }

  private async tryRecord(event: DeliveryOutcomeEvent, areas: readonly string[]): Promise<RecordResult | 'conflict'> {
    const counter = COUNTER_ATTRIBUTE[event.payment][event.outcome];
    const marker: OutcomeMarker = { outcome: event.outcome, payment: event.payment, areas, ...(event.at === undefined ? {} : { at: event.at }) };
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.tableName, Item: { ...markerKey(event.orderKey), ...marker }, ConditionExpression: 'attribute_not_exists(pk)' } },
            ...areas.map((pk) => ({
              Update: {
                TableName: this.tableName,
                Key: { pk, sk: STATS_SK },
                UpdateExpression: 'ADD #counter :one',
                ExpressionAttributeNames: { '#counter': counter },
                ExpressionAttributeValues: { ':one': 1 },
              },
            })),
          ],
        }),
      );
      return 'recorded';
    } catch (error) {
      if (!isConditionFailure(error)) {
        if (isConflict(error)) return 'conflict';
        throw error;
      }
    }
    // The order was counted before: a replay, a stale replay or a correction.
    const counted = await this.marker(event.orderKey);
    if (!counted) return 'conflict';
    if (counted.outcome === event.outcome) return 'replayed';
    const previous = instant(counted.at);
    const now = instant(event.at);
    if (previous !== undefined && now !== undefined && now <= previous) return 'stale';
    return this.tryCorrect(event, counted);
  }

  private async tryCorrect(event: DeliveryOutcomeEvent, counted: OutcomeMarker): Promise<RecordResult | 'conflict'> {
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: markerKey(event.orderKey),
                UpdateExpression: event.at === undefined ? 'SET outcome = :to REMOVE #at' : 'SET outcome = :to, #at = :at',
                ConditionExpression: 'outcome = :from',
                ExpressionAttributeNames: { '#at': 'at' },
                ExpressionAttributeValues: { ':from': counted.outcome, ':to': event.outcome, ...(event.at === undefined ? {} : { ':at': event.at }) },
              },
            },
            // The marker's payment and areas, not the event's: exactly the counters first moved.
            ...counted.areas.map((pk) => ({
              Update: {
                TableName: this.tableName,
                Key: { pk, sk: STATS_SK },
                UpdateExpression: 'ADD #from :minus, #to :plus',
                ExpressionAttributeNames: { '#from': COUNTER_ATTRIBUTE[counted.payment][counted.outcome], '#to': COUNTER_ATTRIBUTE[counted.payment][event.outcome] },
                ExpressionAttributeValues: { ':minus': -1, ':plus': 1 },
              },
            })),
          ],
        }),
      );
      return 'corrected';
    } catch (error) {
      // Another event for the order moved the marker first: read it again and decide anew.
      if (isConditionFailure(error) || isConflict(error)) return 'conflict';
      throw error;
    }
  }
}
