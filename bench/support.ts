import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { LocalCloud } from '../local/cloud/cloud.ts';
import { LOCAL_REGION, silentLogger } from '../local/cloud/contracts.ts';
import { LocalSystem, type LocalSystemOptions } from '../local/local-system.ts';
import { synthesizeStage } from '../local/synth.ts';

export interface BenchCloud {
  readonly system: LocalSystem;
  readonly cloud: LocalCloud;
  readonly dynamo: DynamoDBClient;
  readonly sfn: SFNClient;
}

/** Nearest-rank percentile of an ascending list. */
export const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

export const ORDER_LIFECYCLE_ARN = `arn:aws:states:${LOCAL_REGION}:000000000000:stateMachine:order-lifecycle-dev`;

/**
 * Runs a benchmark against a freshly booted dev stage, with SDK clients as an operator would use
 * them, and always stops the cloud (DynamoDB Local is a child process) however the run ends.
 */
export async function runBenchmark(synth: boolean, bench: (context: BenchCloud) => Promise<void>, options: Partial<LocalSystemOptions> = {}): Promise<void> {
  if (synth) synthesizeStage('dev');
  // Schedules run only when a benchmark asks, so a reconciliation never lands inside a measurement.
  const system = await LocalSystem.start({ logger: silentLogger, logDir: '.local/bench-logs', schedules: 'manual', ...options });
  const { cloud } = system;
  const credentials = { accessKeyId: 'bench', secretAccessKey: 'bench' };
  const dynamo = new DynamoDBClient({ endpoint: cloud.dynamoDbEndpoint, region: LOCAL_REGION, credentials });
  const sfn = new SFNClient({ endpoint: cloud.endpointUrl, region: LOCAL_REGION, credentials });
  try {
    await bench({ system, cloud, dynamo, sfn });
  } catch (error) {
    console.error(error);
    process.exitCode = 1;
  } finally {
    dynamo.destroy();
    sfn.destroy();
    await system.stop();
  }
}

/** Names of every order-lifecycle execution, across pages. */
export async function executionNames(sfn: SFNClient): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn: ORDER_LIFECYCLE_ARN, maxResults: 1000, nextToken }));
    names.push(...(page.executions ?? []).map((execution) => execution.name!));
    nextToken = page.nextToken;
  } while (nextToken);
  return names;
}
