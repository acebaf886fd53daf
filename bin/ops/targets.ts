import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where `npm start` writes the local cloud's addresses, so ops commands can find it. */
export const LOCAL_ENDPOINTS_FILE = '.local/endpoints.json';

export interface LocalEndpoints {
  readonly api: string;
  readonly endpoint: string;
  readonly dynamodb: string;
  readonly s3: string;
}

export function writeLocalEndpoints(endpoints: LocalEndpoints): void {
  mkdirSync(dirname(LOCAL_ENDPOINTS_FILE), { recursive: true });
  writeFileSync(LOCAL_ENDPOINTS_FILE, `${JSON.stringify(endpoints, null, 2)}\n`);
}

export function readLocalEndpoints(): LocalEndpoints {
  if (!existsSync(LOCAL_ENDPOINTS_FILE)) {
    throw new Error(`${LOCAL_ENDPOINTS_FILE} not found: start the local cloud first with \`npm start\``);
  }
  return JSON.parse(readFileSync(LOCAL_ENDPOINTS_FILE, 'utf8')) as LocalEndpoints;
}

/** SDK client settings for one target: the local cloud (dummy credentials) or an AWS environment. */
export function clientSettings(target: { local: boolean; region: string }, service: 'dynamodb' | 'default') {
  if (!target.local) return { region: target.region };
  const endpoints = readLocalEndpoints();
  return {
    region: target.region,
    endpoint: service === 'dynamodb' ? endpoints.dynamodb : endpoints.endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
}
