import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { findBrand } from '../lib/config/brands.ts';
import { productsOf } from '../lib/config/catalog.ts';
import { findWarehouse } from '../lib/config/warehouses.ts';
import { routeForBrand } from '../lambdas/fulfilment/routing-request.ts';
import { formatMoney } from '../lambdas/fulfilment/domain/routing/reasons.ts';
import type { OrderedLine, RoutingDecision, StockLevel } from '../lambdas/fulfilment/domain/routing/types.ts';
import { CountrySchema, PaymentMethodSchema, type PaymentMethod } from '../lambdas/shared/canonical-order.ts';
import { locatePostalCode } from '../lambdas/shared/postal/geo.ts';
import { normalizePostalCode } from '../lambdas/shared/postal/postal-codes.ts';

/**
 * What would routing do with these orders? Reads a CSV of orders and prints, per order, the
 * warehouse or split it would choose and why. Nothing is reserved or sent anywhere. `row` is
 * the order's line number in the file.
 */

type StockFile = Readonly<Record<string, Readonly<Record<string, number>>>>;

interface WhatIfRow {
  readonly row: number;
  readonly brand: string;
  readonly postalCode: string;
  readonly country: string;
  readonly payment: PaymentMethod;
  readonly lines: readonly OrderedLine[];
}

function parseLines(text: string, row: number): OrderedLine[] {
  return text.split('|').map((part) => {
    const match = /^\s*([^:\s]+)\s*:\s*(\d+)\s*$/.exec(part);
    if (!match) throw new Error(`row ${row}: line "${part}" is not SKU:quantity`);
    return { sku: match[1]!, quantity: Number(match[2]) };
  });
}

export function parseOrdersCsv(csv: string): WhatIfRow[] {
  const rows = csv.split(/\r?\n/).map((line, index) => ({ line: line.trim(), row: index + 1 })).filter(({ line }) => line !== '' && !line.startsWith('#'));
  const [header, ...data] = rows;
  const expected = 'brand,postal_code,country,payment,lines';
  if (header?.line.replace(/\s+/g, '') !== expected) throw new Error(`the first line must be the header "${expected}"`);
  return data.map(({ line, row }) => {
    const cells = line.split(',').map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
    if (cells.length !== 5) throw new Error(`row ${row}: expected 5 columns, found ${cells.length}`);
    const [brand = '', postalCode = '', country = '', payment = '', lines = ''] = cells;
    const method = PaymentMethodSchema.safeParse(payment.toLowerCase());
    if (!method.success) throw new Error(`row ${row}: payment must be cod or prepaid, not "${payment}"`);
    return { row, brand, postalCode: normalizePostalCode(postalCode), country: country.toUpperCase(), payment: method.data, lines: parseLines(lines, row) };
  });
}

const DEFAULT_UNITS = 500;

/** The level of `sku` at a warehouse from the stock file, or the default stock when there is none. */
function levelFrom(stock: StockFile | undefined) {
  return (sku: string, warehouseId: string): StockLevel | undefined => {
    const warehouse = findWarehouse(warehouseId);
    if (!warehouse) return undefined;
    const available = stock ? stock[warehouseId]?.[sku] : productsOf(warehouse.country).some((product) => product.sku === sku) ? DEFAULT_UNITS : undefined;
    return available === undefined ? undefined : { available, safetyStock: warehouse.safetyStock, onHand: available + warehouse.safetyStock };
  };
}

interface Options {
  readonly stock?: string;
  readonly json?: boolean;
  readonly at?: string;
  readonly codRisk: string;
  readonly prepaidRisk: string;
}

function decide(order: WhatIfRow, options: Options, stock: StockFile | undefined, orderedAt: Date): RoutingDecision {
  const brand = findBrand(order.brand);
  if (!brand) throw new Error(`row ${order.row}: unknown brand "${order.brand}"`);
  const country = CountrySchema.safeParse(order.country);
  if (!country.success || country.data !== brand.country) throw new Error(`row ${order.row}: ${brand.id} sells in ${brand.country}, not "${order.country}"`);
  const destination = locatePostalCode(country.data, order.postalCode);
  if (!destination) throw new Error(`row ${order.row}: postal code "${order.postalCode}" is not known in ${country.data}`);
  return routeForBrand({
    brand,
    lines: order.lines,
    destination,
    paymentMethod: order.payment,
    orderedAt,
    levelOf: levelFrom(stock),
    rtoRisk: { cod: Number(options.codRisk), prepaid: Number(options.prepaidRisk) },
  });
}

function printDecision(order: WhatIfRow, decision: RoutingDecision): void {
  console.log(`row ${order.row}: ${order.brand} → ${order.country} ${order.postalCode} (${order.payment}): ${decision.kind}`);
  for (const shipment of decision.shipments) {
    const lines = shipment.lines.map((line) => `${line.sku}×${line.quantity}`).join(', ');
    console.log(`  ship ${lines} from ${shipment.warehouseId}: ${formatMoney(shipment.costMinor, shipment.currency)}, ${shipment.etaDays} d, by ${shipment.promisedDeliveryDate}, total ${shipment.scores.total.toFixed(2)}`);
  }
  for (const reason of decision.reasons) console.log(`  - ${reason}`);
}

const program = new Command()
  .name('npx tsx bin/route-what-if.ts')
  .description('show which warehouse (or split) routing would choose for each order in a CSV, and why')
  .argument('<orders.csv>', 'orders to route, one per row (format below)')
  .option('--stock <json>', 'stock file: { "<warehouseId>": { "<sku>": available } }; default: 500 of every catalog product in every warehouse of the country')
  .option('--at <iso>', 'order time, e.g. 2025-03-10T16:30:00+05:30 (default: now); cut-offs are read in each warehouse\'s time zone')
  .option('--cod-risk <p>', 'RTO probability 0–1 for COD orders, for every destination', '0.25')
  .option('--prepaid-risk <p>', 'RTO probability 0–1 for prepaid orders, for every destination', '0.05')
  .option('--json', 'print the decisions as JSON')
  .addHelpText(
    'after',
    `
CSV format (header required; blank lines and lines starting with # are skipped):
  brand,postal_code,country,payment,lines
  saffron-threads,560001,IN,cod,ST-KURTA-IND-M:2|ST-JUTTI-38:1

  brand        a brand id from lib/config/brands.ts; its warehouses are the candidates
  postal_code  the destination PIN / kode pos / poskod
  country      IN, ID or MY (must be the brand's country)
  payment      cod or prepaid
  lines        SKU:quantity, several separated by |

Sample: bin/route-what-if.sample.csv`,
  )
  .action((file: string, options: Options) => {
    const stock = options.stock ? (JSON.parse(readFileSync(options.stock, 'utf8')) as StockFile) : undefined;
    const orderedAt = options.at ? new Date(options.at) : new Date();
    if (Number.isNaN(orderedAt.getTime())) throw new Error(`--at "${options.at}" is not a date`);
    for (const [flag, value] of [['--cod-risk', options.codRisk], ['--prepaid-risk', options.prepaidRisk]] as const) {
      const risk = Number(value);
      if (!(risk >= 0 && risk <= 1)) throw new Error(`${flag} must be a probability from 0 to 1, not "${value}"`);
    }
    const orders = parseOrdersCsv(readFileSync(file, 'utf8'));
    // One bad row (an unknown PIN, a typo in a brand) is reported and the rest still routed.
    const results = orders.map((order) => {
      try {
        return { order, decision: decide(order, options, stock, orderedAt) };
      } catch (error) {
        return { order, error: error instanceof Error ? error.message : String(error) };
      }
    });
    if (options.json) {
      const rows = results.map(({ order, ...result }) => ({ row: order.row, brand: order.brand, postalCode: order.postalCode, ...('decision' in result ? result.decision : { error: result.error }) }));
      console.log(JSON.stringify(rows, null, 2));
    } else {
      for (const result of results) {
        if ('decision' in result && result.decision) printDecision(result.order, result.decision);
        else console.log(`error: ${result.error ?? 'unknown'}`);
      }
    }
    if (results.some((result) => 'error' in result)) process.exitCode = 1;
  });

program.parseAsync().catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
