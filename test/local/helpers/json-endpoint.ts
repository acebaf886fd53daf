import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsServiceError, type JsonProtocolService } from '../../../local/cloud/contracts.ts';

export interface JsonEndpoint {
  /** `http://127.0.0.1:<port>`, for an SDK client's `endpoint`. */
  readonly url: string;
  close(): Promise<void>;
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';

/**
 * A minimal AWS JSON-protocol endpoint for tests: routes `X-Amz-Target: Prefix.Operation` to the
 * service with that prefix and answers errors as `{ "__type", "message" }` with their status.
 */
export async function startJsonEndpoint(services: readonly JsonProtocolService[]): Promise<JsonEndpoint> {
  const byPrefix = new Map(services.map((service) => [service.targetPrefix, service]));
  const server = createServer((request, response) => {
    void answer(byPrefix, request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

async function answer(services: ReadonlyMap<string, JsonProtocolService>, request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    const target = String(request.headers['x-amz-target'] ?? '');
    const [prefix = '', operation = ''] = target.split('.');
    const service = services.get(prefix);
    if (!service || !operation) throw new AwsServiceError('UnknownOperationException', `No service answers ${target}`);
    const text = await readBody(request);
    const input: unknown = text === '' ? {} : JSON.parse(text);
    const output = await service.handle(operation, (input ?? {}) as Record<string, unknown>);
    send(response, 200, output ?? {});
  } catch (error) {
    if (error instanceof AwsServiceError) send(response, error.statusCode, { __type: error.code, message: error.message });
    else send(response, 500, { __type: 'InternalFailure', message: error instanceof Error ? error.message : String(error) });
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': CONTENT_TYPE });
  response.end(JSON.stringify(body));
}
