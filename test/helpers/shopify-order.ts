import type { ShopifyOrderPayload } from '../../local/simulators/shopify/demo-orders.ts';
import { demoOrders } from '../../local/simulators/shopify/demo-orders.ts';
import { BRANDS } from '../../lib/config/brands.ts';

/** A realistic prepaid Indian orders/create payload; override any field to make it bad. */
export function aShopifyOrder(overrides: Partial<ShopifyOrderPayload> = {}): ShopifyOrderPayload {
  const [order] = demoOrders([BRANDS[0]!], 1, 5_801_234_567_890);
  return { ...order!.payload, ...overrides };
}
