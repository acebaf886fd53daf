import { HttpHarness, type FaultKind, type FaultMatch, type HarnessOptions, type RecordedRequest } from '../erp/http-harness.ts';
import { ShipBobOrders, type ShipBobShipmentStatus, type SimulatedShipment } from './shipbob-orders.ts';
import { shipBobDialect } from './shipbob-routes.ts';

export type ShipBobSimulatorOptions = HarnessOptions;

/**
 * A local ShipBob, Orders API 2.0 (see shipbob-routes.ts), over real HTTP: bearer auth, the
 * `shipbob_channel_id` header, `reference_id` unique per channel, problem-details errors,
 * latency, a rate limit and injected faults. A separate server from the stock WMS simulator
 * (local/simulators/wms): this one takes orders to ship.
 */
export class ShipBobSimulator {
  private constructor(
    private readonly harness: HttpHarness,
    private readonly orders: ShipBobOrders,
  ) {}

  static async start(options: ShipBobSimulatorOptions): Promise<ShipBobSimulator> {
    const orders = new ShipBobOrders();
    return new ShipBobSimulator(await HttpHarness.start(options, shipBobDialect({ orders })), orders);
  }

  /** The base URL to give the adapter (it appends `/2.0/…`). */
  get url(): string {
    return this.harness.url;
  }

  /** Every request received, oldest first. */
  get requests(): readonly RecordedRequest[] {
    return this.harness.requests;
  }

  /** The next `count` requests (matching `match`, if given) fail as `kind`; see {@link FaultKind}. */
  failNext(count: number, kind: FaultKind, match?: FaultMatch): void {
    this.harness.failNext(count, kind, match);
  }

  /** Every order created, oldest first, with its shipment's status. */
  shipments(): SimulatedShipment[] {
    return this.orders.snapshot();
  }

  /** Moves a shipment along its lifecycle, as the warehouse would; `shipmentId` is the id the adapter returned. */
  advance(shipmentId: string, status: ShipBobShipmentStatus): SimulatedShipment {
    return this.orders.setStatus(shipmentId, status);
  }

  stop(): Promise<void> {
    return this.harness.stop();
  }
}
