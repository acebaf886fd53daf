import type { IncomingMessage, ServerResponse } from 'node:http';
import { WMS_DEFAULT_PAGE_SIZE, WMS_MAX_PAGE_SIZE, type WmsStockChanges, type WmsStockPage } from '../../../lambdas/inventory/domain/wms-contract.ts';
import type { StockLedger } from './stock-ledger.ts';

/** One API call the simulator answered, for tests to see what a client actually asked. */
export interface WmsApiRequest {
  readonly method: string;
  /** Path and query string, as requested. */
  readonly path: string;
  readonly status: number;
  readonly at: string;
}

export interface WmsApiContext {
  readonly ledger: StockLedger;
  readonly apiToken: string;
  readonly inOutage: (warehouseId: string) => boolean;
  readonly nowIso: () => string;
  readonly onRequest: (request: WmsApiRequest) => void;
}

/** What the simulator tells a client to wait during an outage. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

const STOCK_ROUTE = /^\/v1\/warehouses\/([^/]+)\/stock(\/changes)?$/;
const WHOLE_NUMBER = /^\d{1,15}$/;

type Reply = { readonly status: number; readonly body: object; readonly headers?: Record<string, string> };

const fail = (status: number, error: string, headers?: Record<string, string>): Reply => ({ status, body: { error }, headers });

/** A whole number in [min, max], the fallback when absent, or undefined when present but not one. */
function wholeNumberParam(value: string | null, fallback: number | undefined, min: number, max: number): number | undefined {
  if (value === null) return fallback;
  if (!WHOLE_NUMBER.test(value)) return undefined;
  const number = Number(value);
  return number >= min && number <= max ? number : undefined;
}

/** Page tokens are opaque to clients; here one is simply the last SKU sent, base64url-encoded. */
export const encodePageToken = (sku: string) => Buffer.from(sku, 'utf8').toString('base64url');

function decodePageToken(token: string): string | undefined {
  const sku = Buffer.from(token, 'base64url').toString('utf8');
  // Buffer.from skips characters outside the alphabet; re-encoding catches a mangled token.
  return sku !== '' && encodePageToken(sku) === token ? sku : undefined;
}

function stockPage(context: WmsApiContext, warehouseId: string, query: URLSearchParams): Reply {
  const pageSize = wholeNumberParam(query.get('page_size'), WMS_DEFAULT_PAGE_SIZE, 1, WMS_MAX_PAGE_SIZE);
  if (pageSize === undefined) return fail(400, 'invalid_page_size');
  const token = query.get('page_token');
  const afterSku = token === null ? undefined : decodePageToken(token);
  if (token !== null && afterSku === undefined) return fail(400, 'invalid_page_token');
  const page = context.ledger.snapshotPage(warehouseId, pageSize, afterSku);
  const body: WmsStockPage = {
    warehouse_id: warehouseId,
    as_of: context.nowIso(),
    items: page.items,
    next_page_token: page.continueAfterSku === null ? null : encodePageToken(page.continueAfterSku),
  };
  return { status: 200, body };
}

function stockChanges(context: WmsApiContext, warehouseId: string, query: URLSearchParams): Reply {
  // Required: defaulting to 0 would turn a client bug into a silent full scan.
  const afterSequence = wholeNumberParam(query.get('after_sequence'), undefined, 0, Number.MAX_SAFE_INTEGER);
  if (afterSequence === undefined) return fail(400, 'invalid_after_sequence');
  const limit = wholeNumberParam(query.get('limit'), WMS_DEFAULT_PAGE_SIZE, 1, WMS_MAX_PAGE_SIZE);
  if (limit === undefined) return fail(400, 'invalid_limit');
  const changes = context.ledger.changesAfter(warehouseId, afterSequence, limit);
  const body: WmsStockChanges = { warehouse_id: warehouseId, items: changes.items, last_sequence: changes.lastSequence, has_more: changes.hasMore };
  return { status: 200, body };
}

function route(context: WmsApiContext, request: IncomingMessage, url: URL): Reply {
  const match = STOCK_ROUTE.exec(url.pathname);
  if (!match) return fail(404, 'not_found');
  if (request.method !== 'GET') return fail(405, 'method_not_allowed', { allow: 'GET' });
  // Authentication comes before the warehouse lookup, so a stranger cannot probe for warehouse ids.
  if (request.headers.authorization !== `Bearer ${context.apiToken}`) return fail(401, 'unauthorized');
  let warehouseId: string;
  try {
    warehouseId = decodeURIComponent(match[1]!);
  } catch {
    return fail(404, 'unknown_warehouse');
  }
  if (!context.ledger.has(warehouseId)) return fail(404, 'unknown_warehouse');
  if (context.inOutage(warehouseId)) return fail(503, 'unavailable', { 'retry-after': String(OUTAGE_RETRY_AFTER_SECONDS) });
  return match[2] ? stockChanges(context, warehouseId, url.searchParams) : stockPage(context, warehouseId, url.searchParams);
}

/** The simulated WMS API as a node:http request listener. */
export function createWmsApiHandler(context: WmsApiContext): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const url = new URL(request.url ?? '/', 'http://wms.invalid');
    const reply = route(context, request, url);
    context.onRequest({ method: request.method ?? 'GET', path: `${url.pathname}${url.search}`, status: reply.status, at: context.nowIso() });
    response.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers }).end(JSON.stringify(reply.body));
  };
}
