import { z } from 'zod';
import { EnvelopeFieldsSchema } from './event-envelope.ts';

/**
 * Inventory events. Stock belongs to a warehouse, not to a brand: several storefronts sell the
 * same SKU from the same shelf. So stock events carry `sku` and `warehouseId` instead of
 * `brand`/`orderId`, and their `version` is the stock item's own version (it rises with every
 * write), which lets a consumer drop an older level that arrives after a newer one.
 */
const StockEnvelopeSchema = z.object({
  occurredAt: z.iso.datetime({ offset: true }),
  correlationId: z.string().min(1),
});

export const STOCK_CHANGE_SOURCES = ['wms-webhook', 'wms-poll', 'reconciliation', 'reservation', 'seed'] as const;
export type StockChangeSource = (typeof STOCK_CHANGE_SOURCES)[number];

/**
 * One SKU × warehouse has new numbers. Storefront stock listens to it; it reads the level again
 * when it pushes, so a burst of changes becomes one push with the newest figure.
 * @example { "occurredAt": "2026-12-02T06:00:00Z", "correlationId": "wms-evt-…", "sku": "KG-SERUM-30ML", "warehouseId": "ID-JKT-01", "onHand": 40, "reserved": 3, "safetyStock": 2, "available": 35, "version": 17, "source": "wms-webhook" }
 */
export const StockLevelChangedSchema = StockEnvelopeSchema.extend({
  sku: z.string().min(1),
  warehouseId: z.string().min(1),
  onHand: z.number().int(),
  reserved: z.number().int().nonnegative(),
  safetyStock: z.number().int().nonnegative(),
  available: z.number().int(),
  version: z.number().int().positive(),
  source: z.enum(STOCK_CHANGE_SOURCES),
});
export type StockLevelChanged = z.infer<typeof StockLevelChangedSchema>;

/**
 * Reconciliation found our on-hand counts for a warehouse differ from the WMS's, and corrected
 * them (reservations untouched). One event per warehouse and run: one drift incident.
 * @example { "occurredAt": "…", "correlationId": "reconcile-…", "warehouseId": "IN-BLR-01", "snapshotAt": "…", "drifts": [{ "sku": "ST-JUTTI-38", "ours": 12, "wms": 9, "delta": -3 }], "totalAbsoluteDelta": 3 }
 */
export const InventoryDriftDetectedSchema = StockEnvelopeSchema.extend({
  warehouseId: z.string().min(1),
  /** When the WMS took the snapshot that was compared. */
  snapshotAt: z.iso.datetime({ offset: true }),
  drifts: z.array(z.object({ sku: z.string().min(1), ours: z.number().int(), wms: z.number().int(), delta: z.number().int() })).min(1),
  totalAbsoluteDelta: z.number().int().positive(),
});
export type InventoryDriftDetected = z.infer<typeof InventoryDriftDetectedSchema>;

const ReservedLineSchema = z.object({ sku: z.string().min(1), warehouseId: z.string().min(1), quantity: z.number().int().positive() });

export const SubstitutionSchema = z.object({
  originalSku: z.string().min(1),
  substituteSku: z.string().min(1),
  quantity: z.number().int().positive(),
  /** What the customer is told, in the brand's words. */
  reason: z.string().min(1),
});
export type SubstitutionMade = z.infer<typeof SubstitutionSchema>;

const ModeSchema = z.enum(['shadow', 'live']);

/**
 * Every line of the order is held (all or nothing), at the warehouses routing chose. In `shadow`
 * mode nothing was written: the event says what would have been held.
 * @example { "brand": "kopi-glow", "orderId": "5801…", "occurredAt": "…", "version": 1, "correlationId": "…", "mode": "live", "warehouseIds": ["ID-JKT-01"], "lines": [{ "sku": "KG-SERUM-30ML", "warehouseId": "ID-JKT-01", "quantity": 1 }], "substitutions": [] }
 */
export const InventoryReservedSchema = EnvelopeFieldsSchema.extend({
  mode: ModeSchema,
  /** One per shipment: routing may split an order that no single warehouse can fill. */
  warehouseIds: z.array(z.string().min(1)).min(1),
  lines: z.array(ReservedLineSchema).min(1),
  substitutions: z.array(SubstitutionSchema),
});
export type InventoryReserved = z.infer<typeof InventoryReservedSchema>;

/**
 * The brand's warehouses cannot fill the order, together or alone, even with approved
 * substitutes. `short` lists, per SKU, what was asked and what all of them hold.
 */
export const InventoryShortfallSchema = EnvelopeFieldsSchema.extend({
  mode: ModeSchema,
  short: z.array(z.object({ sku: z.string().min(1), requested: z.number().int().positive(), bestAvailable: z.number().int() })).min(1),
});
export type InventoryShortfall = z.infer<typeof InventoryShortfallSchema>;

export const RELEASE_REASONS = ['cancelled', 'expired', 'not_accepted'] as const;

/** Held units went back to available stock. */
export const InventoryReleasedSchema = EnvelopeFieldsSchema.extend({
  reason: z.enum(RELEASE_REASONS),
  lines: z.array(ReservedLineSchema).min(1),
});
export type InventoryReleased = z.infer<typeof InventoryReleasedSchema>;

/**
 * A short line was filled with an approved equivalent. The notification service tells the
 * customer before dispatch.
 */
export const ItemSubstitutedSchema = EnvelopeFieldsSchema.extend({
  mode: ModeSchema,
  substitution: SubstitutionSchema,
});
export type ItemSubstituted = z.infer<typeof ItemSubstitutedSchema>;

const RoutedShipmentSchema = z.object({
  warehouseId: z.string().min(1),
  lines: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive() })).min(1),
  /** Local date at the warehouse by which the parcel should arrive, YYYY-MM-DD. */
  promisedDeliveryDate: z.iso.date(),
  etaDays: z.number().int().nonnegative(),
  costMinor: z.number().int().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/),
  zone: z.string().min(1),
});

/**
 * Where the order ships from and why: one warehouse, or the split with the fewest shipments,
 * chosen by cost, speed, stock health and RTO risk with the brand's weights.
 * @example { "brand": "saffron-threads", "orderId": "…", "occurredAt": "…", "version": 1, "correlationId": "…", "mode": "live", "kind": "single", "shipments": [{ "warehouseId": "IN-BLR-01", "lines": [{ "sku": "ST-KURTA-IND-M", "quantity": 1 }], "promisedDeliveryDate": "2026-12-04", "etaDays": 2, "costMinor": 15200, "currency": "INR", "zone": "within-state" }], "reasons": ["IN-BLR-01: ₹105 shipping …"] }
 */
export const FulfillmentRoutedSchema = EnvelopeFieldsSchema.extend({
  mode: ModeSchema,
  kind: z.enum(['single', 'split']),
  shipments: z.array(RoutedShipmentSchema).min(1),
  reasons: z.array(z.string()),
});
export type FulfillmentRouted = z.infer<typeof FulfillmentRoutedSchema>;
