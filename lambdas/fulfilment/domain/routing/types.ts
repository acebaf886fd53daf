import type { WarehouseConfig } from '../../../../lib/config/warehouses.ts';
import type { PaymentMethod } from '../../../shared/canonical-order.ts';
import type { PostalLocation } from '../../../shared/postal/geo.ts';
import type { RateCard, Zone } from './rate-card.ts';

/**
 * What routing reads and what it decides. Every input is resolved by the caller (postal lookup,
 * stock levels, RTO model, brand config), so routing itself is arithmetic on plain values.
 */

/** A located place: the fields of the postal module's `PostalLocation` that routing uses. */
export type Place = Pick<PostalLocation, 'country' | 'postalCode' | 'latitude' | 'longitude' | 'state' | 'district'>;

export interface OrderedLine {
  readonly sku: string;
  readonly quantity: number;
}

/** One SKU at one warehouse. `available` is already net of reservations and safety stock. */
export interface StockLevel {
  readonly available: number;
  readonly safetyStock: number;
  readonly onHand: number;
}

export type RoutingWarehouse = Pick<WarehouseConfig, 'id' | 'country' | 'dispatchCutoff' | 'cost'>;

export interface WarehouseCandidate {
  readonly warehouse: RoutingWarehouse;
  readonly location: Place;
  /** SKU → level; a SKU not listed is not stocked there. */
  readonly stock: Readonly<Record<string, StockLevel>>;
  /** SKU → recent units sold per day; missing SKUs use DEFAULT_DAILY_VELOCITY. */
  readonly dailyVelocity?: Readonly<Record<string, number>>;
}

/** Relative importance of each factor; any non-negative numbers, normalised to sum 1. */
export interface RoutingWeights {
  readonly cost: number;
  readonly speed: number;
  readonly stockHealth: number;
  readonly rtoRisk: number;
}

export interface RoutingRequest {
  readonly lines: readonly OrderedLine[];
  readonly destination: Place;
  readonly paymentMethod: PaymentMethod;
  readonly orderedAt: Date;
  readonly candidates: readonly WarehouseCandidate[];
  /** Probability (0–1) that a parcel to the destination comes back, per payment method. */
  readonly rtoRisk: Readonly<Record<PaymentMethod, number>>;
  readonly weights: RoutingWeights;
  readonly rateCard: RateCard;
  /** Shipping weight of one unit of a SKU. */
  readonly weightGrams: (sku: string) => number;
}

export interface Scores {
  readonly cost: number;
  readonly speed: number;
  readonly stockHealth: number;
  readonly rtoRisk: number;
  readonly total: number;
}

export interface PlannedShipment {
  readonly warehouseId: string;
  readonly lines: readonly OrderedLine[];
  /** Carrier price (freight and any COD fee) plus the warehouse's pick-and-pack charge. */
  readonly costMinor: number;
  readonly shippingMinor: number;
  readonly handlingMinor: number;
  readonly currency: RateCard['currency'];
  readonly etaDays: number;
  /** Local date at the warehouse the parcel should reach the customer by, YYYY-MM-DD. */
  readonly promisedDeliveryDate: string;
  readonly zone: Zone;
  readonly weightGrams: number;
  /** Days the thinnest SKU in the parcel lasts at this warehouse after the order. */
  readonly coverDays: number;
  /**
   * The scores of the option this shipment belongs to: a split is chosen as a set, so its
   * shipments share them.
   */
  readonly scores: Scores;
}

export interface Shortfall {
  readonly sku: string;
  readonly requested: number;
  /** Units available across every candidate warehouse. */
  readonly available: number;
}

export interface RoutingDecision {
  readonly kind: 'single' | 'split' | 'unfillable';
  readonly shipments: readonly PlannedShipment[];
  readonly reasons: readonly string[];
  /** The next best options of the same size, best first. */
  readonly alternatives: readonly { readonly warehouseIds: readonly string[]; readonly total: number }[];
  /** Only when unfillable: what no combination of warehouses can cover. */
  readonly short: readonly Shortfall[];
}
