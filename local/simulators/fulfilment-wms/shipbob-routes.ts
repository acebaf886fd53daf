import { randomUUID } from 'node:crypto';
import { jsonObject, type ApiDialect, type ApiReply, type ApiRequest } from '../erp/http-harness.ts';
import { orderStatusOf, UNCANCELLABLE, type ShipBobProduct, type ShipBobRecipient, type ShipBobOrders, type SimulatedShipment } from './shipbob-orders.ts';

/**
 * The slice of ShipBob's Orders API 2.0 the WMS adapter uses, with ShipBob's checks. Every call
 * needs `Authorization: Bearer …` and a `shipbob_channel_id` header; orders belong to a channel
 * and `reference_id` is unique within it.
 *
 * - `POST /2.0/order` → 201 with the order; a repeated reference_id → 422 naming it
 * - `GET  /2.0/order?ReferenceIds=a,b` → 200 with the channel's matching orders
 * - `GET  /2.0/order/{id}` → 200 or 404
 * - `POST /2.0/order/{id}/cancel` → 200 `{ order, canceled_shipment_results }`; already
 *   cancelled → 422; a labelled or shipped shipment → 200 with `is_success: false`
 *
 * Errors are ASP.NET problem details, `{ title, status, detail?, errors?: { field: [messages] } }`.
 */
export interface ShipBobContext {
  readonly orders: ShipBobOrders;
}

const ORDER_ROUTE = /^\/2\.0\/order(?:\/(\d+)(\/cancel)?)?$/;
const CHANNEL_HEADER = 'shipbob_channel_id';
const VALIDATION_TITLE = 'One or more validation errors occurred.';
/** ShipBob uses the US spelling in its API (`canceled_shipment_results`) and "Cancelled" in statuses. */
const CANCEL_ACTION = 'Cancel';

const problem = (status: number, title: string, extra: Record<string, unknown> = {}, headers?: Record<string, string>): ApiReply => ({
  status,
  body: { type: `https://httpstatuses.io/${status}`, title, status, traceId: randomUUID(), ...extra },
  headers,
});
const invalid = (errors: Record<string, string[]>, status = 400) => problem(status, status === 422 ? 'Unprocessable Entity' : VALIDATION_TITLE, { errors });

/**
 * An order as `GET /2.0/order/{id}` answers it, and as ShipBob's order webhooks carry it. Once
 * shipped, `shipments[0]` has `tracking`; once delivered, `delivery_date`.
 */
export function orderView(shipment: SimulatedShipment) {
  return {
    id: Number(shipment.id),
    created_date: shipment.createdAt,
    purchase_date: shipment.purchaseDate,
    reference_id: shipment.referenceId,
    order_number: shipment.orderNumber ?? shipment.referenceId,
    status: orderStatusOf(shipment.status),
    type: 'DTC',
    channel: { id: shipment.channelId, name: `Channel ${shipment.channelId}` },
    shipping_method: shipment.shippingMethod,
    recipient: shipment.recipient,
    products: shipment.products.map((product) => ({ reference_id: product.referenceId, sku: product.referenceId, quantity: product.quantity, name: product.name ?? null })),
    shipments: [
      {
        id: shipment.shipBobShipmentId,
        order_id: Number(shipment.id),
        reference_id: shipment.referenceId,
        status: shipment.status,
        location: shipment.locationId === null ? null : { id: shipment.locationId, name: `Fulfillment center ${shipment.locationId}` },
        created_date: shipment.createdAt,
        last_update_at: shipment.updatedAt,
        ...(shipment.tracking
          ? {
              tracking: {
                carrier: shipment.tracking.carrier,
                ...(shipment.tracking.carrierService === undefined ? {} : { carrier_service: shipment.tracking.carrierService }),
                tracking_number: shipment.tracking.trackingNumber,
                tracking_url: shipment.tracking.trackingUrl,
                shipping_date: shipment.tracking.shippingDate,
              },
            }
          : {}),
        ...(shipment.deliveryDate === undefined ? {} : { delivery_date: shipment.deliveryDate }),
      },
    ],
  };
}

const text = (value: unknown, max: number): value is string => typeof value === 'string' && value.trim() !== '' && value.length <= max;
const optionalText = (value: unknown, max: number) => value === undefined || value === null || (typeof value === 'string' && value.length <= max);

function readRecipient(value: unknown, errors: Record<string, string[]>): ShipBobRecipient | undefined {
  const recipient = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  if (!recipient) {
    errors.recipient = ['The recipient field is required.'];
    return undefined;
  }
  const address = typeof recipient.address === 'object' && recipient.address !== null ? (recipient.address as Record<string, unknown>) : {};
  if (!text(recipient.name, 300)) errors['recipient.name'] = ['The name field is required.'];
  if (!text(address.address1, 500)) errors['recipient.address.address1'] = ['The address1 field is required.'];
  if (!text(address.city, 100)) errors['recipient.address.city'] = ['The city field is required.'];
  if (typeof address.country !== 'string' || !/^[A-Z]{2}$/.test(address.country)) errors['recipient.address.country'] = ['The country field is required and must be an ISO 3166-1 alpha-2 code.'];
  for (const field of ['address2', 'state', 'zip_code'] as const) {
    if (!optionalText(address[field], 100)) errors[`recipient.address.${field}`] = [`The ${field} field must be a string of at most 100 characters.`];
  }
  for (const field of ['email', 'phone_number'] as const) {
    if (!optionalText(recipient[field], 100)) errors[`recipient.${field}`] = [`The ${field} field must be a string of at most 100 characters.`];
  }
  return structuredClone(recipient) as unknown as ShipBobRecipient;
}

function readProducts(value: unknown, errors: Record<string, string[]>): ShipBobProduct[] {
  if (!Array.isArray(value) || value.length === 0) {
    errors.products = ['The order must contain at least one product.'];
    return [];
  }
  return value.map((item: unknown, index) => {
    const product = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
    if (!text(product.reference_id, 400)) errors[`products[${index}].reference_id`] = ['The reference_id field is required.'];
    if (typeof product.quantity !== 'number' || !Number.isInteger(product.quantity) || product.quantity < 1) errors[`products[${index}].quantity`] = ['The quantity must be a whole number of at least 1.'];
    return { referenceId: String(product.reference_id), quantity: Number(product.quantity), ...(typeof product.name === 'string' ? { name: product.name } : {}) };
  });
}

function createOrder(context: ShipBobContext, channelId: number, rawBody: string): ApiReply {
  const body = jsonObject(rawBody);
  if (!body) return invalid({ $: ['The request body must be a JSON object.'] });
  const errors: Record<string, string[]> = {};
  if (!text(body.reference_id, 300)) errors.reference_id = ['The reference_id field is required and must be 1 to 300 characters.'];
  if (!text(body.shipping_method, 100)) errors.shipping_method = ['The shipping_method field is required.'];
  if (!optionalText(body.order_number, 400)) errors.order_number = ['The order_number field must be at most 400 characters.'];
  const locationId = body.location_id ?? null;
  if (locationId !== null && (typeof locationId !== 'number' || !Number.isInteger(locationId))) errors.location_id = ['The location_id field must be an integer.'];
  const recipient = readRecipient(body.recipient, errors);
  const products = readProducts(body.products, errors);
  if (Object.keys(errors).length > 0 || !recipient) return invalid(errors);
  const referenceId = body.reference_id as string;
  if (context.orders.byReference(channelId, referenceId)) {
    return invalid({ reference_id: [`An order with reference_id '${referenceId}' already exists in channel ${channelId}.`] }, 422);
  }
  const shipment = context.orders.create({
    channelId,
    referenceId,
    orderNumber: typeof body.order_number === 'string' ? body.order_number : null,
    purchaseDate: typeof body.purchase_date === 'string' ? body.purchase_date : null,
    locationId: locationId as number | null,
    shippingMethod: body.shipping_method as string,
    recipient,
    products,
  });
  return { status: 201, body: orderView(shipment) };
}

function ordersByReference(context: ShipBobContext, channelId: number, url: URL): ApiReply {
  const references = url.searchParams.getAll('ReferenceIds').flatMap((value) => value.split(','));
  const found = references.map((reference) => context.orders.byReference(channelId, reference)).filter((shipment) => shipment !== undefined);
  return { status: 200, body: found.map(orderView) };
}

function cancelOrder(context: ShipBobContext, shipment: SimulatedShipment): ApiReply {
  if (shipment.status === 'Cancelled') return problem(422, 'Unprocessable Entity', { detail: `Order ${shipment.id} is already cancelled.` });
  if (UNCANCELLABLE.includes(shipment.status)) {
    const reason = `Shipment ${shipment.shipBobShipmentId} is ${shipment.status} and can no longer be cancelled.`;
    return { status: 200, body: { order: orderView(shipment), canceled_shipment_results: [{ action: CANCEL_ACTION, is_success: false, reason, shipment_id: shipment.shipBobShipmentId }] } };
  }
  const cancelled = context.orders.setStatus(shipment.id, 'Cancelled');
  return { status: 200, body: { order: orderView(cancelled), canceled_shipment_results: [{ action: CANCEL_ACTION, is_success: true, reason: null, shipment_id: shipment.shipBobShipmentId }] } };
}

function channelOf(request: ApiRequest): number | undefined {
  const header = request.headers[CHANNEL_HEADER];
  return typeof header === 'string' && /^\d{1,9}$/.test(header.trim()) && Number(header) > 0 ? Number(header) : undefined;
}

function route(context: ShipBobContext, request: ApiRequest): ApiReply {
  const match = ORDER_ROUTE.exec(request.url.pathname);
  if (!match) return problem(404, 'Not Found');
  const channelId = channelOf(request);
  if (channelId === undefined) return invalid({ [CHANNEL_HEADER]: ['The shipbob_channel_id header is required and must be a channel id.'] });
  const [, orderId, cancel] = match;
  const { method } = request;
  if (orderId === undefined) {
    if (method === 'POST') return createOrder(context, channelId, request.body);
    if (method === 'GET') return ordersByReference(context, channelId, request.url);
    return problem(405, 'Method Not Allowed');
  }
  const shipment = context.orders.find(orderId);
  // Another channel's order is as invisible as one that does not exist.
  if (!shipment || shipment.channelId !== channelId) return problem(404, 'Not Found', { detail: `Order ${orderId} was not found.` });
  if (cancel && method === 'POST') return cancelOrder(context, shipment);
  if (!cancel && method === 'GET') return { status: 200, body: orderView(shipment) };
  return problem(405, 'Method Not Allowed');
}

/** How ShipBob would refuse a valid-looking request: an address it cannot ship to. */
function validationError(request: ApiRequest): ApiReply {
  const body = jsonObject(request.body) ?? {};
  const recipient = (body.recipient ?? {}) as { address?: { zip_code?: unknown; country?: unknown } };
  const zip = String(recipient.address?.zip_code ?? '');
  const country = String(recipient.address?.country ?? '');
  return invalid({ 'recipient.address.zip_code': [`The zip_code '${zip}' is not a valid postal code for country ${country}.`] });
}

export function shipBobDialect(context: ShipBobContext): ApiDialect {
  return {
    route: (request) => route(context, request),
    unauthorized: () => problem(401, 'Unauthorized', {}, { 'www-authenticate': 'Bearer' }),
    tooManyRequests: (retryAfterSeconds) => ({
      status: 429,
      body: { statusCode: 429, message: `Rate limit is exceeded. Try again in ${retryAfterSeconds} seconds.` },
      headers: { 'retry-after': String(retryAfterSeconds), 'x-retry-after': String(retryAfterSeconds), 'x-remaining-calls': '0' },
    }),
    serverError: () => problem(500, 'An error occurred while processing your request.'),
    validationError,
  };
}
