import type { Country, Currency } from '../../shared/canonical-order.ts';

/**
 * What the order workflow needs from the ERP and the WMS, whoever the retailer runs. Every call
 * carries an idempotency key (order id + step, see ARCHITECTURE.md §5): the workflow retries
 * after timeouts, so a call may arrive again after the system already acted on it, and must then
 * answer with what exists rather than create a second sales order or shipment.
 *
 * Failures are {@link TransientFulfilmentError} (retry) or {@link PermanentFulfilmentError}
 * (escalate), from ./errors.ts.
 */

export interface FulfilmentAddress {
  readonly name: string;
  readonly line1: string;
  readonly line2?: string;
  readonly city: string;
  readonly province?: string;
  readonly postalCode: string;
  readonly country: Country;
}

export interface SalesOrderLineInput {
  readonly sku: string;
  readonly quantity: number;
  /** Before the line discount, in minor units of the order currency. */
  readonly unitPriceMinor: number;
  /** On the whole line (all units), minor units. */
  readonly discountMinor: number;
}

/** The sale as the ERP books it: the whole order, whichever warehouses ship it. */
export interface SalesOrderInput {
  readonly brand: string;
  readonly orderId: string;
  readonly orderNumber: string;
  /** The day the customer ordered, in the storefront's time zone: YYYY-MM-DD. */
  readonly orderDate: string;
  /** The ERP customer account that web sales are booked to, one per brand. */
  readonly customerNumber: string;
  readonly currency: Currency;
  readonly shipTo: FulfilmentAddress;
  /** E.164. */
  readonly phone?: string;
  readonly email?: string;
  readonly lines: readonly SalesOrderLineInput[];
}

export interface ShipmentLine {
  readonly sku: string;
  readonly quantity: number;
  /** The product's title, for a WMS that creates unknown products from the order. */
  readonly name?: string;
}

/** One warehouse's part of an order: an order split across warehouses has one shipment per warehouse. */
export interface ShipmentInput {
  readonly brand: string;
  readonly orderId: string;
  readonly orderNumber: string;
  /** Our warehouse id (lib/config/warehouses.ts); each adapter maps it to the WMS's own. */
  readonly warehouseId: string;
  /** When the customer ordered, ISO 8601 with offset. */
  readonly orderedAt: string;
  readonly recipient: FulfilmentAddress & { readonly email?: string; readonly phone?: string };
  /** One line per SKU. */
  readonly lines: readonly ShipmentLine[];
}

export interface ErpPort {
  /** `created` is false when a sales order already existed under this key (its missing lines are added). */
  createSalesOrder(input: SalesOrderInput, idempotencyKey: string): Promise<{ erpOrderId: string; number: string; created: boolean }>;
  /** Compensation. `cancelled` is true once the order is gone or void, whether by this call or an earlier one. */
  cancelSalesOrder(erpOrderId: string, idempotencyKey: string): Promise<{ cancelled: boolean }>;
  /** The sales order created under this key, if any: what a compensation must undo when the hand-off failed half-way. */
  findSalesOrder(idempotencyKey: string): Promise<{ erpOrderId: string } | undefined>;
}

export interface WmsShipmentPort {
  /** `created` is false when a shipment already existed under this key. */
  createShipment(input: ShipmentInput, idempotencyKey: string): Promise<{ shipmentId: string; created: boolean }>;
  /**
   * Compensation. `cancelled` is true once the shipment is cancelled, by this call or an earlier
   * one; false when the warehouse has gone too far to stop it (labelled or shipped), which the
   * caller must handle another way (a return).
   */
  cancelShipment(shipmentId: string, idempotencyKey: string): Promise<{ cancelled: boolean }>;
  /** The shipment created under this key, if any (cancelled ones included). */
  findShipment(idempotencyKey: string): Promise<{ shipmentId: string } | undefined>;
}
