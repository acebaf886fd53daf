import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { Command } from 'commander';
import { ENVIRONMENT_NAMES } from '../lib/config/environments.ts';
import { describeModes, setBrandMode, setKillSwitch, type Target } from './ops/config-commands.ts';
import { describeMessages, describeWismo } from './ops/notification-commands.ts';
import { describeReservation, describeStock } from './ops/stock-commands.ts';
import { listTasks, resolveTask } from './ops/task-commands.ts';
import { clientSettings } from './ops/targets.ts';

/**
 * Operations commands, for the local cloud (`--local`) or a deployed environment (AWS
 * credentials from the usual chain). `npm run ops -- --help` lists them.
 */
const program = new Command()
  .name('npm run ops --')
  .option('--env <name>', `environment: ${ENVIRONMENT_NAMES.join(', ')}`, 'dev')
  .option('--local', 'talk to the local cloud started by `npm start` instead of AWS')
  .option('--region <region>', 'AWS region of the environment', process.env.AWS_REGION ?? 'ap-south-1');

function target(): Target {
  const { env, local, region } = program.opts<{ env: string; local?: boolean; region: string }>();
  if (!(ENVIRONMENT_NAMES as readonly string[]).includes(env)) throw new Error(`unknown environment "${env}"`);
  return { environment: env, client: new DynamoDBClient(clientSettings({ local: local === true, region }, 'dynamodb')) };
}

program
  .command('kill-switch')
  .description('on: every new order goes to the legacy process; off: brands run in their modes')
  .argument('<state>', 'on or off')
  .option('--reason <text>', 'why, for whoever reads `modes` next', '')
  .action(async (state: string, options: { reason: string }) => {
    if (state !== 'on' && state !== 'off') throw new Error(`expected "on" or "off", received "${state}"`);
    console.log(await setKillSwitch(target(), state === 'on', options.reason));
  });

program
  .command('brand-mode')
  .description('set a brand to legacy, shadow or live')
  .argument('<brand>')
  .argument('<mode>', 'legacy | shadow | live')
  .action(async (brand: string, mode: string) => {
    console.log(await setBrandMode(target(), brand, mode));
  });

program
  .command('modes')
  .description('show the kill switch and every brand\'s mode')
  .action(async () => {
    for (const line of await describeModes(target())) console.log(line);
  });

program
  .command('stock')
  .description('one SKU in every warehouse: on hand, reserved, safety stock, available, and the last count applied')
  .argument('<sku>')
  .action(async (sku: string) => {
    for (const line of await describeStock(target(), sku)) console.log(line);
  });

program
  .command('reservation')
  .description('the stock held for one order: status, lines, substitutions')
  .argument('<brand>')
  .argument('<orderId>')
  .action(async (brand: string, orderId: string) => {
    for (const line of await describeReservation(target(), brand, orderId)) console.log(line);
  });

program
  .command('messages')
  .description('what an order\'s customer was sent, on which channel, and what became of it')
  .argument('<brand>')
  .argument('<orderId>')
  .action(async (brand: string, orderId: string) => {
    for (const line of await describeMessages(target(), brand, orderId)) console.log(line);
  });

program
  .command('wismo')
  .description('"where is my order?" contacts per 1,000 orders, per brand, for a month (WhatsApp questions answered automatically count too)')
  .option('--month <yyyy-mm>', 'the month', new Date().toISOString().slice(0, 7))
  .option('--brand <brand>', 'only this brand')
  .action(async (options: { month: string; brand?: string }) => {
    for (const line of await describeWismo(target(), options.month, options.brand)) console.log(line);
  });

program
  .command('tasks')
  .description('open ops tasks (failures waiting for a decision), oldest first, with what happened and the suggested actions')
  .option('--brand <brand>', 'only this brand\'s')
  .action(async (options: { brand?: string }) => {
    for (const line of await listTasks(target(), options.brand)) console.log(line);
  });

program
  .command('resolve')
  .description('decide an ops task: retry the failed step, cancel the order (compensating what was done), or mark it done by hand')
  .argument('<taskId>')
  .argument('<action>', 'retry | cancel | done')
  .option('--note <text>', 'what was done or why, kept on the task and the order', '')
  .action(async (taskId: string, action: string, options: { note: string }) => {
    const { local, region } = program.opts<{ local?: boolean; region: string }>();
    const stepFunctions = new SFNClient(clientSettings({ local: local === true, region }, 'default'));
    console.log(await resolveTask(target(), stepFunctions, taskId, action, options.note, process.env.USER ?? 'ops-cli'));
  });

program.parseAsync().catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
