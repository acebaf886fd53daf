import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsServiceError, type JsonProtocolService, type LocalLogger } from './contracts.ts';

/**
 * The one local endpoint that functions reach through AWS_ENDPOINT_URL. It speaks the AWS JSON
 * protocols (1.0 and 1.1 alike): the `X-Amz-Target` header names `<service>.<Operation>`, the body
 * is the input, and errors are `{ "__type": code, "message" }` with their HTTP status.
 */
export class LocalEndpoint {
  private server: Server | undefined;
  private readonly services = new Map<string, JsonProtocolService>();

  constructor(private readonly logger: LocalLogger) {}

  register(service: JsonProtocolService): void {
    this.services.set(service.targetPrefix, service);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const target = String(request.headers['x-amz-target'] ?? '');
        const contentType = String(request.headers['content-type'] ?? 'application/x-amz-json-1.1');
        const answer = (status: number, body: unknown) => {
          const text = JSON.stringify(body ?? {});
          response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text), 'x-amzn-requestid': crypto.randomUUID() });
          response.end(text);
        };
        this.dispatch(target, Buffer.concat(chunks).toString('utf8'))
          .then((result) => answer(200, result))
          .catch((error: unknown) => {
            if (error instanceof AwsServiceError) return answer(error.statusCode, { __type: error.code, message: error.message });
            this.logger.error('local endpoint failed', { target, error: String(error) });
            answer(500, { __type: 'InternalFailure', message: String(error) });
          });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    return `http://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async dispatch(target: string, body: string): Promise<unknown> {
    const separator = target.lastIndexOf('.');
    const service = this.services.get(target.slice(0, separator));
    if (separator < 0 || !service) {
      throw new AwsServiceError('UnknownOperationException', `X-Amz-Target "${target}" names no service the local cloud emulates`);
    }
    let input: Record<string, unknown>;
    try {
      input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
    } catch {
      throw new AwsServiceError('SerializationException', 'request body is not JSON');
    }
    return service.handle(target.slice(separator + 1), input);
  }
}
