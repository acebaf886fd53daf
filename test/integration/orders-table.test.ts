import { beforeAll, describe, expect, it } from 'vitest';
import { ORDERS_TABLE_SCHEMA } from '../../local/cloud/dynamodb/table-schemas.ts';
import { OrdersTable } from '../../lambdas/orders/adapters/orders-table.ts';
import type { OrderSnapshot } from '../../lambdas/shared/events.ts';
import { mapShopifyOrder } from '../../lambdas/intake/domain/shopify-order.ts';
import { aShopifyOrder } from '../helpers/shopify-order.ts';
import { useDynamoDbLocalTable } from '../helpers/dynamodb-local.ts';

const TABLE = 'orders-table-test';
let orders: OrdersTable;
let nextId = 7_000_000_000_000;

const table = useDynamoDbLocalTable(TABLE, ORDERS_TABLE_SCHEMA);

beforeAll(() => {
  orders = new OrdersTable(TABLE, table.client());
});

function snapshot(orderId: string, version: number, triggeredAt: string, topic: OrderSnapshot['topic'] = 'orders/updated'): OrderSnapshot {
  const { order } = mapShopifyOrder('saffron-threads', aShopifyOrder({ id: Number(orderId), updated_at: new Date(version).toISOString() }));
  return { brand: 'saffron-threads', orderId, occurredAt: triggeredAt, version, correlationId: `c-${version}-${triggeredAt}`, topic, triggeredAt, archiveKey: 'shopify/k.json', order };
}

const newId = () => String(nextId++);

describe('orders table: newest state wins', () => {
  it('applies newer versions, ignores older ones, and breaks version ties by triggered-at', async () => {
    const id = newId();
    expect(await orders.applySnapshot(snapshot(id, 2_000, '2026-11-28T10:00:02Z'))).toBe('applied');
    expect(await orders.applySnapshot(snapshot(id, 1_000, '2026-11-28T10:00:09Z'))).toBe('stale');
    expect(await orders.applySnapshot(snapshot(id, 2_000, '2026-11-28T10:00:01Z'))).toBe('stale');
    expect(await orders.applySnapshot(snapshot(id, 2_000, '2026-11-28T10:00:03Z'))).toBe('applied');
    expect(await orders.applySnapshot(snapshot(id, 2_000, '2026-11-28T10:00:03Z'))).toBe('stale');
    expect((await orders.get('saffron-threads', id))?.triggeredAt).toBe('2026-11-28T10:00:03Z');
  });

  it('a newer cancellation sets CANCELLED, and an older create arriving later does not reopen it', async () => {
    const id = newId();
    await orders.applySnapshot(snapshot(id, 5_000, '2026-11-28T10:00:05Z', 'orders/cancelled'));
    expect(await orders.applySnapshot(snapshot(id, 1_000, '2026-11-28T10:00:01Z', 'orders/create'))).toBe('stale');
    expect((await orders.get('saffron-threads', id))?.status).toBe('CANCELLED');
  });
});

describe('orders table: one route per order', () => {
  it('the first route recorded wins, and later copies read it back', async () => {
    const id = newId();
    await orders.applySnapshot(snapshot(id, 1_000, '2026-11-28T10:00:00Z', 'orders/create'));
    expect((await orders.claimRoute('saffron-threads', id, 'live', 'now'))?.route).toBe('live');
    expect((await orders.claimRoute('saffron-threads', id, 'legacy', 'later'))?.route).toBe('live');
  });

  it('a cancelled order gets no route', async () => {
    const id = newId();
    await orders.applySnapshot(snapshot(id, 1_000, '2026-11-28T10:00:00Z', 'orders/cancelled'));
    expect(await orders.claimRoute('saffron-threads', id, 'live', 'now')).toBeUndefined();
  });

  it('hands an order to legacy once: a concurrent copy is held off, a finished one is done, a crashed one is taken over', async () => {
    const id = newId();
    await orders.applySnapshot(snapshot(id, 1_000, '2026-11-28T10:00:00Z', 'orders/create'));
    expect(await orders.claimLegacyHandoff('saffron-threads', id, 'first', 1_000, 60_000)).toBe('claimed');
    expect(await orders.claimLegacyHandoff('saffron-threads', id, 'second', 2_000, 60_000)).toBe('held');
    expect(await orders.claimLegacyHandoff('saffron-threads', id, 'third', 61_001, 60_000)).toBe('claimed');
    expect(await orders.markHandedToLegacy('saffron-threads', id, 'now')).toBe(true);
    expect(await orders.markHandedToLegacy('saffron-threads', id, 'again')).toBe(false);
    expect(await orders.claimLegacyHandoff('saffron-threads', id, 'fourth', 999_999, 60_000)).toBe('done');
  });
});

describe('orders table: payment state', () => {
  it('writes only if nobody changed the payment since it was read', async () => {
    const id = newId();
    expect(await orders.writePayment('saffron-threads', id, { status: 'failed' }, undefined)).toBe(true);
    expect(await orders.writePayment('saffron-threads', id, { status: 'captured' }, undefined)).toBe(false);
    expect(await orders.writePayment('saffron-threads', id, { status: 'captured' }, 1)).toBe(true);
    expect(JSON.parse((await orders.get('saffron-threads', id))?.payment as string)).toEqual({ status: 'captured' });
  });
});
