import { Command, InvalidArgumentError } from 'commander';
import type { LocalLogger } from './cloud/contracts.ts';
import { routingSamples, runDemo } from './demo.ts';
import { demoJourneyFor, showShipping } from './shipping-demo.ts';
import { showCustomerMessages } from './notifications-demo.ts';
import { LocalSystem } from './local-system.ts';
import { showStockSync } from './stock-demo.ts';
import { synthesizeStage } from './synth.ts';
import { writeLocalEndpoints } from '../bin/ops/targets.ts';

const positiveInteger = (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError('must be a whole number ≥ 0');
  return parsed;
};

const program = new Command()
  .name('npm start --')
  .description('Synthesizes the dev stage and runs it on the local cloud, then sends a demo batch of signed Shopify orders.')
  .option('--orders <n>', 'demo orders to send', positiveInteger, 6)
  .option('--exit', 'exit after the demo: 0 if every order reached its expected state, 1 otherwise')
  .option('--port <port>', 'port of the HTTP API', positiveInteger, 3000)
  .option('--endpoint-port <port>', 'port of the local AWS endpoint', positiveInteger, 4566)
  .option('--no-synth', 'reuse the existing cdk.out instead of synthesizing')
  .option('--verbose', 'print what the local cloud does')
  .parse();

const options = program.opts<{ orders: number; exit?: boolean; port: number; endpointPort: number; synth: boolean; verbose?: boolean }>();

const print = (level: string) => (message: string, fields?: Record<string, unknown>) =>
  console.log(`  [${level}] ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`);
const logger: LocalLogger = { info: options.verbose ? print('info') : () => {}, warn: print('warn'), error: print('error') };

async function main(): Promise<number> {
  const synthStarted = Date.now();
  if (options.synth) {
    console.log('Synthesizing the dev stage (cdk synth, cdk-nag checks)…');
    synthesizeStage('dev');
    console.log(`  done in ${((Date.now() - synthStarted) / 1000).toFixed(1)} s`);
  }
  console.log('Booting the local cloud from cdk.out/assembly-dev, with the simulated WMS and Shopify stores…');
  const system = await LocalSystem.start({ stage: 'dev', apiPort: options.port, endpointPort: options.endpointPort, logger, journeyFor: demoJourneyFor });
  const { cloud } = system;
  const shutdown = async (code: number) => {
    await system.stop();
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown(130));
  process.once('SIGTERM', () => void shutdown(143));

  writeLocalEndpoints({ api: cloud.apiUrl, endpoint: cloud.endpointUrl, dynamodb: cloud.dynamoDbEndpoint, s3: cloud.s3Endpoint });
  console.log(`  booted in ${cloud.bootSeconds.toFixed(1)} s`);
  console.log(`  HTTP API        ${cloud.apiUrl}  (POST /webhooks/shopify|razorpay/{brand}, /webhooks/tracking/{provider}, GET /orders/{brand}/{id}, GET /track/{token})`);
  console.log(`  AWS endpoint    ${cloud.endpointUrl}  (AWS_ENDPOINT_URL for the AWS CLI/SDK)`);
  console.log(`  DynamoDB Local  ${cloud.dynamoDbEndpoint}`);
  console.log(`  S3              ${cloud.s3Endpoint}  (raw webhook archive)`);
  console.log(`  WMS simulator   ${system.wms.url}  (stock API; signed webhooks to /webhooks/wms/{warehouseId})`);
  console.log(`  Shopify Admin   ${system.shopify.url}  (inventorySetQuantities per demo store, Plus rate limit)`);
  console.log(`  ERP / ShipBob   ${system.erp.url} / ${system.wmsShipments.url}  (sales orders; WMS orders, signed webhooks to /webhooks/tracking/shipbob)`);
  console.log(`  WhatsApp / mail ${system.whatsapp.url} / ${system.sendGrid.url}  (Cloud API and SendGrid; signed webhooks to /webhooks/whatsapp and /webhooks/sendgrid/events)`);
  console.log('  carriers        AfterShip tracking_update webhooks to /webhooks/tracking/aftership, on the local clock');
  console.log(`  schedules       ${cloud.schedules().map((schedule) => `${schedule.name.replace('order-automation-dev-', '')} ${schedule.expression}`).join(', ')}`);
  console.log('  function logs   .local/logs/');
  console.log('  ops             npm run ops -- --local modes | kill-switch on|off | brand-mode <brand> <mode>');

  let allExpected = true;
  if (options.orders > 0) {
    console.log(`\nSending ${options.orders} signed Shopify orders/create webhooks…`);
    const started = Date.now();
    const outcomes = await runDemo(cloud, options.orders);
    const seconds = (Date.now() - started) / 1000;
    for (const outcome of outcomes) {
      const ok = outcome.status === outcome.expectedStatus;
      allExpected &&= ok;
      console.log(`  ${ok ? '✓' : '✗'} ${outcome.brand.padEnd(16)} ${outcome.orderNumber.padEnd(6)} ${outcome.orderId.padEnd(18)} ${outcome.status}${ok ? '' : ` (expected ${outcome.expectedStatus})`}${outcome.addressConfirmed ? '  (COD to a risky pincode: address confirmed by the customer first)' : ''}`);
    }
    const reached = outcomes.filter((outcome) => outcome.status === outcome.expectedStatus).length;
    console.log(`\n${reached}/${outcomes.length} orders reached their expected state in ${seconds.toFixed(1)} s`);
    console.log('\nRouting (cost, speed, stock health, RTO risk), as GET /orders/{brand}/{id} shows it:');
    for (const line of await routingSamples(cloud, outcomes)) console.log(`  ${line}`);
    console.log('\nStock: a WMS change reaching the storefronts, and drift found by reconciliation…');
    for (const line of await showStockSync(system)) console.log(`  ${line}`);
    console.log('\nShipping: the warehouses dispatch, the carriers scan (ShipBob and AfterShip webhooks), SLA timers run…');
    for (const line of await showShipping(system, outcomes)) console.log(`  ${line}`);
    console.log('\nCustomers heard about each step (WhatsApp Cloud API and SendGrid simulators), in their language and the brand\'s voice:');
    for (const line of showCustomerMessages(system)) console.log(`  ${line}`);
  }

  if (options.exit) {
    await shutdown(allExpected ? 0 : 1);
    return allExpected ? 0 : 1;
  }
  console.log('\nServing until Ctrl-C.');
  return 0;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
