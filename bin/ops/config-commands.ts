import { userInfo } from 'node:os';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { BRAND_MODES, BRANDS, findBrand, type BrandMode } from '../../lib/config/brands.ts';
import { configTableName } from '../../lib/constructs/data-table.ts';
import { brandModeKey, KILL_SWITCH_KEY, MODE_CACHE_TTL_MS } from '../../lambdas/orders/adapters/mode-config.ts';

export interface Target {
  readonly environment: string;
  readonly client: DynamoDBClient;
}

const documents = (client: DynamoDBClient) => DynamoDBDocumentClient.from(client);
const actor = () => process.env.USER ?? userInfo().username;
const takesEffect = `takes effect within ${(2 * MODE_CACHE_TTL_MS) / 1000} s (functions cache modes for ${MODE_CACHE_TTL_MS / 1000} s)`;

/** Engaged: every new order goes to the legacy process, whatever its brand's mode. */
export async function setKillSwitch({ environment, client }: Target, engaged: boolean, reason: string): Promise<string> {
  await documents(client).send(
    new PutCommand({
      TableName: configTableName(environment),
      Item: { ...KILL_SWITCH_KEY, engaged, reason, updatedAt: new Date().toISOString(), updatedBy: actor() },
    }),
  );
  return `kill switch ${engaged ? 'ON: new orders go to the legacy process' : 'OFF: brands run in their modes'} in ${environment}; ${takesEffect}`;
}

export async function setBrandMode({ environment, client }: Target, brand: string, mode: string): Promise<string> {
  if (!findBrand(brand)) throw new Error(`unknown brand "${brand}"; known brands: ${BRANDS.map((b) => b.id).join(', ')}`);
  if (!(BRAND_MODES as readonly string[]).includes(mode)) throw new Error(`unknown mode "${mode}"; expected one of ${BRAND_MODES.join(', ')}`);
  await documents(client).send(
    new PutCommand({
      TableName: configTableName(environment),
      Item: { ...brandModeKey(brand), mode: mode as BrandMode, updatedAt: new Date().toISOString(), updatedBy: actor() },
    }),
  );
  return `${brand} is now ${mode} in ${environment}; ${takesEffect}`;
}

/** The kill switch and every brand's effective mode, with who set it. */
export async function describeModes({ environment, client }: Target): Promise<string[]> {
  const table = configTableName(environment);
  const { Responses } = await documents(client).send(
    new BatchGetCommand({ RequestItems: { [table]: { Keys: [KILL_SWITCH_KEY, ...BRANDS.map((brand) => brandModeKey(brand.id))] } } }),
  );
  const items = Responses?.[table] ?? [];
  const killSwitch = items.find((item) => item.pk === KILL_SWITCH_KEY.pk);
  const lines = [`kill switch: ${killSwitch?.engaged ? 'ON' : 'off'}${killSwitch ? ` (${killSwitch.updatedBy}, ${killSwitch.updatedAt}${killSwitch.reason ? `: ${killSwitch.reason}` : ''})` : ''}`];
  for (const brand of BRANDS) {
    const item = items.find((candidate) => candidate.pk === brandModeKey(brand.id).pk);
    lines.push(`${brand.id.padEnd(16)} ${(item?.mode ?? brand.defaultMode).padEnd(7)} ${item ? `set by ${item.updatedBy} at ${item.updatedAt}` : 'default'}`);
  }
  return lines;
}
