import type { CanonicalOrder } from '../../shared/canonical-order.ts';
import { InvalidFulfilmentRequestError, type FieldProblem } from './errors.ts';
import type { FulfilmentAddress, SalesOrderInput, ShipmentInput, ShipmentLine } from './ports.ts';

/** A warehouse's share of the order, as Reserve And Route allocated it. */
export interface AllocatedLine {
  readonly sku: string;
  readonly quantity: number;
}

/** The ERP account web sales of a brand are booked to. */
export interface ErpAccount {
  readonly customerNumber: string;
}

function addressOf(order: CanonicalOrder): FulfilmentAddress {
  const { name, line1, line2, city, province, postalCode, country } = order.shippingAddress;
  return {
    name: name ?? order.customer.name,
    line1,
    ...(line2 === undefined ? {} : { line2 }),
    city,
    ...(province === undefined ? {} : { province }),
    postalCode,
    country,
  };
}

/** The phone a courier should call: the one given with the address, else the customer's. */
function phoneOf(order: CanonicalOrder): string | undefined {
  return order.shippingAddress.phone ?? order.customer.phone;
}

/** The whole order as one sales order, booked to the brand's web-customer account. */
export function salesOrderFrom(order: CanonicalOrder, account: ErpAccount): SalesOrderInput {
  if (account.customerNumber.trim() === '') throw new InvalidFulfilmentRequestError([{ field: 'customerNumber', message: 'must name the brand’s ERP customer account' }]);
  const phone = phoneOf(order);
  return {
    brand: order.brand,
    orderId: order.orderId,
    orderNumber: order.orderNumber,
    // Timestamps keep the storefront's offset, so the date written is the customer's day.
    orderDate: order.createdAt.slice(0, 10),
    customerNumber: account.customerNumber,
    currency: order.currency,
    shipTo: addressOf(order),
    ...(phone === undefined ? {} : { phone }),
    ...(order.customer.email === undefined ? {} : { email: order.customer.email }),
    lines: order.lines.map(({ sku, quantity, unitPriceMinor, discountMinor }) => ({ sku, quantity, unitPriceMinor, discountMinor })),
  };
}

/**
 * One warehouse's shipment of the order. Lines naming the same SKU are merged, and every line is
 * checked against the order: a SKU it lacks or more units than it holds means the allocation is
 * wrong, and shipping it would send the customer what they did not buy.
 */
export function shipmentFrom(order: CanonicalOrder, warehouseId: string, lines: readonly AllocatedLine[]): ShipmentInput {
  const problems: FieldProblem[] = [];
  if (warehouseId.trim() === '') problems.push({ field: 'warehouseId', message: 'must name a warehouse' });
  if (lines.length === 0) problems.push({ field: 'lines', message: 'a shipment needs at least one line' });
  const ordered = new Map<string, number>();
  for (const line of order.lines) ordered.set(line.sku, (ordered.get(line.sku) ?? 0) + line.quantity);
  const merged = new Map<string, number>();
  lines.forEach((line, index) => {
    if (!Number.isInteger(line.quantity) || line.quantity <= 0) problems.push({ field: `lines[${index}].quantity`, message: 'must be a whole number above 0' });
    else if (!ordered.has(line.sku)) problems.push({ field: `lines[${index}].sku`, message: `${line.sku} is not in order ${order.orderNumber}` });
    else merged.set(line.sku, (merged.get(line.sku) ?? 0) + line.quantity);
  });
  for (const [sku, quantity] of merged) {
    const inOrder = ordered.get(sku)!;
    if (quantity > inOrder) problems.push({ field: 'lines', message: `${quantity} × ${sku} exceeds the ${inOrder} ordered` });
  }
  if (problems.length > 0) throw new InvalidFulfilmentRequestError(problems);

  const shipmentLines: ShipmentLine[] = [...merged].map(([sku, quantity]) => {
    const name = order.lines.find((line) => line.sku === sku && line.title !== undefined)?.title;
    return { sku, quantity, ...(name === undefined ? {} : { name }) };
  });
  const phone = phoneOf(order);
  return {
    brand: order.brand,
    orderId: order.orderId,
    orderNumber: order.orderNumber,
    warehouseId,
    orderedAt: order.createdAt,
    recipient: {
      ...addressOf(order),
      ...(order.customer.email === undefined ? {} : { email: order.customer.email }),
      ...(phone === undefined ? {} : { phone }),
    },
    lines: shipmentLines,
  };
}
