import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DemoBrand, ShopifyOrderPayload } from '../../../local/simulators/shopify/demo-orders.ts';
import { demoOrders } from '../../../local/simulators/shopify/demo-orders.ts';
import { cancelledOf, HUGE_FIELD_LENGTH, malformedBodies, paidOf, updatedOf } from '../../../local/simulators/shopify/scenarios.ts';

const IN_BRAND: DemoBrand = { id: 'saffron-threads', storefrontDomain: 'saffron-threads.myshopify.com', country: 'IN', currency: 'INR' };
const CREATED = new Date('2026-11-28T10:00:00Z');
const [prepaid, cod] = demoOrders([IN_BRAND], 2, 5_801_234_567_890, CREATED).map((order) => order.payload) as [ShopifyOrderPayload, ShopifyOrderPayload];
const later = (seconds: number) => new Date(CREATED.getTime() + seconds * 1000);

describe('topic builders', () => {
  it('move updated_at forward on every topic, in any sequence, and keep the shop’s offset', () => {
    const step = fc.constantFrom('updated', 'paid');
    fc.assert(
      fc.property(fc.array(fc.tuple(step, fc.integer({ min: 1, max: 86_400 })), { minLength: 1, maxLength: 12 }), fc.boolean(), (steps, thenCancel) => {
        let order = cod;
        let clock = 0;
        const seen = [Date.parse(order.updated_at)];
        for (const [topic, gap] of steps) {
          clock += gap;
          order = topic === 'updated' ? updatedOf(order, { tags: `step-${clock}` }, later(clock)) : paidOf(order, later(clock));
          seen.push(Date.parse(order.updated_at));
        }
        if (thenCancel) {
          order = cancelledOf(order, 'customer', later(clock + 1));
          seen.push(Date.parse(order.updated_at));
        }
        expect(seen).toEqual([...seen].sort((a, b) => a - b));
        expect(new Set(seen).size).toBe(seen.length);
        expect(order.updated_at).toMatch(/\+05:30$/);
        expect(order.created_at).toBe(cod.created_at);
      }),
    );
  });

  it('default to one second after the last update when no time is given', () => {
    expect(updatedOf(cod).updated_at).toBe('2026-11-28T15:30:01+05:30');
    expect(paidOf(paidOf(cod)).updated_at).toBe('2026-11-28T15:30:02+05:30');
  });

  it('refuse to move updated_at backwards or keep it within the same second', () => {
    expect(() => updatedOf(cod, {}, CREATED)).toThrow(RangeError);
    expect(() => paidOf(cod, new Date(CREATED.getTime() + 999))).toThrow(RangeError);
    expect(() => cancelledOf(cod, 'customer', later(-60))).toThrow(RangeError);
  });

  it('apply an update’s changes and leave the original order untouched', () => {
    const before = structuredClone(cod);
    const changed = updatedOf(cod, { note: 'Deliver after 6 pm', shipping_address: { ...cod.shipping_address, zip: '110002' } }, later(60));
    expect(changed).toMatchObject({ id: cod.id, note: 'Deliver after 6 pm', shipping_address: { zip: '110002' }, total_price: cod.total_price });
    expect(cod).toEqual(before);
  });

  it('mark a pending COD order paid', () => {
    expect(paidOf(cod, later(60))).toMatchObject({ financial_status: 'paid', updated_at: '2026-11-28T15:31:00+05:30' });
  });

  it('cancel with the time and reason; money taken is refunded, money never taken voided', () => {
    const cancelledPrepaid = cancelledOf(prepaid, 'customer', later(120));
    expect(cancelledPrepaid).toMatchObject({ cancelled_at: '2026-11-28T15:32:00+05:30', cancel_reason: 'customer', financial_status: 'refunded', updated_at: '2026-11-28T15:32:00+05:30' });
    expect(cancelledOf(cod, 'inventory', later(120))).toMatchObject({ cancel_reason: 'inventory', financial_status: 'voided' });
    expect(cancelledOf(paidOf(cod, later(60)), 'customer', later(120)).financial_status).toBe('refunded');
  });

  it('do not pay or cancel an order that is already cancelled', () => {
    const cancelled = cancelledOf(cod, 'customer', later(60));
    expect(() => paidOf(cancelled, later(120))).toThrow(/cancelled/);
    expect(() => cancelledOf(cancelled, 'customer', later(120))).toThrow(/already cancelled/);
  });
});

describe('malformed bodies', () => {
  const cases = malformedBodies(prepaid);
  const byName = (prefix: string) => {
    const found = cases.find((candidate) => candidate.name.startsWith(prefix));
    if (!found) throw new Error(`no case named ${prefix}`);
    return found;
  };
  const parsed = (prefix: string) => JSON.parse(byName(prefix).body) as ShopifyOrderPayload;

  it('has uniquely named cases of both kinds', () => {
    expect(new Set(cases.map((candidate) => candidate.name)).size).toBe(cases.length);
    expect(cases.map((candidate) => candidate.name)).toHaveLength(9);
  });

  it('invalid_json bodies do not parse, and invalid_order bodies do', () => {
    for (const candidate of cases) {
      if (candidate.expected === 'invalid_json') expect(() => JSON.parse(candidate.body), candidate.name).toThrow(SyntaxError);
      else expect(() => JSON.parse(candidate.body), candidate.name).not.toThrow();
    }
    expect(byName('empty body').body).toBe('');
    expect(JSON.stringify(prepaid).startsWith(byName('truncated JSON').body)).toBe(true);
  });

  it('each invalid_order body breaks exactly the thing it is named after', () => {
    const rest = (order: ShopifyOrderPayload, ...without: (keyof ShopifyOrderPayload)[]) => Object.fromEntries(Object.entries(order).filter(([key]) => !without.includes(key as keyof ShopifyOrderPayload)));
    expect(JSON.parse(byName('JSON array').body)).toEqual([prepaid]);
    expect(parsed('no line items').line_items).toEqual([]);
    expect(rest(parsed('no line items'), 'line_items')).toEqual(rest(prepaid, 'line_items'));
    expect(parsed('impossible postal code').shipping_address).toEqual({ ...prepaid.shipping_address, zip: '000000' });
    expect(parsed('unknown currency')).toEqual({ ...prepaid, currency: 'XYZ' });
    expect(parsed('line without SKU').line_items[0]?.sku).toBeNull();
    expect(parsed('line without SKU').line_items.slice(1)).toEqual(prepaid.line_items.slice(1));
    const huge = parsed('huge string field');
    expect(huge.shipping_address.address1).toHaveLength(HUGE_FIELD_LENGTH);
    expect(Buffer.byteLength(byName('huge string field').body)).toBeGreaterThan(256 * 1024);
  });

  it('uses a postal code impossible in the order’s own country', () => {
    const [malaysian] = demoOrders([{ id: 'rumah-living', storefrontDomain: 'rumah-living.myshopify.com', country: 'MY', currency: 'MYR' }], 1, 1, CREATED);
    const postal = malformedBodies(malaysian!.payload).find((candidate) => candidate.name.startsWith('impossible postal code'));
    expect((JSON.parse(postal!.body) as ShopifyOrderPayload).shipping_address).toMatchObject({ zip: '00000', country_code: 'MY' });
  });
});
