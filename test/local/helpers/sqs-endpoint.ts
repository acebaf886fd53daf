import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { AwsServiceError, LOCAL_REGION, silentLogger, type Clock, type LocalLogger } from '../../../local/cloud/contracts.ts';
import { SqsService } from '../../../local/cloud/sqs/service.ts';

export interface SqsEndpoint {
  readonly service: SqsService;
  /** An SDK v3 client pointed at the endpoint, as a function would build it. */
  readonly client: SQSClient;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A minimal AWS JSON 1.0 endpoint on 127.0.0.1:0 serving only SQS, so the protocol tests run the
 * real SDK client (serialisation, MD5 checks, error mapping) against the emulator.
 */
export async function startSqsEndpoint(options: { clock: Clock; logger?: LocalLogger }): Promise<SqsEndpoint> {
  // Queue URLs name the endpoint, so the service is built once the port is known.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const service = new SqsService({ clock: options.clock, logger: options.logger ?? silentLogger, endpointUrl: url });
  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    void answer(request, response, service);
  });
  const client = new SQSClient({
    endpoint: url,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return {
    service,
    client,
    url,
    close: async () => {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

async function answer(request: IncomingMessage, response: ServerResponse, service: SqsService): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const [prefix, operation] = String(request.headers['x-amz-target'] ?? '').split('.');
  try {
    if (prefix !== service.targetPrefix || operation === undefined) {
      throw new AwsServiceError('UnknownOperationException', `unknown target ${String(request.headers['x-amz-target'])}`);
    }
    const body = chunks.length === 0 ? {} : (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
    reply(response, 200, await service.handle(operation, body));
  } catch (error) {
    if (error instanceof AwsServiceError) reply(response, error.statusCode, { __type: error.code, message: error.message });
    else reply(response, 500, { __type: 'InternalFailure', message: error instanceof Error ? error.message : String(error) });
  }
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
  response.end(JSON.stringify(body));
}
