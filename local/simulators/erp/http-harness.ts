import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the ERP and fulfilment-WMS simulators share: a node:http server with per-request latency,
 * a rate limit, bearer auth, injected faults and a request log. Each simulator supplies an
 * {@link ApiDialect}: its routes, and how its system words a refusal.
 */

/**
 * `5xx`: answers a server error and applies nothing. `timeout`: applies the request and never
 * answers, as when a response is lost after the server committed. `validation`: refuses the
 * request as invalid (400/422) and applies nothing.
 */
export type FaultKind = '5xx' | 'timeout' | 'validation';

/** Which requests a fault waits for; by default the very next one. */
export interface FaultMatch {
  readonly method?: string;
  /** Tested against the path without the query string. */
  readonly path?: RegExp;
  /** Matching requests to let through before the fault starts. @default 0 */
  readonly after?: number;
}

export interface LatencyRange {
  readonly min: number;
  readonly max: number;
}

export interface HarnessOptions {
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /** The one bearer token accepted. */
  readonly accessToken: string;
  /** Each answer waits a random time in this range. @default { min: 20, max: 60 } */
  readonly latencyMs?: LatencyRange;
  /** Beyond this many requests in any second, answers 429 with Retry-After. @default unlimited */
  readonly rateLimit?: { readonly requestsPerSecond: number };
}

export interface ApiRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  /** The raw body, '' when none. */
  readonly body: string;
}

export interface ApiReply {
  readonly status: number;
  /** Serialised as JSON; none for 204. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One request the simulator received, for tests to see what a client actually asked. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query string, as requested. */
  readonly path: string;
  /** Undefined when no answer was sent (a `timeout` fault). */
  readonly status: number | undefined;
  readonly fault?: FaultKind;
  readonly at: string;
}

export interface ApiDialect {
  /** Applies the request (all checks passed) and answers. */
  route(request: ApiRequest): ApiReply;
  unauthorized(request: ApiRequest): ApiReply;
  tooManyRequests(retryAfterSeconds: number): ApiReply;
  serverError(request: ApiRequest): ApiReply;
  /** A realistic validation refusal for this request. */
  validationError(request: ApiRequest): ApiReply;
}

interface PendingFault {
  readonly kind: FaultKind;
  readonly match: FaultMatch;
  remaining: number;
  toSkip: number;
}

const DEFAULT_LATENCY: LatencyRange = { min: 20, max: 60 };
const WINDOW_MS = 1000;

export class HttpHarness {
  readonly requests: RecordedRequest[] = [];
  private readonly faults: PendingFault[] = [];
  /** Arrival times of the requests let through, within the last second. */
  private readonly recent: number[] = [];
  private server: Server | undefined;
  private origin = '';

  private constructor(
    private readonly options: HarnessOptions,
    private readonly dialect: ApiDialect,
  ) {}

  static async start(options: HarnessOptions, dialect: ApiDialect): Promise<HttpHarness> {
    const harness = new HttpHarness(options, dialect);
    await harness.listen(options.port ?? 0);
    return harness;
  }

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return this.origin;
  }

  /** The next `count` requests matching `match` fail as `kind`. */
  failNext(count: number, kind: FaultKind, match: FaultMatch = {}): void {
    this.faults.push({ kind, match, remaining: count, toSkip: match.after ?? 0 });
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // Also drops the requests a timeout fault holds open.
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  }

  private async handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const request: ApiRequest = {
      method: incoming.method ?? 'GET',
      url: new URL(incoming.url ?? '/', 'http://simulator.invalid'),
      headers: incoming.headers,
      body: await readBody(incoming),
    };
    const retryAfter = this.admit(Date.now());
    const fault = retryAfter === undefined && this.authorised(request) ? this.takeFault(request) : undefined;
    await delay(this.latency());
    let reply: ApiReply;
    if (retryAfter !== undefined) reply = this.dialect.tooManyRequests(retryAfter);
    else if (!this.authorised(request)) reply = this.dialect.unauthorized(request);
    else if (fault === '5xx') reply = this.dialect.serverError(request);
    else if (fault === 'validation') reply = this.dialect.validationError(request);
    else reply = this.dialect.route(request);
    const path = `${request.url.pathname}${request.url.search}`;
    const at = new Date().toISOString();
    if (fault === 'timeout') {
      // Applied, never answered: the client gives up and cannot tell whether it happened.
      this.requests.push({ method: request.method, path, status: undefined, fault, at });
      return;
    }
    this.requests.push({ method: request.method, path, status: reply.status, ...(fault === undefined ? {} : { fault }), at });
    const body = reply.body === undefined ? undefined : JSON.stringify(reply.body);
    response.writeHead(reply.status, { ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...reply.headers }).end(body);
  }

  /** Undefined when the request is within the rate limit, else the seconds until it would be. */
  private admit(now: number): number | undefined {
    const limit = this.options.rateLimit?.requestsPerSecond;
    if (limit === undefined) return undefined;
    while (this.recent.length > 0 && this.recent[0]! <= now - WINDOW_MS) this.recent.shift();
    if (this.recent.length >= limit) return Math.max(1, Math.ceil((this.recent[0]! + WINDOW_MS - now) / 1000));
    this.recent.push(now);
    return undefined;
  }

  private authorised(request: ApiRequest): boolean {
    return request.headers.authorization === `Bearer ${this.options.accessToken}`;
  }

  private takeFault(request: ApiRequest): FaultKind | undefined {
    for (const fault of this.faults) {
      if (fault.remaining === 0 || !matches(fault.match, request)) continue;
      if (fault.toSkip > 0) {
        fault.toSkip--;
        continue;
      }
      fault.remaining--;
      return fault.kind;
    }
    return undefined;
  }

  private latency(): number {
    const { min, max } = this.options.latencyMs ?? DEFAULT_LATENCY;
    return min + Math.random() * Math.max(0, max - min);
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((incoming, response) => {
      this.handle(incoming, response).catch((error: unknown) => {
        // A bug in a simulator must be loud, not a hung client.
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
}

function matches(match: FaultMatch, request: ApiRequest): boolean {
  return (match.method === undefined || match.method.toUpperCase() === request.method) && (match.path === undefined || match.path.test(request.url.pathname));
}

async function readBody(incoming: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The JSON object a request carries, or undefined when the body is not one. */
export function jsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
