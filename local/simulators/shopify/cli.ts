import { Command, InvalidArgumentError } from 'commander';
import { BRANDS } from '../../../lib/config/brands.ts';
import { readShopifySecret } from './brand-secret.ts';
import { runCreate, runDuplicates, runLifecycle, runMalformed, runOutOfOrder, type DeliveryLine, type Target } from './runs.ts';

/**
 * Sends signed Shopify order webhooks to a running local cloud, or any URL that serves
 * POST /webhooks/shopify/<brand>:
 *
 *   npx tsx local/simulators/shopify/cli.ts --secret-from-endpoint http://127.0.0.1:4566 lifecycle
 *
 * Prints one line per delivery: topic, order id (or malformed case), HTTP status, response body.
 * Exits 1 when a delivery got no answer, or (except for `malformed`) an answer other than 2xx.
 */

interface GlobalOptions {
  api: string;
  brand: string;
  secret?: string;
  secretFromEndpoint?: string;
  env: string;
}

const positiveInteger = (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new InvalidArgumentError('expected a positive integer');
  return number;
};

/** Bodies are printed on the delivery's line, so newlines go and very long answers are cut. */
function printLine(line: DeliveryLine): void {
  const body = line.body.replace(/\s+/g, ' ').trim();
  const shown = body.length > 500 ? `${body.slice(0, 500)}… (${body.length} characters)` : body;
  console.log(`${line.topic.padEnd(16)}  ${line.subject}  ${line.status ?? 'no answer'}  ${shown}`);
}

async function targetFrom(options: GlobalOptions): Promise<Target> {
  const brand = BRANDS.find((candidate) => candidate.id === options.brand);
  if (!brand) throw new InvalidArgumentError(`unknown brand "${options.brand}"; known: ${BRANDS.map((known) => known.id).join(', ')}`);
  const secret = options.secret ?? (options.secretFromEndpoint ? await readShopifySecret(options.secretFromEndpoint, brand.id, options.env) : undefined);
  if (!secret) throw new InvalidArgumentError('give --secret <value> or --secret-from-endpoint <url>');
  return { apiUrl: options.api.replace(/\/+$/, ''), brand, secret };
}

function scenario(run: (target: Target, command: Command) => Promise<DeliveryLine[]>, failOnErrorStatus = true) {
  return async (_options: unknown, command: Command) => {
    const lines = await run(await targetFrom(command.optsWithGlobals<GlobalOptions>()), command);
    const failed = lines.some((line) => line.status === null || (failOnErrorStatus && (line.status < 200 || line.status > 299)));
    if (failed) process.exitCode = 1;
  };
}

const program = new Command('simulate-shopify')
  .description('send signed Shopify order webhooks: new orders, lifecycles, out-of-order, duplicate and malformed deliveries')
  .option('--api <url>', 'base URL of the HTTP API', 'http://127.0.0.1:3000')
  .option('--brand <id>', 'brand whose storefront sends the webhooks', BRANDS[0]?.id ?? 'saffron-threads')
  .option('--secret <value>', "the brand's Shopify app secret")
  .option('--secret-from-endpoint <url>', 'read the secret from the Secrets Manager at this endpoint (the local cloud: http://127.0.0.1:4566)')
  .option('--env <name>', 'environment in the secret name order-automation/<env>/shopify/<brand>', 'dev')
  .showHelpAfterError();

program
  .command('create')
  .description('send new demo orders (orders/create)')
  .option('--count <n>', 'how many orders', positiveInteger, 1)
  .action(scenario((target, command) => runCreate(target, command.opts<{ count: number }>().count, printLine)));

program
  .command('lifecycle')
  .description('one order through orders/create, orders/updated, orders/paid and orders/cancelled')
  .action(scenario((target) => runLifecycle(target, printLine)));

program
  .command('out-of-order')
  .description('create, then deliver orders/paid before the earlier orders/updated (Triggered-At set to the true times)')
  .action(scenario((target) => runOutOfOrder(target, printLine)));

program
  .command('duplicates')
  .description('one orders/create delivered several times at once with the same webhook and event ids')
  .option('--copies <n>', 'how many identical deliveries', positiveInteger, 5)
  .action(scenario((target, command) => runDuplicates(target, command.opts<{ copies: number }>().copies, printLine)));

program
  .command('malformed')
  .description('send each malformed body, correctly signed, and print what the receiver answers')
  .action(scenario((target) => runMalformed(target, printLine), false));

try {
  await program.parseAsync();
} catch (error) {
  console.error(`simulate-shopify: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
