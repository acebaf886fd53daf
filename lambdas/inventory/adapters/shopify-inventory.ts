import { z } from 'zod';
import type { StorefrontPush } from '../domain/storefront-stock.ts';

/**
 * Sets storefront stock through the Shopify GraphQL Admin API. We own the number, so the
 * mutation ignores compare quantities: comparing would fail whenever the storefront sold a unit
 * between our read and our write, and our next push corrects that sale anyway.
 */
const SET_AVAILABLE = `mutation SetStorefrontAvailable($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { reason referenceDocumentUri changes { name delta quantityAfterChange item { id } location { id } } }
    userErrors { code field message }
  }
}`;

/** A refill wait shorter than this would only spend points on another throttled answer. */
const MIN_THROTTLE_WAIT_MS = 50;
/** When Shopify throttles without saying how full the bucket is. */
const UNKNOWN_THROTTLE_WAIT_MS = 1000;

export interface ShopifyUserError {
  readonly code?: string | null;
  readonly field?: readonly string[] | null;
  readonly message: string;
}

/** Worth retrying later: Shopify was unreachable, slow, failing or kept throttling us. */
export class ShopifyUnavailableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ShopifyUnavailableError';
  }
}

/** Retrying the same request cannot help: bad credentials, unknown shop, or input Shopify refuses. */
export class ShopifyRejectedError extends Error {
  constructor(
    message: string,
    readonly userErrors: readonly ShopifyUserError[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ShopifyRejectedError';
  }
}

export interface ShopifyInventoryClientOptions {
  /** The full graphql.json URL of a shop; see defaultAdminUrl. */
  readonly adminUrl: (shop: string) => string;
  /** The brand's Admin API access token, e.g. read from Secrets Manager. */
  readonly accessToken: (brand: string) => Promise<string>;
  /** @default 10000 */
  readonly timeoutMs?: number;
  /** Total time one push may spend waiting for the rate limit to refill. @default 30000 */
  readonly maxThrottleWaitMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly fetch?: typeof fetch;
}

export function defaultAdminUrl(version = '2025-07'): (shop: string) => string {
  return (shop) => `https://${shop}/admin/api/${version}/graphql.json`;
}

const userErrorSchema = z.object({ code: z.string().nullish(), field: z.array(z.string()).nullish(), message: z.string() });

const responseSchema = z.object({
  data: z
    .object({
      inventorySetQuantities: z
        .object({
          inventoryAdjustmentGroup: z.object({ changes: z.array(z.object({ name: z.string() }).loose()) }).loose().nullish(),
          userErrors: z.array(userErrorSchema),
        })
        .nullish(),
    })
    .nullish(),
  errors: z.array(z.object({ message: z.string(), extensions: z.object({ code: z.string().optional() }).loose().optional() }).loose()).optional(),
  extensions: z
    .object({
      cost: z
        .object({
          requestedQueryCost: z.number(),
          throttleStatus: z.object({ maximumAvailable: z.number(), currentlyAvailable: z.number(), restoreRate: z.number() }),
        })
        .loose()
        .optional(),
    })
    .loose()
    .optional(),
});
type AdminResponse = z.infer<typeof responseSchema>;

export class ShopifyInventoryClient {
  private readonly timeoutMs: number;
  private readonly maxThrottleWaitMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ShopifyInventoryClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxThrottleWaitMs = options.maxThrottleWaitMs ?? 30_000;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  /**
   * Sets `available` for every quantity of the push in one mutation, all or none. Throttled
   * answers are waited out for as long as the refill needs, within maxThrottleWaitMs.
   * @returns how many quantities changed, and how long the rate limit held the push back.
   */
  async setAvailable(push: StorefrontPush, referenceDocumentUri: string): Promise<{ changes: number; throttledWaitMs: number }> {
    if (push.quantities.length === 0) return { changes: 0, throttledWaitMs: 0 };
    const token = await this.options.accessToken(push.brand);
    const body = JSON.stringify({
      query: SET_AVAILABLE,
      variables: {
        input: {
          name: 'available',
          reason: 'correction',
          referenceDocumentUri,
          ignoreCompareQuantity: true,
          quantities: push.quantities.map(({ inventoryItemId, locationId, quantity }) => ({ inventoryItemId, locationId, quantity })),
        },
      },
    });
    let throttledWaitMs = 0;
    for (;;) {
      const response = await this.post(push.shop, token, body);
      const throttled = response.errors?.find((error) => error.extensions?.code === 'THROTTLED');
      if (!throttled) return { changes: this.changesOf(push.shop, response), throttledWaitMs };
      const wait = throttleWaitMs(response);
      if (throttledWaitMs + wait > this.maxThrottleWaitMs) {
        throw new ShopifyUnavailableError(`${push.shop} kept throttling: waited ${throttledWaitMs} ms, the next wait of ${wait} ms would pass the ${this.maxThrottleWaitMs} ms budget`);
      }
      await this.sleep(wait);
      throttledWaitMs += wait;
    }
  }

  private async post(shop: string, token: string, body: string): Promise<AdminResponse> {
    let status: number;
    let text: string;
    try {
      const response = await this.fetch(this.options.adminUrl(shop), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-shopify-access-token': token },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      // Inside the try: the timeout can also fire while the body is still arriving.
      text = await response.text();
    } catch (error) {
      throw new ShopifyUnavailableError(`${shop} did not answer within ${this.timeoutMs} ms or could not be reached`, { cause: error });
    }
    if (status === 429 || status >= 500) throw new ShopifyUnavailableError(`${shop} answered HTTP ${status}: ${text.slice(0, 200)}`);
    if (status < 200 || status >= 300) throw new ShopifyRejectedError(`${shop} refused the request with HTTP ${status}: ${text.slice(0, 200)}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      // A 200 that is not JSON comes from something in front of Shopify, not from the API itself.
      throw new ShopifyUnavailableError(`${shop} answered HTTP ${status} with a body that is not JSON`, { cause: error });
    }
    const parsed = responseSchema.safeParse(json);
    if (!parsed.success) throw new ShopifyRejectedError(`${shop} answered in a shape this client does not understand: ${z.prettifyError(parsed.error)}`, [], { cause: parsed.error });
    return parsed.data;
  }

  private changesOf(shop: string, response: AdminResponse): number {
    const errors = response.errors ?? [];
    // Shopify's own failures arrive as GraphQL errors too; only this code says "try again".
    if (errors.some((error) => error.extensions?.code === 'INTERNAL_SERVER_ERROR')) {
      throw new ShopifyUnavailableError(`${shop} failed internally: ${errors.map((error) => error.message).join('; ')}`);
    }
    if (errors.length > 0) throw new ShopifyRejectedError(`${shop} rejected the mutation: ${errors.map((error) => error.message).join('; ')}`);
    const result = response.data?.inventorySetQuantities;
    if (!result) throw new ShopifyRejectedError(`${shop} answered without an inventorySetQuantities result`);
    if (result.userErrors.length > 0) {
      const described = result.userErrors.map((error) => `${(error.field ?? []).join('.')}: ${error.message}${error.code ? ` (${error.code})` : ''}`);
      throw new ShopifyRejectedError(`${shop} refused the quantities: ${described.join('; ')}`, result.userErrors);
    }
    // Shopify reports on_hand moving alongside available; count each quantity once.
    return (result.inventoryAdjustmentGroup?.changes ?? []).filter((change) => change.name === 'available').length;
  }
}

/** The time the bucket needs to refill the points this request lacks. */
function throttleWaitMs(response: AdminResponse): number {
  const cost = response.extensions?.cost;
  if (!cost || cost.throttleStatus.restoreRate <= 0) return UNKNOWN_THROTTLE_WAIT_MS;
  const missing = cost.requestedQueryCost - cost.throttleStatus.currentlyAvailable;
  return Math.max(MIN_THROTTLE_WAIT_MS, Math.ceil((missing / cost.throttleStatus.restoreRate) * 1000));
}
