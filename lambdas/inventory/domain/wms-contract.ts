import { z } from 'zod';

/**
 * The stock contract we ask every warehouse management system (WMS) to speak, directly or through
 * an adapter. It is our own, modelled on 3PL inventory APIs such as ShipBob's
 * inventory-by-location, so one client, one webhook handler and one local simulator serve all
 * warehouses.
 *
 * Authentication: every API call carries `Authorization: Bearer <apiToken>`; a missing or wrong
 * token answers 401 `{ "error": "unauthorized" }`.
 *
 * Sequence: each warehouse has one monotonically increasing counter. Every stock change of any
 * SKU in the warehouse takes the next value and stamps it on that SKU's item, so a receiver can
 * drop a count older than the one it holds, however late or out of order it arrives.
 *
 * `GET {base}/v1/warehouses/{warehouseId}/stock?page_size=N&page_token=T`
 *   (page_size default 500, max 1000) → 200 {@link WmsStockPage}: a full snapshot sorted by SKU;
 *   follow `next_page_token` until it is null. Unknown warehouse → 404
 *   `{ "error": "unknown_warehouse" }`; bad page_size or page_token → 400.
 *
 * `GET {base}/v1/warehouses/{warehouseId}/stock/changes?after_sequence=S&limit=N`
 *   (limit default 500, max 1000) → 200 {@link WmsStockChanges}: only SKUs whose sequence > S,
 *   ordered by sequence ascending, at most `limit`; `last_sequence` is the highest sequence
 *   returned, or S when none; `has_more` says another call would return more. This is what the
 *   1-minute poll uses for warehouses without webhooks.
 *
 * Webhooks (warehouses configured with them): `POST <subscriberUrl>` with a
 * {@link WmsStockWebhook} body and the headers `Content-Type: application/json`,
 * `X-WMS-Event-Id: <event_id>` and `X-WMS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>" keyed with the webhook secret>` (see wms-signature.ts). A 2xx answer is
 * delivery; anything else is retried with backoff under the same event_id, so receivers
 * deduplicate by it.
 *
 * Outages answer 503 `{ "error": "unavailable" }`, usually with `Retry-After` in seconds.
 *
 * Objects are parsed leniently (unknown keys are dropped), so a WMS that adds fields does not
 * break us; the fields we rely on are checked strictly.
 */

export const WMS_DEFAULT_PAGE_SIZE = 500;
export const WMS_MAX_PAGE_SIZE = 1000;
export const WMS_STOCK_EVENT_TYPE = 'stock.level_changed';

/** Header names in lower case, as node:http and fetch's Headers present them. */
export const WMS_EVENT_ID_HEADER = 'x-wms-event-id';
export const WMS_SIGNATURE_HEADER = 'x-wms-signature';

// WMSs in other time zones may write their local offset rather than Z.
const IsoTimestampSchema = z.iso.datetime({ offset: true });
const WarehouseIdSchema = z.string().min(1);
const SequenceSchema = z.number().int().nonnegative();

/** One SKU's on-hand count in one warehouse, stamped with the warehouse sequence of its last change. */
export const WmsStockItemSchema = z.object({
  sku: z.string().min(1),
  on_hand: z.number().int().nonnegative(),
  sequence: SequenceSchema,
  updated_at: IsoTimestampSchema,
});

/** One page of a warehouse's full snapshot. */
export const WmsStockPageSchema = z.object({
  warehouse_id: WarehouseIdSchema,
  as_of: IsoTimestampSchema,
  items: z.array(WmsStockItemSchema),
  next_page_token: z.string().min(1).nullable(),
});

/** The SKUs changed after a given sequence. */
export const WmsStockChangesSchema = z.object({
  warehouse_id: WarehouseIdSchema,
  items: z.array(WmsStockItemSchema),
  last_sequence: SequenceSchema,
  has_more: z.boolean(),
});

/** The body of a `stock.level_changed` webhook; one event may carry several SKUs changed together. */
export const WmsStockWebhookSchema = z.object({
  event_id: z.uuid(),
  type: z.literal(WMS_STOCK_EVENT_TYPE),
  warehouse_id: WarehouseIdSchema,
  occurred_at: IsoTimestampSchema,
  items: z.array(WmsStockItemSchema).min(1),
});

/** The body of every error answer: a machine-readable code such as `unknown_warehouse`. */
export const WmsErrorBodySchema = z.object({ error: z.string() });

export type WmsStockItem = z.infer<typeof WmsStockItemSchema>;
export type WmsStockPage = z.infer<typeof WmsStockPageSchema>;
export type WmsStockChanges = z.infer<typeof WmsStockChangesSchema>;
export type WmsStockWebhook = z.infer<typeof WmsStockWebhookSchema>;
export type WmsErrorBody = z.infer<typeof WmsErrorBodySchema>;
