import { z } from 'zod';
import type { FulfilmentOperation } from '../domain/errors.ts';
import type { ShipmentInput, WmsShipmentPort } from '../domain/ports.ts';
import { FulfilmentHttp, jsonOrUndefined, type HttpAnswer, type SystemErrorDetail } from './fulfilment-http.ts';

export interface ShipBobWmsOptions {
  /** Up to, not including, `/2.0`: `https://api.shipbob.com` or `https://sandbox-api.shipbob.com`. */
  readonly baseUrl: string;
  /** A personal access token or OAuth2 token, asked before every call. */
  readonly accessToken: () => Promise<string>;
  /** The channel with write scope that our orders belong to (`GET /2.0/channel`). */
  readonly channelId: string;
  /** ShipBob's fulfillment-center location id for each of our warehouse ids. */
  readonly locationIds: Readonly<Record<string, number>>;
  /** Per call, including reading the body. @default 8000 */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/** Mapped to a ship option in the merchant's ShipBob settings. */
const SHIPPING_METHOD = 'Standard';
const CHANNEL_HEADER = 'shipbob_channel_id';

const OrderSchema = z.object({ id: z.number().int().positive(), reference_id: z.string(), status: z.string() });
const OrderListSchema = z.array(OrderSchema);
const CancelAnswerSchema = z.object({ order: z.object({ status: z.string() }) });
/** ASP.NET problem details, as ShipBob writes most errors; `errors` maps a field to its messages. */
const ProblemSchema = z.object({
  title: z.string().optional(),
  detail: z.string().optional(),
  message: z.string().optional(),
  errors: z.record(z.string(), z.array(z.string())).optional(),
});
/** A bare model-state dictionary, the other shape ShipBob validation errors come in. */
const ModelStateSchema = z.record(z.string(), z.array(z.string()));

/**
 * The WMS shipment port on ShipBob's Orders API 2.0. Our idempotency key is the order's
 * `reference_id`, which ShipBob keeps unique per channel: a repeated create answers 422 naming
 * it, and we then fetch the order that exists. The port's `shipmentId` is ShipBob's order id,
 * which is what ShipBob cancels and reports on; each ShipBob order here holds one warehouse's lines.
 */
export class ShipBobWms implements WmsShipmentPort {
  private readonly http: FulfilmentHttp;
  private readonly channel: Record<string, string>;

  constructor(private readonly options: ShipBobWmsOptions) {
    this.http = new FulfilmentHttp({
      system: 'wms',
      label: 'ShipBob',
      baseUrl: options.baseUrl,
      accessToken: options.accessToken,
      timeoutMs: options.timeoutMs ?? 8000,
      fetch: options.fetch ?? globalThis.fetch,
    });
    this.channel = { [CHANNEL_HEADER]: options.channelId };
  }

  async createShipment(input: ShipmentInput, idempotencyKey: string): Promise<{ shipmentId: string; created: boolean }> {
    const operation = 'createShipment';
    const locationId = this.options.locationIds[input.warehouseId];
    if (locationId === undefined) throw this.http.refuse(operation, 'configuration', `warehouse ${input.warehouseId} has no ShipBob location id`);
    const answer = await this.http.send(operation, 'POST', '/2.0/order', { headers: this.channel, json: orderBody(input, idempotencyKey, locationId) });
    if (answer.status === 201 || answer.status === 200) return { shipmentId: String(this.http.parse(operation, answer, OrderSchema).id), created: true };
    const detail = shipBobError(answer.text);
    if (answer.status === 422 && namesReference(detail, idempotencyKey)) {
      const existing = await this.findByReference(operation, idempotencyKey);
      if (existing?.status === 'Cancelled') {
        // reference_id is immutable: the key cannot be reused, so a new attempt needs a new key.
        throw this.http.refuse(operation, 'rejected', `order ${existing.id} with reference_id ${idempotencyKey} was cancelled; a new shipment needs a new key`);
      }
      if (existing !== undefined) return { shipmentId: String(existing.id), created: false };
    }
    throw this.http.failure(operation, answer, detail);
  }

  /**
   * Cancels the order and its shipment. An order already cancelled answers 422 "already
   * cancelled", which counts as done. A 404 stays an error: ShipBob keeps cancelled orders, so an
   * id it does not know was never ours (wrong channel or environment) and needs a person.
   */
  async cancelShipment(shipmentId: string, _idempotencyKey: string): Promise<{ cancelled: boolean }> {
    const operation = 'cancelShipment';
    if (!/^\d{1,18}$/.test(shipmentId)) throw this.http.refuse(operation, 'validation', `${shipmentId} is not a ShipBob order id`);
    const answer = await this.http.send(operation, 'POST', `/2.0/order/${shipmentId}/cancel`, { headers: this.channel });
    // 200 with the order still open means the warehouse refused: the shipment is labelled or gone.
    if (answer.status === 200) return { cancelled: this.http.parse(operation, answer, CancelAnswerSchema).order.status === 'Cancelled' };
    const detail = shipBobError(answer.text);
    if (answer.status === 422 && /already\s+cancel+ed/i.test(detail.message ?? '')) return { cancelled: true };
    throw this.http.failure(operation, answer, detail);
  }

  async findShipment(idempotencyKey: string): Promise<{ shipmentId: string } | undefined> {
    const found = await this.findByReference('cancelShipment', idempotencyKey);
    return found === undefined ? undefined : { shipmentId: String(found.id) };
  }

  private async findByReference(operation: FulfilmentOperation, referenceId: string): Promise<z.infer<typeof OrderSchema> | undefined> {
    const answer: HttpAnswer = await this.http.send(operation, 'GET', `/2.0/order?ReferenceIds=${encodeURIComponent(referenceId)}`, { headers: this.channel });
    if (answer.status !== 200) throw this.http.failure(operation, answer, shipBobError(answer.text));
    return this.http.parse(operation, answer, OrderListSchema).find((order) => order.reference_id === referenceId);
  }
}

function orderBody(input: ShipmentInput, referenceId: string, locationId: number) {
  const { recipient } = input;
  return {
    reference_id: referenceId,
    order_number: input.orderNumber,
    purchase_date: input.orderedAt,
    shipping_method: SHIPPING_METHOD,
    location_id: locationId,
    recipient: {
      name: recipient.name,
      address: {
        address1: recipient.line1,
        ...(recipient.line2 === undefined ? {} : { address2: recipient.line2 }),
        city: recipient.city,
        ...(recipient.province === undefined ? {} : { state: recipient.province }),
        country: recipient.country,
        zip_code: recipient.postalCode,
      },
      ...(recipient.email === undefined ? {} : { email: recipient.email }),
      ...(recipient.phone === undefined ? {} : { phone_number: recipient.phone }),
    },
    // Products are matched by reference_id (our SKU); the name lets ShipBob create one it lacks.
    products: input.lines.map((line) => ({ reference_id: line.sku, quantity: line.quantity, ...(line.name === undefined ? {} : { name: line.name }) })),
  };
}

function namesReference(detail: SystemErrorDetail, referenceId: string): boolean {
  return (detail.message?.includes(referenceId) ?? false) || /^reference_?id$/i.test(detail.field ?? '');
}

/** The first field error of a problem-details or model-state body, else its detail or title. */
function shipBobError(text: string): SystemErrorDetail {
  const body = jsonOrUndefined(text);
  if (Array.isArray(body) && body.every((item) => typeof item === 'string')) return { message: body.join(' ') };
  const problem = ProblemSchema.safeParse(body);
  if (problem.success) {
    const fieldError = firstFieldError(problem.data.errors ?? {});
    if (fieldError !== undefined) return fieldError;
    const message = problem.data.detail ?? problem.data.message ?? problem.data.title;
    if (message !== undefined) return { message };
  }
  const modelState = ModelStateSchema.safeParse(body);
  return (modelState.success && firstFieldError(modelState.data)) || {};
}

function firstFieldError(errors: Record<string, string[]>): SystemErrorDetail | undefined {
  const entry = Object.entries(errors).find(([, messages]) => messages.length > 0);
  return entry === undefined ? undefined : { field: entry[0], message: entry[1].join(' ') };
}
