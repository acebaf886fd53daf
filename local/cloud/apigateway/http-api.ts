import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOCAL_ACCOUNT, type LambdaInvoker, type LocalLogger } from '../contracts.ts';

export interface HttpRoute {
  /** `POST /webhooks/shopify/{brand}` or `$default`. */
  readonly routeKey: string;
  readonly functionArn: string;
  /** `AWS_IAM` routes need a SigV4-signed request. @default 'NONE' */
  readonly authorization?: 'NONE' | 'AWS_IAM';
}

export interface HttpApiOptions {
  readonly apiId: string;
  readonly routes: readonly HttpRoute[];
  readonly invoker: LambdaInvoker;
  readonly logger: LocalLogger;
  /** Stage throttling: steady requests per second and burst. Unset means unthrottled. */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** File the access log is appended to, one JSON line per request. */
  readonly accessLogFile?: string;
}

interface CompiledRoute {
  readonly method: string;
  readonly pattern: RegExp;
  readonly parameterNames: string[];
  readonly route: HttpRoute;
}

/** API Gateway answers requests beyond 10 MB with 413 before the integration runs. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
// What a real HTTP API passes as text; everything else, even a form post, arrives base64-encoded (checked against AWS by others: see docs/decisions.md).
const TEXT_CONTENT = /^(text\/|application\/(json|xml|javascript)\b)/i;

function compile(route: HttpRoute): CompiledRoute {
  const [method = 'ANY', path = '/'] = route.routeKey === '$default' ? ['ANY', '/{proxy+}'] : route.routeKey.split(' ');
  const parameterNames: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      const greedy = /^\{(.+)\+\}$/.exec(segment);
      if (greedy) return parameterNames.push(greedy[1]!), '(.+)';
      const parameter = /^\{(.+)\}$/.exec(segment);
      if (parameter) return parameterNames.push(parameter[1]!), '([^/]+)';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { method, pattern: new RegExp(`^${source}$`), parameterNames, route };
}

/**
 * An HTTP API (API Gateway v2) on a local port: routes by method and path, builds the payload
 * format 2.0 event, invokes the Lambda integration and maps its result back the way API Gateway
 * does (a bare value becomes a 200 JSON body; a function error becomes 500).
 */
export class LocalHttpApi {
  private server: Server | undefined;
  private readonly routes: CompiledRoute[];
  private tokens: number;
  private lastRefill = Date.now();

  constructor(private readonly options: HttpApiOptions) {
    this.routes = options.routes.map(compile);
    this.tokens = options.throttle?.burstLimit ?? Number.POSITIVE_INFINITY;
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        this.options.logger.error('http api failed to answer', { error: String(error) });
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ message: 'Internal Server Error' }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private takeToken(): boolean {
    const throttle = this.options.throttle;
    if (!throttle) return true;
    const now = Date.now();
    this.tokens = Math.min(throttle.burstLimit, this.tokens + ((now - this.lastRefill) / 1000) * throttle.rateLimit);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = Date.now();
    const requestId = randomUUID();
    const url = new URL(request.url ?? '/', 'http://localhost');
    const match = this.match(request.method ?? 'GET', url.pathname);
    const send = (status: number, headers: Record<string, string>, body: string | Buffer) => {
      response.writeHead(status, { 'apigw-requestid': requestId, ...headers });
      response.end(body);
      this.accessLog({ requestId, routeKey: match?.route.routeKey ?? '-', status, latencyMs: Date.now() - started });
    };
    if (!match) return send(404, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Not Found' }));
    // The signature itself is not verified locally (there are no IAM users); an unsigned request is refused as on AWS.
    if (match.route.authorization === 'AWS_IAM' && !/^AWS4-HMAC-SHA256 Credential=/.test(String(request.headers.authorization ?? ''))) {
      return send(403, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Forbidden' }));
    }
    if (!this.takeToken()) return send(429, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Too Many Requests' }));

    const body = await readBody(request);
    if (body === undefined) return send(413, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Request Entity Too Large' }));
    const event = this.toEvent(request, url, match, body, requestId);
    const result = await this.options.invoker.invoke(match.route.functionArn, event);
    if (!result.ok) {
      this.options.logger.error('integration failed', { route: match.route.routeKey, errorType: result.errorType, errorMessage: result.errorMessage });
      return send(500, { 'content-type': 'application/json' }, JSON.stringify({ message: 'Internal Server Error' }));
    }
    const mapped = mapResult(result.payload);
    send(mapped.statusCode, mapped.headers, mapped.body);
  }

  private match(method: string, path: string): (CompiledRoute & { parameters: Record<string, string> }) | undefined {
    for (const route of this.routes) {
      if (route.method !== 'ANY' && route.method !== method) continue;
      const found = route.pattern.exec(path);
      if (!found) continue;
      const parameters = Object.fromEntries(route.parameterNames.map((name, index) => [name, decodeURIComponent(found[index + 1]!)]));
      return { ...route, parameters };
    }
    return undefined;
  }

  private toEvent(request: IncomingMessage, url: URL, match: CompiledRoute & { parameters: Record<string, string> }, body: Buffer, requestId: string) {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
    }
    const isText = TEXT_CONTENT.test(headers['content-type'] ?? '');
    const now = new Date();
    const queryStringParameters = url.searchParams.size > 0 ? Object.fromEntries(url.searchParams) : undefined;
    return {
      version: '2.0',
      routeKey: match.route.routeKey,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      headers,
      ...(queryStringParameters ? { queryStringParameters } : {}),
      ...(match.parameterNames.length > 0 ? { pathParameters: match.parameters } : {}),
      requestContext: {
        accountId: LOCAL_ACCOUNT,
        apiId: this.options.apiId,
        domainName: headers.host ?? 'localhost',
        domainPrefix: (headers.host ?? 'localhost').split('.')[0],
        http: { method: request.method, path: url.pathname, protocol: `HTTP/${request.httpVersion}`, sourceIp: request.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
        requestId,
        routeKey: match.route.routeKey,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      },
      ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
      isBase64Encoded: body.length > 0 && !isText,
    };
  }

  private accessLog(entry: Record<string, unknown>): void {
    if (this.options.accessLogFile) appendFileSync(this.options.accessLogFile, `${JSON.stringify(entry)}\n`);
  }
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Payload format 2.0 response mapping. */
function mapResult(payload: unknown): { statusCode: number; headers: Record<string, string>; body: string | Buffer } {
  if (payload && typeof payload === 'object' && 'statusCode' in payload) {
    const result = payload as { statusCode: number; headers?: Record<string, string>; body?: string; isBase64Encoded?: boolean };
    const body = result.body ?? '';
    return {
      statusCode: result.statusCode,
      headers: { 'content-type': 'application/json', ...result.headers },
      body: result.isBase64Encoded ? Buffer.from(body, 'base64') : body,
    };
  }
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload ?? null) };
}
