import { describe, expect, it } from 'vitest';
import { mapShopifyOrder } from '../../../lambdas/intake/domain/shopify-order.ts';
import { customerView, opsView } from '../../../lambdas/orders/domain/order-view.ts';
import { actionsFor, decideRoute } from '../../../lambdas/orders/domain/routing.ts';
import { createTrackingToken, verifyTrackingToken } from '../../../lambdas/orders/domain/tracking-link.ts';
import { aShopifyOrder } from '../../helpers/shopify-order.ts';

const key = 'k'.repeat(64);
const now = new Date('2026-11-28T10:00:00Z');
const order = { brand: 'saffron-threads', orderId: '5801234567890' };

describe('customer tracking links', () => {
  it('name exactly the order they were made for', () => {
    expect(verifyTrackingToken(key, createTrackingToken(key, order, now), now)).toEqual(order);
  });

  it('are refused when edited to point at another order, signed with another key, or malformed', () => {
    const token = createTrackingToken(key, order, now);
    expect(verifyTrackingToken(key, token.replace('5801234567890', '5801234567891'), now)).toBeUndefined();
    expect(verifyTrackingToken('another-key', token, now)).toBeUndefined();
    expect(verifyTrackingToken(key, 'not-a-token', now)).toBeUndefined();
    expect(verifyTrackingToken(key, `${token}x`, now)).toBeUndefined();
  });

  it('expire after their lifetime', () => {
    const token = createTrackingToken(key, order, now, 30);
    expect(verifyTrackingToken(key, token, new Date('2026-12-27T10:00:00Z'))).toEqual(order);
    expect(verifyTrackingToken(key, token, new Date('2026-12-29T10:00:00Z'))).toBeUndefined();
  });
});

describe('order views', () => {
  const { order: canonical } = mapShopifyOrder('saffron-threads', aShopifyOrder());
  const stored = { brand: 'saffron-threads', orderId: canonical.orderId, status: 'ACCEPTED', route: 'live', order: canonical };

  it('give ops the whole order and a timeline in time order', () => {
    const view = opsView(stored, [{ detailType: 'Order Accepted', occurredAt: '2026-11-28T10:00:02Z', summary: {} }, { detailType: 'Order Received', occurredAt: '2026-11-28T10:00:00Z', summary: {} }], '/track/t');
    expect(view.timeline.map((entry) => entry.detailType)).toEqual(['Order Received', 'Order Accepted']);
    expect(view.order).toEqual(canonical);
  });

  it('give customers no contact details, street address or internal routing', () => {
    const view = JSON.stringify(customerView({ ...stored, route: 'legacy', status: 'HANDED_TO_LEGACY' }));
    expect(view).not.toContain(canonical.customer.email!);
    expect(view).not.toContain(canonical.shippingAddress.line1);
    expect(view).not.toMatch(/legacy|HANDED/i);
    expect(JSON.parse(view)).toMatchObject({ status: 'Order received', shipsTo: { city: canonical.shippingAddress.city } });
  });
});

describe('routing a new order', () => {
  it('follows the brand mode unless the kill switch is engaged', () => {
    expect(decideRoute({ killSwitchEngaged: false, brandMode: 'live' })).toBe('live');
    expect(decideRoute({ killSwitchEngaged: false, brandMode: 'shadow' })).toBe('shadow');
    expect(decideRoute({ killSwitchEngaged: true, brandMode: 'live' })).toBe('legacy');
  });

  it('shadow runs the flow in shadow mode and still lets the legacy process fulfil the order', () => {
    expect(actionsFor('live')).toEqual({ flow: 'live', handToLegacy: false });
    expect(actionsFor('shadow')).toEqual({ flow: 'shadow', handToLegacy: true });
    expect(actionsFor('legacy')).toEqual({ handToLegacy: true });
  });

});
