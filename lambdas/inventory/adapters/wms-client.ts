import type { z } from 'zod';
import { WmsRequestError, WmsUnavailableError } from '../domain/errors.ts';
import { WMS_DEFAULT_PAGE_SIZE, WmsErrorBodySchema, WmsStockChangesSchema, WmsStockPageSchema, type WmsStockItem, type WmsStockPage } from '../domain/wms-contract.ts';

export interface WmsClientOptions {
  /** Up to, not including, `/v1`; a path prefix is kept. */
  readonly baseUrl: string;
  /** The bearer token, or a function asked before every call so a rotated token is picked up. */
  readonly apiToken: string | (() => Promise<string>);
  /** Per call, including reading the body. @default 5000 */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

export interface WmsSnapshot {
  /** When the first page was cut: every count is at least this fresh. */
  readonly asOf: string;
  /** Sorted by SKU. */
  readonly items: WmsStockItem[];
}

export interface WmsChanges {
  readonly items: WmsStockItem[];
  /** Pass as `afterSequence` next time. */
  readonly lastSequence: number;
  readonly hasMore: boolean;
}

const DEFAULT_TIMEOUT_MS = 5000;
/** Enough of an unexpected error body to tell what answered, without logging a whole HTML page. */
const DETAIL_LIMIT = 200;

/**
 * Reads stock from a WMS that speaks our contract (see wms-contract.ts). Every answer is parsed
 * with the contract's schemas, so callers get checked values or a {@link WmsRequestError}, and
 * every failure worth retrying is a {@link WmsUnavailableError}.
 */
export class WmsClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: WmsClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /** The warehouse's full stock, following page tokens until the last page. */
  async snapshot(warehouseId: string, pageSize: number = WMS_DEFAULT_PAGE_SIZE): Promise<WmsSnapshot> {
    const first = await this.page(warehouseId, pageSize, null);
    const items = [...first.items];
    let pageToken = first.next_page_token;
    while (pageToken !== null) {
      const page = await this.page(warehouseId, pageSize, pageToken);
      // A WMS handing back the token it was given would keep us paging forever.
      if (page.next_page_token === pageToken) {
        throw new WmsRequestError(`WMS repeated page token for warehouse ${warehouseId}`, 200, 'next_page_token did not advance');
      }
      items.push(...page.items);
      pageToken = page.next_page_token;
    }
    return { asOf: first.as_of, items };
  }

  /** The SKUs changed after `afterSequence`, oldest change first. */
  async changesSince(warehouseId: string, afterSequence: number, limit: number = WMS_DEFAULT_PAGE_SIZE): Promise<WmsChanges> {
    const query = { after_sequence: String(afterSequence), limit: String(limit) };
    const changes = await this.get(`${stockPath(warehouseId)}/changes`, query, WmsStockChangesSchema, warehouseId);
    return { items: changes.items, lastSequence: changes.last_sequence, hasMore: changes.has_more };
  }

  private async page(warehouseId: string, pageSize: number, pageToken: string | null): Promise<WmsStockPage> {
    const query: Record<string, string> = { page_size: String(pageSize) };
    if (pageToken !== null) query.page_token = pageToken;
    return this.get(stockPath(warehouseId), query, WmsStockPageSchema, warehouseId);
  }

  private async get<S extends z.ZodType<{ warehouse_id: string }>>(path: string, query: Record<string, string>, schema: S, warehouseId: string): Promise<z.infer<S>> {
    const what = `GET ${path}`;
    const token = typeof this.options.apiToken === 'string' ? this.options.apiToken : await this.options.apiToken();
    let status: number;
    let retryAfter: string | null;
    let text: string;
    try {
      const response = await this.fetch(`${this.baseUrl}${path}?${new URLSearchParams(query)}`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await response.text();
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : 'network failure';
      throw new WmsUnavailableError(`WMS ${what}: ${reason}`, { cause: error });
    }
    if (status >= 500 || status === 429) {
      throw new WmsUnavailableError(`WMS ${what} answered ${status}`, { status, retryAfterSeconds: retryAfterSeconds(retryAfter) });
    }
    if (status < 200 || status >= 300) {
      const detail = errorCode(text);
      throw new WmsRequestError(`WMS ${what} answered ${status}: ${detail}`, status, detail);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new WmsRequestError(`WMS ${what} answered with a body that is not JSON`, status, text.slice(0, DETAIL_LIMIT), { cause: error });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
      throw new WmsRequestError(`WMS ${what} broke the contract: ${detail}`, status, detail, { cause: parsed.error });
    }
    if (parsed.data.warehouse_id !== warehouseId) {
      throw new WmsRequestError(`WMS ${what} answered for warehouse ${parsed.data.warehouse_id}`, status, 'warehouse_id does not match the request');
    }
    return parsed.data;
  }
}

function stockPath(warehouseId: string): string {
  return `/v1/warehouses/${encodeURIComponent(warehouseId)}/stock`;
}

/** The `error` code of a contract error body, else the start of whatever came back. */
function errorCode(text: string): string {
  try {
    const parsed = WmsErrorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.error;
  } catch {
    // Not JSON: a proxy or load balancer answered; its text is the best clue.
  }
  return text.slice(0, DETAIL_LIMIT);
}

/** Retry-After is either delay seconds or an HTTP date (RFC 9110 §10.2.3). */
function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
