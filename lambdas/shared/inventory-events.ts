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
 * Every line of the order is held at one warehouse (all or nothing). In `shadow` mode nothing was
 * written: the event says what would have been held.
 * @example { "brand": "kopi-glow", "orderId": "5801…", "occurredAt": "…", "version": 1, "correlationId": "…", "mode": "live", "warehouseId": "ID-JKT-01", "lines": [{ "sku": "KG-SERUM-30ML", "warehouseId": "ID-JKT-01", "quantity": 1 }], "substitutions": [] }
 */
export const InventoryReservedSchema = EnvelopeFieldsSchema.extend({
  mode: ModeSchema,
  warehouseId: z.string().min(1),
  lines: z.array(ReservedLineSchema).min(1),
  substitutions: z.array(SubstitutionSchema),
});
export type InventoryReserved = z.infer<typeof InventoryReservedSchema>;

/**
 * No warehouse the brand ships from can fill the whole order, even with approved substitutes.
 * `short` lists, per SKU, what was asked and the most any one warehouse could give.
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
  warehouseId: z.string().min(1),
  substitution: SubstitutionSchema,
});
export type ItemSubstituted = z.infer<typeof ItemSubstitutedSchema>;
