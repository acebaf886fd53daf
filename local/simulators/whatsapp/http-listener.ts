import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The bare node:http server under the WhatsApp and SendGrid simulators: each request is read
 * whole and answered at once by a synchronous handler. Unlike the ERP harness it has no single
 * bearer token or latency, since these providers check credentials per resource.
 */

export interface HttpRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  /** The raw body, '' when none. */
  readonly body: string;
}

export interface HttpReply {
  readonly status: number;
  /** Serialised as JSON; an empty body when undefined. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export class HttpListener {
  private constructor(
    private readonly server: Server,
    /** `http://127.0.0.1:<port>`. */
    readonly url: string,
  ) {}

  static async start(port: number, handle: (request: HttpRequest) => HttpReply): Promise<HttpListener> {
    const server = createServer((incoming, response) => {
      readRequest(incoming)
        .then((request) => {
          const reply = handle(request);
          const body = reply.body === undefined ? undefined : JSON.stringify(reply.body);
          response.writeHead(reply.status, { ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...reply.headers }).end(body);
        })
        .catch((error: unknown) => {
          // A bug in a simulator must be loud, not a hung client.
          if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
        });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return new HttpListener(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }
}

async function readRequest(incoming: IncomingMessage): Promise<HttpRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return {
    method: incoming.method ?? 'GET',
    url: new URL(incoming.url ?? '/', 'http://simulator.invalid'),
    headers: incoming.headers,
    body: Buffer.concat(chunks).toString('utf8'),
  };
}
