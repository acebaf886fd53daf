/**
 * A minimal AWS JSON 1.0 endpoint for one service, so tests can drive it through the real SDK
 * client. It routes `X-Amz-Target: <prefix>.<Operation>` and answers errors as `{ __type, message }`.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsServiceError, type JsonProtocolService } from '../../../local/cloud/contracts.ts';

export interface RunningEndpoint {
  readonly url: string;
  close(): Promise<void>;
}

export async function startJsonServiceEndpoint(service: JsonProtocolService): Promise<RunningEndpoint> {
  const server = createServer((request, response) => {
    void answer(service, request).then(({ status, body }) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify(body));
    });
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

async function answer(service: JsonProtocolService, request: IncomingMessage): Promise<{ status: number; body: unknown }> {
  try {
    const target = request.headers['x-amz-target'];
    const [prefix, operation] = typeof target === 'string' ? target.split('.') : [];
    if (prefix !== service.targetPrefix || !operation) {
      throw new AwsServiceError('UnknownOperationException', `no route for X-Amz-Target ${String(target)}`);
    }
    const text = await readBody(request);
    const input = text.length === 0 ? {} : (JSON.parse(text) as Record<string, unknown>);
    return { status: 200, body: (await service.handle(operation, input)) ?? {} };
  } catch (error) {
    if (error instanceof AwsServiceError) return { status: error.statusCode, body: { __type: error.code, message: error.message } };
    return { status: 500, body: { __type: 'InternalFailure', message: (error as Error).message } };
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
