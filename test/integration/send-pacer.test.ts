import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { ORDERS_TABLE_SCHEMA } from '../../local/cloud/dynamodb/table-schemas.ts';
import { SendPacer } from '../../lambdas/notifications/adapters/send-pacer.ts';
import { useDynamoDbLocalTable } from '../helpers/dynamodb-local.ts';

// The notifications table has the same pk/sk shape as the orders table.
const TABLE = 'send-pacer-test';
const table = useDynamoDbLocalTable(TABLE, ORDERS_TABLE_SCHEMA);

/** Starts `count` senders at once on one number; when each was let go, or false when sent back to the queue. */
async function race(pacer: SendPacer, number: string, count: number): Promise<(number | false)[]> {
  const started = Date.now();
  return Promise.all(Array.from({ length: count }, async () => ((await pacer.takeTurn(number)) ? Date.now() - started : false)));
}

describe('turns on a business number shared by concurrent senders', () => {
  it('lets 40 senders go one turn apart at 20 per second: the last goes about two seconds after the first, none is turned away', async () => {
    const released = await race(new SendPacer(TABLE, 20, table.client()), 'number-a', 40);
    expect(released.every((at) => at !== false)).toBe(true);
    const times = (released as number[]).sort((a, b) => a - b);
    // 39 intervals of 50 ms; timers never fire early, so the span cannot be shorter.
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(39 * 50 - 100);
  });

  it('sends back what would wait past the horizon, so a Lambda never sleeps through a long line', async () => {
    const released = await race(new SendPacer(TABLE, 10, table.client(), 1_000), 'number-b', 30);
    const letGo = released.filter((at) => at !== false).length;
    // About ten turns fit in the one-second horizon; more only as the horizon moves on while the
    // bookings are made, which a slow machine stretches.
    expect(letGo).toBeGreaterThanOrEqual(9);
    expect(letGo).toBeLessThan(30);
  });

  it('keeps each number\'s line apart', async () => {
    const pacer = new SendPacer(TABLE, 5, table.client(), 1_000);
    const [a, b] = await Promise.all([race(pacer, 'number-c', 5), race(pacer, 'number-d', 5)]);
    expect([...a!, ...b!].every((at) => at !== false)).toBe(true);
  });

  it('is off at 0 per second: everyone goes at once, and nothing is written', async () => {
    const released = await race(new SendPacer(TABLE, 0, table.client()), 'number-e', 20);
    expect(released.every((at) => at !== false && at < 500)).toBe(true);
    const { Item } = await table.client().send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'PACE#number-e' }, sk: { S: 'PACE' } } }));
    expect(Item).toBeUndefined();
  });
});
