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

/** What ShipBob learns of a shipment once the warehouse hands it to the carrier. */
export interface ShipBobTracking {
  /** The carrier's name as ShipBob shows it, e.g. `Delhivery`. */
  readonly carrier: string;
  readonly carrierService?: string;
  /** The AWB. */
  readonly trackingNumber: string;
  readonly trackingUrl: string;
  /** When the shipment left the warehouse, local-clock ISO 8601. */
  readonly shippingDate: string;
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
  /** Set when the shipment is dispatched; its status is then `Completed`. */
  readonly tracking?: ShipBobTracking;
  /** When the carrier delivered it, local-clock ISO 8601. */
  readonly deliveryDate?: string;
}

export type NewShipment = Omit<SimulatedShipment, 'id' | 'shipBobShipmentId' | 'status' | 'createdAt' | 'updatedAt' | 'tracking' | 'deliveryDate'>;

export type ShipmentCreatedListener = (shipment: SimulatedShipment) => void;
/** Called after every change of a shipment, with the shipment before it. */
export type ShipmentUpdatedListener = (shipment: SimulatedShipment, previous: SimulatedShipment) => void;

const FIRST_ORDER_ID = 310_000_001;
const FIRST_SHIPMENT_ID = 410_000_001;

/**
 * The orders of one simulated ShipBob account, across its channels. Every date it writes is on
 * `now` (the local clock), so days can pass instantly in tests and demos.
 */
export class ShipBobOrders {
  private readonly shipments: SimulatedShipment[] = [];
  private readonly createdListeners = new Set<ShipmentCreatedListener>();
  private readonly updatedListeners = new Set<ShipmentUpdatedListener>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Calls `listener` with every order created from now on; returns a function that stops it. */
  onCreated(listener: ShipmentCreatedListener): () => void {
    this.createdListeners.add(listener);
    return () => this.createdListeners.delete(listener);
  }

  /** Calls `listener` after every change of a shipment (status, tracking, delivery); returns a function that stops it. */
  onUpdated(listener: ShipmentUpdatedListener): () => void {
    this.updatedListeners.add(listener);
    return () => this.updatedListeners.delete(listener);
  }

  create(fields: NewShipment): SimulatedShipment {
    const now = new Date(this.now()).toISOString();
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
    for (const listener of [...this.createdListeners]) listener(structuredClone(shipment));
    return shipment;
  }

  /** reference_id is unique per channel, so this finds at most one. */
  byReference(channelId: number, referenceId: string): SimulatedShipment | undefined {
    return this.shipments.find((shipment) => shipment.channelId === channelId && shipment.referenceId === referenceId);
  }

  find(id: string): SimulatedShipment | undefined {
    return this.shipments.find((shipment) => shipment.id === id);
  }

  /** `at`: when it changed, in ms on the local clock. @default now */
  setStatus(id: string, status: ShipBobShipmentStatus, at = this.now()): SimulatedShipment {
    return this.update(id, { status }, at);
  }

  /** The warehouse handed the shipment to the carrier: `Completed`, with tracking. */
  recordShipped(id: string, tracking: Omit<ShipBobTracking, 'shippingDate'>, at = this.now()): SimulatedShipment {
    const shipment = this.existing(id);
    if (shipment.status === 'Cancelled') throw new Error(`ShipBob order ${id} is cancelled and cannot be shipped`);
    if (shipment.tracking) throw new Error(`ShipBob order ${id} was already shipped with ${shipment.tracking.carrier} ${shipment.tracking.trackingNumber}`);
    return this.update(id, { status: 'Completed', tracking: { ...tracking, shippingDate: new Date(at).toISOString() } }, at);
  }

  /** The carrier delivered the shipment. */
  recordDelivered(id: string, at = this.now()): SimulatedShipment {
    const shipment = this.existing(id);
    if (!shipment.tracking) throw new Error(`ShipBob order ${id} has not been shipped, so it cannot be delivered`);
    if (shipment.deliveryDate) throw new Error(`ShipBob order ${id} was already delivered at ${shipment.deliveryDate}`);
    return this.update(id, { deliveryDate: new Date(at).toISOString() }, at);
  }

  snapshot(): SimulatedShipment[] {
    return this.shipments.map((shipment) => structuredClone(shipment));
  }

  private existing(id: string): SimulatedShipment {
    const shipment = this.find(id);
    if (!shipment) throw new Error(`unknown ShipBob order ${id}`);
    return shipment;
  }

  private update(id: string, change: Partial<Pick<SimulatedShipment, 'status' | 'tracking' | 'deliveryDate'>>, at: number): SimulatedShipment {
    const index = this.shipments.findIndex((shipment) => shipment.id === id);
    if (index === -1) throw new Error(`unknown ShipBob order ${id}`);
    const previous = this.shipments[index]!;
    const updated: SimulatedShipment = { ...previous, ...change, updatedAt: new Date(at).toISOString() };
    this.shipments[index] = updated;
    for (const listener of [...this.updatedListeners]) listener(structuredClone(updated), structuredClone(previous));
    return updated;
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
