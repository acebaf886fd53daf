import { afterEach, describe, expect, it } from 'vitest';
import { ShopifyInventoryClient, ShopifyRejectedError, ShopifyUnavailableError } from '../../../lambdas/inventory/adapters/shopify-inventory.ts';
import type { StorefrontPush } from '../../../lambdas/inventory/domain/storefront-stock.ts';
import { ShopifyAdminSimulator, type ShopifyAdminSimulatorOptions } from '../../../local/simulators/shopify/admin-api.ts';

const shop = 'saffron-threads.myshopify.com';
const token = 'shpat_saffron_threads_admin';
const delhi = 'gid://shopify/Location/11';
const bangalore = 'gid://shopify/Location/12';
const items = Array.from({ length: 40 }, (_, n) => `gid://shopify/InventoryItem/${101 + n}`);
const kurta = items[0]!;
const reference = 'gid://order-automation/StockSync/sync-0001';

let simulator: ShopifyAdminSimulator | undefined;
afterEach(async () => {
  await simulator?.stop();
  simulator = undefined;
});

async function startShop(options: Partial<ShopifyAdminSimulatorOptions> = {}): Promise<ShopifyAdminSimulator> {
  simulator = await ShopifyAdminSimulator.start({ shops: [{ shop, accessToken: token, plan: 'standard', locations: [delhi, bangalore], inventoryItems: items }], ...options });
  return simulator;
}

function clientFor(sim: ShopifyAdminSimulator, overrides: { accessToken?: string; timeoutMs?: number } = {}): ShopifyInventoryClient {
  return new ShopifyInventoryClient({ adminUrl: (name) => sim.adminUrl(name), accessToken: async () => overrides.accessToken ?? token, timeoutMs: overrides.timeoutMs });
}

const push = (quantities: StorefrontPush['quantities']): StorefrontPush => ({ brand: 'saffron-threads', shop, quantities });

describe('pushing storefront stock to the Shopify Admin simulator', () => {
  it('sets the available quantity and records the push with its reference document', async () => {
    // Prepare
    const sim = await startShop();
    // Act
    const result = await clientFor(sim).setAvailable(push([{ inventoryItemId: kurta, locationId: delhi, quantity: 7 }, { inventoryItemId: kurta, locationId: bangalore, quantity: 0 }]), reference);
    // Assess
    expect(result).toEqual({ changes: 1, throttledWaitMs: 0 });
    expect(sim.available(shop, kurta, delhi)).toBe(7);
    expect(sim.available(shop, kurta, bangalore)).toBe(0);
    expect(sim.pushes).toEqual([{ shop, at: expect.any(Number), referenceDocumentUri: reference, quantities: [{ inventoryItemId: kurta, locationId: delhi, quantity: 7 }, { inventoryItemId: kurta, locationId: bangalore, quantity: 0 }] }]);
  });

  it('refuses a wrong access token for good', async () => {
    const sim = await startShop();

    const attempt = clientFor(sim, { accessToken: 'shpat_revoked' }).setAvailable(push([{ inventoryItemId: kurta, locationId: delhi, quantity: 7 }]), reference);

    await expect(attempt).rejects.toThrow(ShopifyRejectedError);
    await expect(attempt).rejects.toThrow(/HTTP 401.*Invalid API key or access token/);
    expect(sim.available(shop, kurta, delhi)).toBe(0);
  });

  it('rejects a location the shop does not have, naming the field, and applies nothing', async () => {
    const sim = await startShop();

    const error = await clientFor(sim)
      .setAvailable(push([{ inventoryItemId: kurta, locationId: delhi, quantity: 7 }, { inventoryItemId: kurta, locationId: 'gid://shopify/Location/99', quantity: 3 }]), reference)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ShopifyRejectedError);
    expect((error as ShopifyRejectedError).userErrors).toEqual([{ code: 'INVALID_LOCATION', field: ['input', 'quantities', '1', 'locationId'], message: 'The specified location could not be found.' }]);
    expect(sim.available(shop, kurta, delhi)).toBe(0);
    expect(sim.pushes).toHaveLength(0);
  });

  it('waits out THROTTLED answers during a burst and still lands every push', async () => {
    // Prepare: a 30-point bucket refilling 100 points a second; 40 pushes ask for 120 points at once
    const sim = await startShop({ bucketMultiplier: 0.3, mutationCost: 3 });
    const client = clientFor(sim);
    // Act
    const results = await Promise.all(items.map((inventoryItemId, n) => client.setAvailable(push([{ inventoryItemId, locationId: delhi, quantity: n + 1 }]), `${reference}-${n}`)));
    // Assess
    expect(sim.throttled).toBeGreaterThan(0);
    expect(results.some((result) => result.throttledWaitMs > 0)).toBe(true);
    expect(items.map((inventoryItemId) => sim.available(shop, inventoryItemId, delhi))).toEqual(items.map((_, n) => n + 1));
    expect(sim.pushes).toHaveLength(40);
  });

  it('reports a failing Shopify as unavailable, so the push is retried later', async () => {
    const sim = await startShop();
    sim.failNext(shop, 1, '5xx');

    const attempt = clientFor(sim).setAvailable(push([{ inventoryItemId: kurta, locationId: delhi, quantity: 7 }]), reference);

    await expect(attempt).rejects.toThrow(ShopifyUnavailableError);
    expect(sim.available(shop, kurta, delhi)).toBe(0);
  });

  it('gives up on a Shopify that does not answer in time, as unavailable', async () => {
    const sim = await startShop();
    sim.failNext(shop, 1, 'timeout');

    const attempt = clientFor(sim, { timeoutMs: 200 }).setAvailable(push([{ inventoryItemId: kurta, locationId: delhi, quantity: 7 }]), reference);

    await expect(attempt).rejects.toThrow(ShopifyUnavailableError);
    // The failure was for one request only: the next push lands.
    await expect(clientFor(sim).setAvailable(push([{ inventoryItemId: kurta, locationId: delhi, quantity: 7 }]), reference)).resolves.toMatchObject({ changes: 1 });
  });

  it('refuses a compare quantity that no longer matches what the shop holds', async () => {
    // Prepare: the shop holds 7; the caller believes it holds 5
    const sim = await startShop();
    await clientFor(sim).setAvailable(push([{ inventoryItemId: kurta, locationId: delhi, quantity: 7 }]), reference);
    const input = { name: 'available', reason: 'correction', quantities: [{ inventoryItemId: kurta, locationId: delhi, quantity: 4, compareQuantity: 5 }] };
    // Act
    const response = await fetch(sim.adminUrl(shop), {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': token },
      body: JSON.stringify({ query: 'mutation Set($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code field message } } }', variables: { input } }),
    });
    // Assess
    const body = (await response.json()) as { data: { inventorySetQuantities: { userErrors: unknown[] } } };
    expect(response.status).toBe(200);
    expect(body.data.inventorySetQuantities.userErrors).toEqual([{ code: 'COMPARE_QUANTITY_STALE', field: ['input', 'quantities', '0', 'compareQuantity'], message: expect.any(String) }]);
    expect(sim.available(shop, kurta, delhi)).toBe(7);
  });
});
