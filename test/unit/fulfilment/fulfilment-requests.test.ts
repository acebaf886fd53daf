import { describe, expect, it } from 'vitest';
import { InvalidFulfilmentRequestError } from '../../../lambdas/fulfilment/domain/errors.ts';
import { salesOrderFrom, shipmentFrom } from '../../../lambdas/fulfilment/domain/fulfilment-requests.ts';
import { CanonicalOrderSchema, type CanonicalOrder } from '../../../lambdas/shared/canonical-order.ts';

const ACCOUNT = { customerNumber: 'WEB-ST-IN' };

/** A paid Indian order of three SKUs, placed just after midnight in India (still the 27th in UTC). */
function anOrder(overrides: Partial<CanonicalOrder> = {}): CanonicalOrder {
  return CanonicalOrderSchema.parse({
    schemaVersion: 1,
    brand: 'saffron-threads',
    orderId: '5801234567890',
    orderNumber: '#1042',
    currency: 'INR',
    totalMinor: 569510,
    subtotalMinor: 569510,
    taxMinor: 0,
    discountMinor: 5000,
    shippingMinor: 0,
    financialStatus: 'paid',
    paymentMethod: 'prepaid',
    lines: [
      { sku: 'ST-KURTA-IND-M', variantId: '40000000001', title: 'Indigo block-print kurta (M)', quantity: 2, unitPriceMinor: 189900, taxMinor: 0, discountMinor: 5000 },
      { sku: 'ST-DUPATTA-SLK', variantId: '40000000002', title: 'Silk dupatta', quantity: 1, unitPriceMinor: 150010, taxMinor: 0, discountMinor: 0 },
      { sku: 'ST-BANGLE-SET', variantId: '40000000003', quantity: 1, unitPriceMinor: 44700, taxMinor: 0, discountMinor: 0 },
    ],
    customer: { name: 'Aarav Sharma', email: 'aarav.sharma@example.com', phone: '+919812345670' },
    shippingAddress: { name: 'Meera Sharma', line1: '14 Janpath', line2: 'Flat 3B', city: 'New Delhi', province: 'Delhi', postalCode: '110001', country: 'IN', phone: '+919812345671' },
    tags: [],
    noteAttributes: {},
    createdAt: '2026-11-28T00:30:00+05:30',
    updatedAt: '2026-11-28T00:30:00+05:30',
    ...overrides,
  });
}

function problemsOf(act: () => unknown): { field: string; message: string }[] {
  try {
    act();
  } catch (error) {
    if (error instanceof InvalidFulfilmentRequestError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the request to be refused');
}

describe('what the ERP is asked to book', () => {
  it('books the whole order to the brand’s web-customer account, on the customer’s day', () => {
    // Prepare
    const order = anOrder();
    // Act
    const salesOrder = salesOrderFrom(order, ACCOUNT);
    // Assess
    expect(salesOrder).toEqual({
      brand: 'saffron-threads',
      orderId: '5801234567890',
      orderNumber: '#1042',
      orderDate: '2026-11-28',
      customerNumber: 'WEB-ST-IN',
      currency: 'INR',
      shipTo: { name: 'Meera Sharma', line1: '14 Janpath', line2: 'Flat 3B', city: 'New Delhi', province: 'Delhi', postalCode: '110001', country: 'IN' },
      phone: '+919812345671',
      email: 'aarav.sharma@example.com',
      lines: [
        { sku: 'ST-KURTA-IND-M', quantity: 2, unitPriceMinor: 189900, discountMinor: 5000 },
        { sku: 'ST-DUPATTA-SLK', quantity: 1, unitPriceMinor: 150010, discountMinor: 0 },
        { sku: 'ST-BANGLE-SET', quantity: 1, unitPriceMinor: 44700, discountMinor: 0 },
      ],
    });
  });

  it('ships to the customer by name and phone when the address names no one', () => {
    const order = anOrder({ shippingAddress: { line1: 'Jl. Braga 12', city: 'Bandung', postalCode: '40111', country: 'ID' }, currency: 'IDR' });

    const salesOrder = salesOrderFrom(order, { customerNumber: 'WEB-ST-ID' });

    expect(salesOrder.shipTo).toEqual({ name: 'Aarav Sharma', line1: 'Jl. Braga 12', city: 'Bandung', postalCode: '40111', country: 'ID' });
    expect(salesOrder).toMatchObject({ phone: '+919812345670', currency: 'IDR', customerNumber: 'WEB-ST-ID' });
  });

  it('refuses to book to a blank customer account', () => {
    expect(problemsOf(() => salesOrderFrom(anOrder(), { customerNumber: ' ' }))).toEqual([{ field: 'customerNumber', message: expect.any(String) }]);
  });
});

describe('what a warehouse is asked to ship', () => {
  it('ships only the lines allocated to that warehouse, named for a WMS that lacks the product', () => {
    // Prepare
    const order = anOrder();
    // Act
    const shipment = shipmentFrom(order, 'IN-DEL-01', [
      { sku: 'ST-KURTA-IND-M', quantity: 2 },
      { sku: 'ST-BANGLE-SET', quantity: 1 },
    ]);
    // Assess
    expect(shipment).toEqual({
      brand: 'saffron-threads',
      orderId: '5801234567890',
      orderNumber: '#1042',
      warehouseId: 'IN-DEL-01',
      orderedAt: '2026-11-28T00:30:00+05:30',
      recipient: {
        name: 'Meera Sharma',
        line1: '14 Janpath',
        line2: 'Flat 3B',
        city: 'New Delhi',
        province: 'Delhi',
        postalCode: '110001',
        country: 'IN',
        email: 'aarav.sharma@example.com',
        phone: '+919812345671',
      },
      lines: [
        { sku: 'ST-KURTA-IND-M', quantity: 2, name: 'Indigo block-print kurta (M)' },
        { sku: 'ST-BANGLE-SET', quantity: 1 },
      ],
    });
  });

  it('merges allocations of one SKU into one line', () => {
    const shipment = shipmentFrom(anOrder(), 'IN-BLR-01', [
      { sku: 'ST-KURTA-IND-M', quantity: 1 },
      { sku: 'ST-DUPATTA-SLK', quantity: 1 },
      { sku: 'ST-KURTA-IND-M', quantity: 1 },
    ]);

    expect(shipment.lines.map(({ sku, quantity }) => [sku, quantity])).toEqual([
      ['ST-KURTA-IND-M', 2],
      ['ST-DUPATTA-SLK', 1],
    ]);
  });

  it('refuses SKUs the order lacks, more units than ordered, and non-positive quantities', () => {
    const problems = problemsOf(() =>
      shipmentFrom(anOrder(), 'IN-BLR-01', [
        { sku: 'ST-SAREE-RED', quantity: 1 },
        { sku: 'ST-KURTA-IND-M', quantity: 2 },
        { sku: 'ST-KURTA-IND-M', quantity: 1 },
        { sku: 'ST-DUPATTA-SLK', quantity: 0 },
      ]),
    );

    expect(problems.map((problem) => problem.field)).toEqual(['lines[0].sku', 'lines[3].quantity', 'lines']);
    expect(problems[2]!.message).toMatch(/3 × ST-KURTA-IND-M exceeds the 2 ordered/);
  });

  it('refuses a shipment with no lines or no warehouse', () => {
    expect(problemsOf(() => shipmentFrom(anOrder(), '', [])).map((problem) => problem.field)).toEqual(['warehouseId', 'lines']);
  });
});
