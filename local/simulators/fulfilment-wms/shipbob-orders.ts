/** Shipment statuses as ShipBob reports them; an order's status follows its shipment's. */
export const SHIPBOB_SHIPMENT_STATUSES = ['Processing', 'OnHold', 'Exception', 'LabeledCreated', 'Completed', 'Cancelled'] as const;
export type ShipBobShipmentStatus = (typeof SHIPBOB_SHIPMENT_STATUSES)[number];

/** Shipments the warehouse has labelled or sent can no longer be cancelled. */
export const UNCANCELLABLE: readonly ShipBobShipmentStatus[] = ['LabeledCreated', 'Completed'];

export interface ShipBobAddress {
  readonly address1: string;
  readonly address2?: string;
  readonly city: string;
  readonly state?: string;
  readonly country: string;
  readonly zip_code?: string;
}

export interface ShipBobRecipient {
  readonly name: string;
  readonly address: ShipBobAddress;
  readonly email?: string;
  readonly phone_number?: string;
}

export interface ShipBobProduct {
  readonly referenceId: string;
  readonly quantity: number;
  readonly name?: string;
}

/** One ShipBob order and its single shipment, as the simulator holds it. */
export interface SimulatedShipment {
  /** ShipBob's order id, as a string: what the adapter returns as `shipmentId` and what `advance` takes. */
  readonly id: string;
  readonly shipBobShipmentId: number;
  readonly channelId: number;
  readonly referenceId: string;
  readonly orderNumber: string | null;
  readonly purchaseDate: string | null;
  readonly locationId: number | null;
  readonly shippingMethod: string;
  readonly recipient: ShipBobRecipient;
  readonly products: readonly ShipBobProduct[];
  readonly status: ShipBobShipmentStatus;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type NewShipment = Omit<SimulatedShipment, 'id' | 'shipBobShipmentId' | 'status' | 'createdAt' | 'updatedAt'>;

const FIRST_ORDER_ID = 310_000_001;
const FIRST_SHIPMENT_ID = 410_000_001;

/** The orders of one simulated ShipBob account, across its channels. */
export class ShipBobOrders {
  private readonly shipments: SimulatedShipment[] = [];

  create(fields: NewShipment): SimulatedShipment {
    const now = new Date().toISOString();
    const index = this.shipments.length;
    const shipment: SimulatedShipment = {
      ...fields,
      id: String(FIRST_ORDER_ID + index),
      shipBobShipmentId: FIRST_SHIPMENT_ID + index,
      status: 'Processing',
      createdAt: now,
      updatedAt: now,
    };
    this.shipments.push(shipment);
    return shipment;
  }

  /** reference_id is unique per channel, so this finds at most one. */
  byReference(channelId: number, referenceId: string): SimulatedShipment | undefined {
    return this.shipments.find((shipment) => shipment.channelId === channelId && shipment.referenceId === referenceId);
  }

  find(id: string): SimulatedShipment | undefined {
    return this.shipments.find((shipment) => shipment.id === id);
  }

  setStatus(id: string, status: ShipBobShipmentStatus): SimulatedShipment {
    const index = this.shipments.findIndex((shipment) => shipment.id === id);
    if (index === -1) throw new Error(`unknown ShipBob order ${id}`);
    const updated = { ...this.shipments[index]!, status, updatedAt: new Date().toISOString() };
    this.shipments[index] = updated;
    return updated;
  }

  snapshot(): SimulatedShipment[] {
    return this.shipments.map((shipment) => structuredClone(shipment));
  }
}

/** The order status ShipBob shows for an order whose only shipment is in `status`. */
export function orderStatusOf(status: ShipBobShipmentStatus): string {
  switch (status) {
    case 'Completed':
      return 'Fulfilled';
    case 'Cancelled':
      return 'Cancelled';
    case 'Exception':
    case 'OnHold':
      return 'Exception';
    default:
      return 'Processing';
  }
}
