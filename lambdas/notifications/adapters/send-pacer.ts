import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';

/** How far ahead a send may book its turn; beyond it the message goes back to the queue instead of holding a Lambda. */
const DEFAULT_HORIZON_MS = 5_000;
const RESERVE_ATTEMPTS = 4;

/**
 * Paces WhatsApp sends per business number across every sender running at once. Meta counts
 * messages per number per second over all callers, so a pause inside one Lambda after a 130429
 * (what each sender could see alone) left most of the allowance unused when ten ran together.
 * Each send books the next free turn on the number's line, one item `PACE#<phoneNumberId>`
 * holding when the next turn is free, one turn per 1/limit seconds, and waits for it: at most
 * `limit` sends start in any second, however many senders there are. The line relies on the
 * senders' clocks agreeing, as Lambda's NTP-synchronised clocks do.
 */
export class SendPacer {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    /** The number's throughput, messages per second; 0 turns pacing off. */
    private readonly messagesPerSecond: number,
    client: DynamoDBClient = new DynamoDBClient({}),
    private readonly horizonMs = DEFAULT_HORIZON_MS,
  ) {
    this.documents = DynamoDBDocumentClient.from(client);
  }

  /**
   * Waits for this send's turn on the number's line. False when the line is longer than the
   * horizon: the caller should hold the message and come back later, as after a 130429.
   */
  async takeTurn(phoneNumberId: string): Promise<boolean> {
    if (!(this.messagesPerSecond > 0)) return true;
    for (let attempt = 1; attempt <= RESERVE_ATTEMPTS; attempt++) {
      const now = Date.now();
      const turn = await this.book(phoneNumberId, now);
      if (turn === 'full') return false;
      if (turn === 'raced') continue;
      if (turn > now) await sleep(turn - now);
      return true;
    }
    // Senders kept racing for an empty line, which means there was room: go, with Meta's 130429 as the backstop.
    return true;
  }

  private async book(phoneNumberId: string, now: number): Promise<number | 'full' | 'raced'> {
    const interval = 1000 / this.messagesPerSecond;
    const key = { pk: `PACE#${phoneNumberId}`, sk: 'PACE' };
    // A line a day old means nothing; TTL clears numbers that stopped sending.
    const expiresAt = Math.floor(now / 1000) + 86_400;
    try {
      // Nobody waiting: this send goes now, and the next turn is one interval later.
      await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET nextTurnAt = :next, expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(nextTurnAt) OR nextTurnAt <= :now',
          ExpressionAttributeValues: { ':next': now + interval, ':now': now, ':expiresAt': expiresAt },
        }),
      );
      return now;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    try {
      // Others are waiting: take the turn after the last one booked, unless that is too far off.
      const { Attributes } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'ADD nextTurnAt :interval SET expiresAt = :expiresAt',
          ConditionExpression: 'nextTurnAt > :now AND nextTurnAt < :horizon',
          ExpressionAttributeValues: { ':interval': interval, ':now': now, ':horizon': now + this.horizonMs, ':expiresAt': expiresAt },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(Attributes?.nextTurnAt) - interval;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    // Neither: the line emptied meanwhile (book again), or it reaches past the horizon.
    const { Item } = await this.documents.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    return Number(Item?.nextTurnAt ?? 0) >= now + this.horizonMs ? 'full' : 'raced';
  }
}
