import type { TableProperties } from './tables.ts';

/**
 * Key layouts the adapters rely on, for suites and benchmarks that run an adapter against
 * DynamoDB Local without booting the whole app.
 */
const PK_SK: Pick<TableProperties, 'KeySchema' | 'AttributeDefinitions'> = {
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
};

export const ORDERS_TABLE_SCHEMA: TableProperties = { ...PK_SK, BillingMode: 'PAY_PER_REQUEST' };

/**
 * Stock, reservations, the sparse `byExpiry` index the expiry sweep queries, and `byWarehouse`,
 * which lists one warehouse's stock items for reconciliation (reservation items lack the key).
 */
export const INVENTORY_TABLE_SCHEMA: TableProperties = {
  KeySchema: PK_SK.KeySchema,
  AttributeDefinitions: [...PK_SK.AttributeDefinitions, { AttributeName: 'expiryStatus', AttributeType: 'S' }, { AttributeName: 'expiresAt', AttributeType: 'N' }, { AttributeName: 'warehouseId', AttributeType: 'S' }, { AttributeName: 'sku', AttributeType: 'S' }],
  BillingMode: 'PAY_PER_REQUEST',
  GlobalSecondaryIndexes: [
    { IndexName: 'byExpiry', KeySchema: [{ AttributeName: 'expiryStatus', KeyType: 'HASH' }, { AttributeName: 'expiresAt', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } },
    { IndexName: 'byWarehouse', KeySchema: [{ AttributeName: 'warehouseId', KeyType: 'HASH' }, { AttributeName: 'sku', KeyType: 'RANGE' }], Projection: { ProjectionType: 'ALL' } },
  ],
};

/**
 * Delivery-outcome counters per area (`AREA#…`/`STATS`) and one marker per order
 * (`OUTCOME#…`/`MARKER`) that makes counting exactly-once; see lambdas/fulfilment/adapters/rto-stats-table.ts.
 */
export const RTO_STATS_TABLE_SCHEMA: TableProperties = { ...PK_SK, BillingMode: 'PAY_PER_REQUEST' };
