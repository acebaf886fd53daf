import { randomUUID } from 'node:crypto';

/** The text properties of a sales order the simulator stores, all '' until set, as Business Central returns them. */
export const SALES_ORDER_TEXT_FIELDS = [
  'externalDocumentNumber',
  'customerNumber',
  'currencyCode',
  'shipToName',
  'shipToAddressLine1',
  'shipToAddressLine2',
  'shipToCity',
  'shipToState',
  'shipToPostCode',
  'shipToCountry',
  'phoneNumber',
  'email',
] as const;
export type SalesOrderTextField = (typeof SALES_ORDER_TEXT_FIELDS)[number];

export interface SimulatedSalesOrderLine {
  readonly id: string;
  /** 10000, 20000, … in the order lines were added. */
  readonly sequence: number;
  readonly lineType: string;
  readonly lineObjectNumber: string;
  readonly description: string;
  readonly quantity: number;
  readonly unitPrice: number;
  readonly discountAmount: number;
}

export type SimulatedSalesOrder = Record<SalesOrderTextField, string> & {
  readonly id: string;
  readonly number: string;
  readonly orderDate: string;
  /**
   * `Draft` as created through the API. `Deleted` is the simulator's own marker: Business
   * Central removes a deleted order (the API answers 404), the simulator keeps it for inspection.
   */
  readonly status: 'Draft' | 'Deleted';
  readonly lines: readonly SimulatedSalesOrderLine[];
  /** Bumped by every change; the eTag is derived from it. */
  readonly version: number;
  readonly lastModifiedDateTime: string;
};

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const FIRST_NUMBER = 101001;

/** The sales orders of one simulated company. */
export class SalesOrderBook {
  private readonly orders: Mutable<SimulatedSalesOrder>[] = [];

  create(orderDate: string, fields: Partial<Record<SalesOrderTextField, string>>): SimulatedSalesOrder {
    const blank = Object.fromEntries(SALES_ORDER_TEXT_FIELDS.map((field) => [field, ''])) as Record<SalesOrderTextField, string>;
    const order: Mutable<SimulatedSalesOrder> = {
      ...blank,
      ...fields,
      id: randomUUID(),
      number: String(FIRST_NUMBER + this.orders.length),
      orderDate,
      status: 'Draft',
      lines: [],
      version: 1,
      lastModifiedDateTime: new Date().toISOString(),
    };
    this.orders.push(order);
    return order;
  }

  /** A live (not deleted) order by id; GUIDs compare case-insensitively. */
  find(id: string): SimulatedSalesOrder | undefined {
    return this.orders.find((order) => order.status !== 'Deleted' && order.id === id.toLowerCase());
  }

  /** Live orders, oldest first. */
  live(): SimulatedSalesOrder[] {
    return this.orders.filter((order) => order.status !== 'Deleted');
  }

  addLine(order: SimulatedSalesOrder, line: Omit<SimulatedSalesOrderLine, 'id' | 'sequence'>): SimulatedSalesOrderLine {
    const stored = this.stored(order);
    const added: SimulatedSalesOrderLine = { ...line, id: randomUUID(), sequence: (stored.lines.length + 1) * 10000 };
    stored.lines = [...stored.lines, added];
    this.touch(stored);
    return added;
  }

  delete(order: SimulatedSalesOrder): void {
    const stored = this.stored(order);
    stored.status = 'Deleted';
    this.touch(stored);
  }

  /** Every order ever created, deleted ones included, as copies. */
  snapshot(): SimulatedSalesOrder[] {
    return this.orders.map((order) => structuredClone(order));
  }

  private stored(order: SimulatedSalesOrder): Mutable<SimulatedSalesOrder> {
    const stored = this.orders.find((candidate) => candidate.id === order.id);
    if (!stored) throw new Error(`sales order ${order.id} is not in this book`);
    return stored;
  }

  private touch(order: Mutable<SimulatedSalesOrder>): void {
    order.version++;
    order.lastModifiedDateTime = new Date().toISOString();
  }
}

/** A weak eTag that changes with every change to the order, in Business Central's W/"…" form. */
export function etagOf(order: SimulatedSalesOrder): string {
  return `W/"${Buffer.from(`${order.id};${order.version}`).toString('base64')}"`;
}
