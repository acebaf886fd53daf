import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { batchGetAll } from '../../shared/dynamodb-batch-get.ts';
import type { LevelAfterChange } from '../domain/stock-sync.ts';
import { chunkLines, mergeLines, TRANSITIONS, type ReservationLine, type ReservationStatus } from '../domain/reservation.ts';

export const stockKey = (sku: string, warehouseId: string) => ({ pk: `STOCK#${sku}`, sk: `WH#${warehouseId}` });
const reservationKey = (orderKey: string) => ({ pk: `RESERVATION#${orderKey}`, sk: 'HEADER' });
const pollCursorKey = (warehouseId: string) => ({ pk: `SYNC#${warehouseId}`, sk: 'POLL' });
const chunkKey = (orderKey: string, index: number) => ({ pk: `RESERVATION#${orderKey}`, sk: `CHUNK#${String(index).padStart(4, '0')}` });

/** A stock item as stored: the level (see domain/stock-sync.ts) and where its last count came from. */
export interface StockLevel extends LevelAfterChange {
  /** The sender's sequence of the last count applied; older counts are ignored. */
  readonly syncSequence?: number;
  readonly lastSyncedAt?: string;
  readonly lastSyncSource?: string;
}

/** An order's reservation as stored: its status, every line held, and what the caller attached. */
export interface StoredReservation {
  readonly status: ReservationStatus;
  readonly expiresAt: number;
  readonly lines: readonly ReservationLine[];
  readonly details?: Record<string, unknown>;
}

export type ReserveOutcome =
  | { readonly status: 'RESERVED'; readonly replayed: boolean }
  | { readonly status: 'SHORTFALL'; readonly short: readonly ReservationLine[] }
  /** The order's reservation was already committed or released: a late replay reserves nothing. */
  | { readonly status: 'CLOSED'; readonly was: ReservationStatus };

/** Transactions on a hot item conflict; they are retried with jitter this many times. */
const MAX_CONFLICT_RETRIES = 25;

/**
 * Stock per SKU × warehouse and the reservations against it. Availability is a stored attribute
 * kept equal to onHand − reserved − safetyStock by every write, because DynamoDB conditions can
 * compare attributes but not compute them; a reservation's condition `available >= quantity`
 * is what makes oversell impossible, however many orders race for the last unit.
 */
export class InventoryTable {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient = new DynamoDBClient({}),
  ) {
    this.documents = DynamoDBDocumentClient.from(client);
  }

  /** Sets a stock level outright (seeding); see applyStockCount for updates from a WMS. */
  async setOnHand(sku: string, warehouseId: string, onHand: number, safetyStock: number, source: string, at: string): Promise<void> {
    await this.applyStockCount(sku, warehouseId, onHand, { source, at, safetyStock });
  }

  /**
   * Applies an on-hand count from a WMS webhook, poll or reconciliation, if it is newer than the
   * last one applied (by the sender's sequence). Reserved units are never touched: availability
   * is recomputed around them. Concurrent reservations change the item's version, so the write
   * is conditional on the version read and retried.
   */
  async applyStockCount(
    sku: string,
    warehouseId: string,
    onHand: number,
    /**
     * `sequence` orders counts from one sender; without it (seeding by hand) the count always
     * applies. `sameSequenceWins` lets a full snapshot correct a count at the sequence we
     * already hold (drift the WMS never announced); only an older sequence is stale then.
     */
    update: { sequence?: number; source: string; at: string; safetyStock?: number; sameSequenceWins?: boolean },
  ): Promise<'applied' | 'stale' | 'unchanged'> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.stock(sku, warehouseId);
      if (update.sequence !== undefined && current?.syncSequence !== undefined) {
        const stale = update.sameSequenceWins ? update.sequence < current.syncSequence : update.sequence <= current.syncSequence;
        if (stale) return 'stale';
      }
      if (current && current.onHand === onHand && (update.safetyStock ?? current.safetyStock) === current.safetyStock && update.sequence === current.syncSequence) return 'unchanged';
      const reserved = current?.reserved ?? 0;
      const safetyStock = update.safetyStock ?? current?.safetyStock ?? 0;
      try {
        await this.documents.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...stockKey(sku, warehouseId),
              sku,
              warehouseId,
              onHand,
              reserved,
              safetyStock,
              available: onHand - reserved - safetyStock,
              version: (current?.version ?? 0) + 1,
              syncSequence: update.sequence ?? current?.syncSequence,
              lastSyncedAt: update.at,
              lastSyncSource: update.source,
            },
            ConditionExpression: current ? '#version = :version' : 'attribute_not_exists(pk)',
            ExpressionAttributeNames: current ? { '#version': 'version' } : undefined,
            ExpressionAttributeValues: current ? { ':version': current.version } : undefined,
          }),
        );
        return 'applied';
      } catch (error) {
        if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException') || attempt >= MAX_CONFLICT_RETRIES) throw error;
      }
    }
  }

  /** Our on-hand count of every SKU we hold for one warehouse, for reconciliation. */
  async onHandBySku(warehouseId: string): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const pages = paginateQuery(
      { client: this.documents },
      {
        TableName: this.tableName,
        IndexName: 'byWarehouse',
        KeyConditionExpression: 'warehouseId = :warehouseId',
        ExpressionAttributeValues: { ':warehouseId': warehouseId },
        ProjectionExpression: 'sku, onHand',
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) counts.set(String(item.sku), Number(item.onHand));
    return counts;
  }

  /** Current levels of many SKU × warehouse pairs (absent ones are left out), read consistently. */
  async levels(keys: readonly { sku: string; warehouseId: string }[]): Promise<StockLevel[]> {
    const unique = [...new Map(keys.map((key) => [`${key.sku}\u0000${key.warehouseId}`, stockKey(key.sku, key.warehouseId)])).values()];
    return (await batchGetAll(this.documents, this.tableName, unique)) as unknown as StockLevel[];
  }

  /** The last WMS change sequence the one-minute poll applied for a warehouse (0 before the first poll). */
  async pollCursor(warehouseId: string): Promise<number> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: pollCursorKey(warehouseId), ConsistentRead: true }));
    return Number(Item?.lastSequence ?? 0);
  }

  /** Moves the cursor forward only: two overlapping polls cannot move it back. */
  async savePollCursor(warehouseId: string, sequence: number): Promise<void> {
    try {
      await this.documents.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...pollCursorKey(warehouseId), lastSequence: sequence },
          ConditionExpression: 'attribute_not_exists(pk) OR lastSequence < :sequence',
          ExpressionAttributeValues: { ':sequence': sequence },
        }),
      );
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    }
  }

  async stock(sku: string, warehouseId: string): Promise<StockLevel | undefined> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: stockKey(sku, warehouseId), ConsistentRead: true }));
    return Item as StockLevel | undefined;
  }

  async reservationStatus(orderKey: string): Promise<ReservationStatus | undefined> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: reservationKey(orderKey), ConsistentRead: true }));
    return Item?.status as ReservationStatus | undefined;
  }

  /** The order's reservation with every line, or undefined when none was ever attempted. */
  async reservation(orderKey: string): Promise<StoredReservation | undefined> {
    const { Items = [] } = await this.documents.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': reservationKey(orderKey).pk }, ConsistentRead: true }),
    );
    const header = Items.find((item) => item.sk === 'HEADER');
    if (!header) return undefined;
    const lines = Items.filter((item) => String(item.sk).startsWith('CHUNK#')).flatMap((item) => item.lines as ReservationLine[]);
    return { status: header.status as ReservationStatus, expiresAt: Number(header.expiresAt), lines, details: header.details as Record<string, unknown> | undefined };
  }

  /**
   * Reserves every line or none. Orders above 99 distinct lines span several transactions; if a
   * later one falls short, the earlier ones are released again before answering. Idempotent by
   * order: a replay finds each chunk's marker and the header, and reserves nothing twice.
   */
  async reserve(orderKey: string, lines: readonly ReservationLine[], expiresAt: number, details?: Record<string, unknown>): Promise<ReserveOutcome> {
    const existing = await this.reservationStatus(orderKey);
    if (existing === 'RESERVED') return { status: 'RESERVED', replayed: true };
    if (existing === 'COMMITTED' || existing === 'RELEASED') return { status: 'CLOSED', was: existing };
    const chunks = chunkLines(mergeLines(lines));
    for (const [index, chunk] of chunks.entries()) {
      const short = await this.reserveChunk(orderKey, index, chunk, expiresAt);
      if (short.length > 0) {
        for (let done = index - 1; done >= 0; done--) await this.transitionChunk(orderKey, done, chunks[done]!, 'release');
        await this.writeHeader(orderKey, 'SHORTFALL', expiresAt, chunks.length, details);
        return { status: 'SHORTFALL', short };
      }
    }
    await this.writeHeader(orderKey, 'RESERVED', expiresAt, chunks.length, details);
    return { status: 'RESERVED', replayed: false };
  }

  /** At dispatch: on hand goes down by what was held. A replay after success changes nothing. */
  async commit(orderKey: string): Promise<boolean> {
    return this.transition(orderKey, 'commit');
  }

  /**
   * Keeps a held reservation until `expiresAt` at least (the order went to the warehouse and
   * waits to be dispatched). False when it is not held any more, or already held that long.
   */
  async extendHold(orderKey: string, expiresAt: number): Promise<boolean> {
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: reservationKey(orderKey),
          UpdateExpression: 'SET expiresAt = :expiresAt',
          ConditionExpression: '#status = :reserved AND expiresAt < :expiresAt',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':reserved': 'RESERVED', ':expiresAt': expiresAt },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /** Cancel, timeout or reroute: the held units become available again. Idempotent. */
  async release(orderKey: string): Promise<boolean> {
    return this.transition(orderKey, 'release');
  }

  /** Order keys of reservations still held past their expiry. */
  async expiredOrderKeys(now: number): Promise<string[]> {
    const keys: string[] = [];
    const pages = paginateQuery(
      { client: this.documents },
      {
        TableName: this.tableName,
        IndexName: 'byExpiry',
        KeyConditionExpression: 'expiryStatus = :reserved AND expiresAt <= :now',
        ExpressionAttributeValues: { ':reserved': 'RESERVED', ':now': now },
      },
    );
    for await (const page of pages) for (const item of page.Items ?? []) keys.push(String(item.pk).slice('RESERVATION#'.length));
    return keys;
  }

  /** Releases reservations whose time ran out; returns the order keys released. */
  async releaseExpired(now: number): Promise<string[]> {
    const released: string[] = [];
    for (const orderKey of await this.expiredOrderKeys(now)) {
      if (await this.release(orderKey)) released.push(orderKey);
    }
    return released;
  }

  private async reserveChunk(orderKey: string, index: number, chunk: readonly ReservationLine[], expiresAt: number): Promise<ReservationLine[]> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.tryReserveChunk(orderKey, index, chunk, expiresAt);
      if (outcome !== 'conflict') return outcome;
      if (attempt >= MAX_CONFLICT_RETRIES) throw new Error(`reservation of ${orderKey} kept conflicting with other transactions`);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1000, 10 * 2 ** attempt)));
    }
  }

  private async tryReserveChunk(orderKey: string, index: number, chunk: readonly ReservationLine[], expiresAt: number): Promise<ReservationLine[] | 'conflict'> {
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { ...chunkKey(orderKey, index), status: 'RESERVED', lines: chunk, expiresAt },
                // A chunk given back after a shortfall may be taken again; one still held may not.
                ConditionExpression: 'attribute_not_exists(pk) OR #status = :released',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':released': 'RELEASED' },
              },
            },
            ...chunk.map((line) => ({
              Update: {
                TableName: this.tableName,
                Key: stockKey(line.sku, line.warehouseId),
                UpdateExpression: 'SET reserved = reserved + :quantity, available = available - :quantity, #version = #version + :one',
                ConditionExpression: 'available >= :quantity',
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':quantity': line.quantity, ':one': 1 },
              },
            })),
          ],
        }),
      );
      return [];
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      // The marker is held: an earlier attempt of this order reserved the chunk.
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return [];
      if (reasons.some((reason) => reason.Code === 'TransactionConflict')) return 'conflict';
      const short = chunk.filter((_, position) => reasons[position + 1]?.Code === 'ConditionalCheckFailed');
      if (short.length === 0) throw error;
      return short;
    }
  }

  private async transition(orderKey: string, operation: keyof typeof TRANSITIONS): Promise<boolean> {
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: reservationKey(orderKey), ConsistentRead: true }));
    if (!Item || Item.status !== TRANSITIONS[operation].from) return false;
    const chunks = Number(Item.chunks);
    for (let index = 0; index < chunks; index++) {
      const { Item: chunk } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: chunkKey(orderKey, index), ConsistentRead: true }));
      if (chunk) await this.transitionChunk(orderKey, index, chunk.lines as ReservationLine[], operation);
    }
    try {
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: reservationKey(orderKey),
          UpdateExpression: 'SET #status = :to REMOVE expiryStatus',
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':from': TRANSITIONS[operation].from, ':to': TRANSITIONS[operation].to },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /** Moves one chunk; a chunk already moved (a replay) is skipped by its marker's condition. */
  private async transitionChunk(orderKey: string, index: number, lines: readonly ReservationLine[], operation: keyof typeof TRANSITIONS): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if ((await this.tryTransitionChunk(orderKey, index, lines, operation)) !== 'conflict') return;
      if (attempt >= MAX_CONFLICT_RETRIES) throw new Error(`${operation} of ${orderKey} kept conflicting with other transactions`);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1000, 10 * 2 ** attempt)));
    }
  }

  private async tryTransitionChunk(orderKey: string, index: number, lines: readonly ReservationLine[], operation: keyof typeof TRANSITIONS): Promise<'done' | 'conflict'> {
    const { from, to } = TRANSITIONS[operation];
    const stockUpdate =
      operation === 'commit'
        ? 'SET onHand = onHand - :quantity, reserved = reserved - :quantity, #version = #version + :one'
        : 'SET reserved = reserved - :quantity, available = available + :quantity, #version = #version + :one';
    try {
      await this.documents.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: chunkKey(orderKey, index),
                UpdateExpression: 'SET #status = :to',
                ConditionExpression: '#status = :from',
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: { ':from': from, ':to': to },
              },
            },
            ...lines.map((line) => ({
              Update: {
                TableName: this.tableName,
                Key: stockKey(line.sku, line.warehouseId),
                UpdateExpression: stockUpdate,
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: { ':quantity': line.quantity, ':one': 1 },
              },
            })),
          ],
        }),
      );
      return 'done';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      if (error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return 'done';
      if (error.CancellationReasons?.some((reason) => reason.Code === 'TransactionConflict')) return 'conflict';
      throw error;
    }
  }

  private async writeHeader(orderKey: string, status: ReservationStatus, expiresAt: number, chunks: number, details?: Record<string, unknown>): Promise<void> {
    await this.documents.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...reservationKey(orderKey), status, expiresAt, chunks, ...(details ? { details } : {}), ...(status === 'RESERVED' ? { expiryStatus: 'RESERVED' } : {}) },
        // A replay must not turn a finished reservation back into RESERVED.
        ConditionExpression: 'attribute_not_exists(pk) OR #status = :shortfall',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':shortfall': 'SHORTFALL' },
      }),
    ).catch((error: unknown) => {
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    });
  }
}
