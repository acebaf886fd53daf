import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { LeakyBucket } from './leaky-bucket.ts';

/**
 * A local Shopify GraphQL Admin API that knows one mutation, `inventorySetQuantities`, and holds
 * clients to its contract: per-shop access tokens, the input rules and user error codes Shopify
 * documents, the 250-item input limit and the leaky-bucket rate limit with its THROTTLED answer.
 * Anything it does not model is refused loudly rather than accepted quietly.
 */

export type ShopifyPlan = 'standard' | 'advanced' | 'plus';
export type InjectedFailure = '5xx' | 'timeout';

/** Cost points restored per second, by plan. */
export const RESTORE_RATE_BY_PLAN: Readonly<Record<ShopifyPlan, number>> = { standard: 100, advanced: 200, plus: 1000 };

export const SHOPIFY_INVENTORY_REASONS = [
  'correction', 'cycle_count_available', 'damaged', 'movement_created', 'movement_updated', 'movement_received', 'movement_canceled', 'other',
  'promotion', 'quality_control', 'received', 'reservation_created', 'reservation_deleted', 'reservation_updated', 'restock', 'safety_stock', 'shrinkage',
] as const;

const QUANTITY_NAMES = ['available', 'on_hand'] as const;
const MAX_INPUT_ARRAY_SIZE = 250;
const QUANTITY_LIMIT = 1_000_000_000;
const INVENTORY_ITEM_GID = /^gid:\/\/shopify\/InventoryItem\/\d+$/;
const LOCATION_GID = /^gid:\/\/shopify\/Location\/\d+$/;
const ROUTE = /^\/shops\/([^/]+)\/admin\/api\/([^/]+)\/graphql\.json$/;
const API_VERSION = /^(\d{4}-(01|04|07|10)|unstable)$/;
/** Only the variable form is modelled; the captured group is the variable's name. */
const SET_QUANTITIES_MUTATION = /\bmutation\b[^{]*\{\s*inventorySetQuantities\s*\(\s*input\s*:\s*\$(\w+)\s*\)/;
const INVALID_TOKEN = '[API] Invalid API key or access token (unrecognized login or wrong password)';

export interface SimulatedShop {
  /** The store's domain, e.g. "saffron-threads.myshopify.com". */
  readonly shop: string;
  readonly accessToken: string;
  /** @default 'standard' */
  readonly plan?: ShopifyPlan;
  /** Location gids; every inventory item is stocked at every location, starting at 0. */
  readonly locations: readonly string[];
  readonly inventoryItems: readonly string[];
}

export interface ShopifyAdminSimulatorOptions {
  /** @default 0 (any free port) */
  readonly port?: number;
  readonly shops: readonly SimulatedShop[];
  /** Points one mutation costs. @default 10 */
  readonly mutationCost?: number;
  /** Bucket size as a multiple of the restore rate; Shopify does not publish it. @default 10 */
  readonly bucketMultiplier?: number;
  /** Clock for the bucket's refill and the pushes' times. @default Date.now */
  readonly now?: () => number;
}

export interface SimulatedQuantity {
  readonly inventoryItemId: string;
  readonly locationId: string;
  readonly quantity: number;
}

/** A mutation the simulator applied. */
export interface RecordedPush {
  readonly shop: string;
  readonly at: number;
  readonly quantities: readonly SimulatedQuantity[];
  readonly referenceDocumentUri: string | undefined;
}

interface UserError {
  readonly code: string;
  readonly field: string[];
  readonly message: string;
}

interface ShopState {
  readonly config: SimulatedShop;
  readonly bucket: LeakyBucket;
  readonly locations: ReadonlySet<string>;
  readonly inventoryItems: ReadonlySet<string>;
  /** Keyed by item and location; on_hand always equals available, since nothing is committed. */
  readonly available: Map<string, number>;
  failures: { kind: InjectedFailure; remaining: number } | undefined;
}

/** GraphQL's own type checks of the variable; strict, because Shopify rejects fields it does not define. */
const inputSchema = z.strictObject({
  name: z.string(),
  reason: z.string(),
  referenceDocumentUri: z.string().nullish(),
  ignoreCompareQuantity: z.boolean().nullish(),
  quantities: z.array(
    z.strictObject({
      inventoryItemId: z.string(),
      locationId: z.string(),
      quantity: z.int32(),
      compareQuantity: z.int32().nullish(),
    }),
  ),
});
type SetQuantitiesInput = z.infer<typeof inputSchema>;

const requestSchema = z.object({ query: z.string(), variables: z.record(z.string(), z.unknown()).nullish(), operationName: z.string().nullish() });

const stockKey = (inventoryItemId: string, locationId: string) => `${inventoryItemId} ${locationId}`;

export class ShopifyAdminSimulator {
  /** Every mutation applied, in order. */
  readonly pushes: RecordedPush[] = [];
  private throttledAnswers = 0;
  private readonly shops = new Map<string, ShopState>();
  private readonly mutationCost: number;
  private readonly now: () => number;

  private constructor(
    private readonly server: Server,
    options: ShopifyAdminSimulatorOptions,
  ) {
    this.mutationCost = options.mutationCost ?? 10;
    this.now = options.now ?? Date.now;
    const multiplier = options.bucketMultiplier ?? 10;
    for (const config of options.shops) {
      if (this.shops.has(config.shop)) throw new Error(`shop ${config.shop} is configured twice`);
      const restoreRate = RESTORE_RATE_BY_PLAN[config.plan ?? 'standard'];
      this.shops.set(config.shop, {
        config,
        bucket: new LeakyBucket(restoreRate * multiplier, restoreRate, this.now),
        locations: new Set(config.locations),
        inventoryItems: new Set(config.inventoryItems),
        available: new Map(),
        failures: undefined,
      });
    }
  }

  static async start(options: ShopifyAdminSimulatorOptions): Promise<ShopifyAdminSimulator> {
    const server = createServer();
    const simulator = new ShopifyAdminSimulator(server, options);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => simulator.receive(request, response));
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    return simulator;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** How many requests were answered THROTTLED. */
  get throttled(): number {
    return this.throttledAnswers;
  }

  adminUrl(shop: string): string {
    return `${this.url}/shops/${shop}/admin/api/2025-07/graphql.json`;
  }

  /** Undefined when the shop, item or location is not one the simulator was started with. */
  available(shop: string, inventoryItemId: string, locationId: string): number | undefined {
    const state = this.shops.get(shop);
    if (!state?.inventoryItems.has(inventoryItemId) || !state.locations.has(locationId)) return undefined;
    return state.available.get(stockKey(inventoryItemId, locationId)) ?? 0;
  }

  /** The shop's next `count` requests fail: '5xx' answers 503, 'timeout' never answers. */
  failNext(shop: string, count: number, kind: InjectedFailure): void {
    const state = this.shops.get(shop);
    if (!state) throw new Error(`shop ${shop} is not simulated`);
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number, not ${count}`);
    state.failures = count > 0 ? { kind, remaining: count } : undefined;
  }

  async stop(): Promise<void> {
    // Requests held open by a 'timeout' failure would otherwise keep close() waiting.
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private receive(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = (status: number, body: unknown) => {
        const text = JSON.stringify(body);
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
      };
      const outcome = this.handle(request, Buffer.concat(chunks).toString('utf8'));
      if (outcome !== 'no-answer') answer(outcome.status, outcome.body);
    });
  }

  private handle(request: IncomingMessage, rawBody: string): { status: number; body: unknown } | 'no-answer' {
    const route = ROUTE.exec(new URL(request.url ?? '/', 'http://simulator').pathname);
    const state = route ? this.shops.get(decodeURIComponent(route[1]!)) : undefined;
    if (!route || !state || !API_VERSION.test(route[2]!)) return { status: 404, body: { errors: 'Not Found' } };
    if (request.method !== 'POST') return { status: 405, body: { errors: 'Method Not Allowed: the Admin GraphQL API takes POST' } };

    const failure = state.failures;
    if (failure) {
      failure.remaining -= 1;
      if (failure.remaining <= 0) state.failures = undefined;
      if (failure.kind === 'timeout') return 'no-answer';
      return { status: 503, body: { errors: 'Service Unavailable (simulated)' } };
    }

    if (request.headers['x-shopify-access-token'] !== state.config.accessToken) return { status: 401, body: { errors: INVALID_TOKEN } };

    let json: unknown;
    try {
      json = JSON.parse(rawBody);
    } catch {
      return { status: 400, body: { errors: 'Bad Request: the body must be JSON with a "query" string' } };
    }
    const body = requestSchema.safeParse(json);
    if (!body.success) return { status: 400, body: { errors: 'Bad Request: the body must be JSON with a "query" string' } };

    const mutation = SET_QUANTITIES_MUTATION.exec(body.data.query);
    if (!mutation) {
      return graphqlErrors([{ message: 'This operation is not supported by the simulator: it models only the inventorySetQuantities mutation, with its input passed as a variable', extensions: { code: 'UNSUPPORTED' } }]);
    }
    const variable = mutation[1]!;
    return this.setQuantities(state, variable, body.data.variables?.[variable]);
  }

  private setQuantities(state: ShopState, variable: string, rawInput: unknown): { status: number; body: unknown } {
    const parsed = inputSchema.safeParse(rawInput);
    if (!parsed.success) {
      // Type errors stop GraphQL before the mutation runs: top-level errors, not userErrors.
      const problems = parsed.error.issues.map((issue) => ({ path: issue.path.map(String), explanation: issue.message }));
      const where = problems.map((problem) => problem.path.join('.') || '(the variable itself)').join(', ');
      return graphqlErrors([{ message: `Variable $${variable} of type InventorySetQuantitiesInput! was provided invalid value for ${where}`, extensions: { code: 'INVALID_VARIABLE', problems } }]);
    }
    const input = parsed.data;
    if (input.quantities.length > MAX_INPUT_ARRAY_SIZE) {
      return graphqlErrors([{ message: `The input array size of ${input.quantities.length} is greater than the maximum allowed of ${MAX_INPUT_ARRAY_SIZE}.`, path: ['inventorySetQuantities', 'input', 'quantities'], extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' } }]);
    }

    if (!state.bucket.tryTake(this.mutationCost)) {
      this.throttledAnswers += 1;
      return {
        status: 200,
        body: {
          errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }],
          extensions: { cost: { requestedQueryCost: this.mutationCost, actualQueryCost: null, throttleStatus: state.bucket.status() } },
        },
      };
    }
    const cost = { requestedQueryCost: this.mutationCost, actualQueryCost: this.mutationCost, throttleStatus: state.bucket.status() };

    const userErrors = this.userErrorsFor(state, input);
    if (userErrors.length > 0) {
      return { status: 200, body: { data: { inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors } }, extensions: { cost } } };
    }
    const changes = this.apply(state, input);
    return {
      status: 200,
      body: {
        data: { inventorySetQuantities: { inventoryAdjustmentGroup: { reason: input.reason, referenceDocumentUri: input.referenceDocumentUri ?? null, changes }, userErrors: [] } },
        extensions: { cost },
      },
    };
  }

  /** Shopify's documented checks; any one refuses the whole mutation. */
  private userErrorsFor(state: ShopState, input: SetQuantitiesInput): UserError[] {
    const errors: UserError[] = [];
    if (!(QUANTITY_NAMES as readonly string[]).includes(input.name)) {
      errors.push({ code: 'INVALID_NAME', field: ['input', 'name'], message: "The quantity name must be either 'available' or 'on_hand'." });
    }
    if (!(SHOPIFY_INVENTORY_REASONS as readonly string[]).includes(input.reason)) {
      errors.push({ code: 'INVALID_REASON', field: ['input', 'reason'], message: `The specified reason is invalid: ${input.reason}.` });
    }
    if (input.referenceDocumentUri != null && !URL.canParse(input.referenceDocumentUri)) {
      errors.push({ code: 'INVALID_REFERENCE_DOCUMENT', field: ['input', 'referenceDocumentUri'], message: 'The specified reference document is invalid.' });
    }
    const seen = new Set<string>();
    input.quantities.forEach((line, index) => {
      const at = (...rest: string[]) => ['input', 'quantities', String(index), ...rest];
      const itemKnown = INVENTORY_ITEM_GID.test(line.inventoryItemId) && state.inventoryItems.has(line.inventoryItemId);
      const locationKnown = LOCATION_GID.test(line.locationId) && state.locations.has(line.locationId);
      if (!INVENTORY_ITEM_GID.test(line.inventoryItemId)) errors.push({ code: 'INVALID_INVENTORY_ITEM', field: at('inventoryItemId'), message: `${line.inventoryItemId} is not an InventoryItem gid.` });
      else if (!itemKnown) errors.push({ code: 'INVALID_INVENTORY_ITEM', field: at('inventoryItemId'), message: 'The specified inventory item could not be found.' });
      if (!LOCATION_GID.test(line.locationId)) errors.push({ code: 'INVALID_LOCATION', field: at('locationId'), message: `${line.locationId} is not a Location gid.` });
      else if (!locationKnown) errors.push({ code: 'INVALID_LOCATION', field: at('locationId'), message: 'The specified location could not be found.' });
      if (line.quantity > QUANTITY_LIMIT) errors.push({ code: 'INVALID_QUANTITY_TOO_HIGH', field: at('quantity'), message: "The total quantity can't be higher than 1,000,000,000." });
      if (line.quantity < -QUANTITY_LIMIT) errors.push({ code: 'INVALID_QUANTITY_TOO_LOW', field: at('quantity'), message: "The total quantity can't be lower than -1,000,000,000." });
      if (input.name === 'on_hand' && line.quantity < 0) errors.push({ code: 'INVALID_QUANTITY_NEGATIVE', field: at('quantity'), message: "The quantity can't be negative." });

      const key = stockKey(line.inventoryItemId, line.locationId);
      if (seen.has(key)) errors.push({ code: 'NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR', field: at(), message: 'The combination of inventoryItemId and locationId must be unique.' });
      seen.add(key);

      if (input.ignoreCompareQuantity === true) return;
      if (line.compareQuantity == null) {
        errors.push({ code: 'COMPARE_QUANTITY_REQUIRED', field: at('compareQuantity'), message: 'The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity.' });
      } else if (itemKnown && locationKnown && line.compareQuantity !== (state.available.get(key) ?? 0)) {
        errors.push({ code: 'COMPARE_QUANTITY_STALE', field: at('compareQuantity'), message: 'The compareQuantity value does not match persisted value.' });
      }
    });
    return errors;
  }

  private apply(state: ShopState, input: SetQuantitiesInput): unknown[] {
    const changes: unknown[] = [];
    for (const line of input.quantities) {
      const key = stockKey(line.inventoryItemId, line.locationId);
      const delta = line.quantity - (state.available.get(key) ?? 0);
      state.available.set(key, line.quantity);
      if (delta === 0) continue;
      // With nothing committed in the simulator, available and on_hand move together, as Shopify reports them.
      for (const name of QUANTITY_NAMES) {
        changes.push({ name, delta, quantityAfterChange: line.quantity, item: { id: line.inventoryItemId }, location: { id: line.locationId } });
      }
    }
    this.pushes.push({
      shop: state.config.shop,
      at: this.now(),
      quantities: input.quantities.map(({ inventoryItemId, locationId, quantity }) => ({ inventoryItemId, locationId, quantity })),
      referenceDocumentUri: input.referenceDocumentUri ?? undefined,
    });
    return changes;
  }
}

function graphqlErrors(errors: readonly unknown[]): { status: number; body: unknown } {
  return { status: 200, body: { errors } };
}
