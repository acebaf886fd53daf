import { NotificationsTable } from '../../lambdas/notifications/adapters/notifications-table.ts';
import { BRANDS } from '../../lib/config/brands.ts';
import { notificationsTableName } from '../../lib/constructs/data-table.ts';
import type { Target } from './config-commands.ts';

/** One month's WISMO figures per brand: customers who asked where their order was, per 1,000 orders, and delays told before they asked. */
export async function describeWismo({ environment, client }: Target, month: string, brand?: string): Promise<string[]> {
  const brands = brand ? [brand] : BRANDS.map((candidate) => candidate.id);
  const stats = await new NotificationsTable(notificationsTableName(environment), client).monthlyStats(month, brands);
  const perThousand = (contacts: number, orders: number) => (orders === 0 ? '-' : ((contacts / orders) * 1000).toFixed(1));
  const total = stats.reduce((sum, row) => ({ orders: sum.orders + row.orders, wismo: sum.wismo + row.wismoContacts, delays: sum.delays + row.proactiveDelays }), { orders: 0, wismo: 0, delays: 0 });
  return [
    `${'brand'.padEnd(16)} ${'orders'.padStart(7)} ${'WISMO'.padStart(6)} ${'per 1,000'.padStart(9)} ${'delays told first'.padStart(17)}  (${month})`,
    ...stats.filter((row) => row.orders + row.wismoContacts > 0 || brand).map((row) => `${row.brand.padEnd(16)} ${String(row.orders).padStart(7)} ${String(row.wismoContacts).padStart(6)} ${perThousand(row.wismoContacts, row.orders).padStart(9)} ${String(row.proactiveDelays).padStart(17)}`),
    `${'all'.padEnd(16)} ${String(total.orders).padStart(7)} ${String(total.wismo).padStart(6)} ${perThousand(total.wismo, total.orders).padStart(9)} ${String(total.delays).padStart(17)}`,
  ];
}

/** Every message of one order: moment, channel, state, delivery status and why, for "was the customer told?". */
export async function describeMessages({ environment, client }: Target, brand: string, orderId: string): Promise<string[]> {
  const records = await new NotificationsTable(notificationsTableName(environment), client).forOrder(brand, orderId);
  if (records.length === 0) return [`no message recorded for ${brand}/${orderId}`];
  return records
    .sort((a, b) => String(a.sentAt ?? '').localeCompare(String(b.sentAt ?? '')))
    .map(
      (record) =>
        `${record.kind.padEnd(20)} ${record.subject.padEnd(18)} ${record.channel.padEnd(8)} ${record.state.padEnd(11)} ${(record.deliveryStatus ?? '-').padEnd(9)} ${record.sentAt ?? ''}${record.template ? `  ${record.template}/${record.language}` : ''}${record.reason ? `  (${record.reason})` : ''}`,
    );
}
