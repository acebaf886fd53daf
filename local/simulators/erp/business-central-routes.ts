import { randomUUID } from 'node:crypto';
import { jsonObject, type ApiDialect, type ApiReply, type ApiRequest } from './http-harness.ts';
import { etagOf, type SalesOrderBook, type SalesOrderTextField, type SimulatedSalesOrder, type SimulatedSalesOrderLine } from './sales-order-book.ts';

/**
 * The slice of Business Central API v2.0 the ERP adapter uses, with Business Central's checks
 * and OData error bodies `{ "error": { "code", "message" } }`:
 *
 * - `GET    …/api/v2.0/companies({id})/salesOrders[?$filter=externalDocumentNumber eq '…']`
 * - `POST   …/api/v2.0/companies({id})/salesOrders` → 201 with the order
 * - `GET    …/api/v2.0/companies({id})/salesOrders({id})`
 * - `DELETE …/api/v2.0/companies({id})/salesOrders({id})` with `If-Match` (`*` or the eTag) → 204
 * - `GET | POST …/api/v2.0/companies({id})/salesOrders({id})/salesOrderLines`
 *
 * Code fields (external document no., customer no., item no., …) are stored in upper case and
 * text fields are refused beyond their length, as Business Central does. Properties outside the
 * simulated subset are refused as unknown.
 */
export interface BusinessCentralContext {
  readonly book: SalesOrderBook;
  readonly companyId: string;
  /** When given, only these customer numbers exist. */
  readonly customers?: ReadonlySet<string>;
  /** The company's local currency, which has no currency record: documents in it leave the code blank. */
  readonly localCurrencyCode?: string;
}

interface FieldRule {
  readonly max: number;
  /** Code fields are upper-cased on write. */
  readonly code?: boolean;
}

const HEADER_RULES: Record<SalesOrderTextField, FieldRule> = {
  externalDocumentNumber: { max: 35, code: true },
  customerNumber: { max: 20, code: true },
  currencyCode: { max: 10, code: true },
  shipToName: { max: 100 },
  shipToAddressLine1: { max: 100 },
  shipToAddressLine2: { max: 50 },
  shipToCity: { max: 30 },
  shipToState: { max: 30 },
  shipToPostCode: { max: 20, code: true },
  shipToCountry: { max: 10, code: true },
  phoneNumber: { max: 30 },
  email: { max: 80 },
};
const LINE_TYPES = ['Comment', 'Account', 'Item', 'Resource', 'Fixed Asset', 'Charge'];
/** How Business Central names the line amounts in its messages. */
const CAPTIONS: Record<string, string> = { quantity: 'Quantity', unitPrice: 'Unit Price', discountAmount: 'Line Discount Amount' };
const LINE_PROPERTIES = new Set(['lineType', 'lineObjectNumber', 'description', 'quantity', 'unitPrice', 'discountAmount']);
const ROUTE = /\/api\/v2\.0\/companies\(([^)]+)\)\/salesOrders(?:\(([^)]+)\))?(\/salesOrderLines)?$/;
const FILTER = /^externalDocumentNumber eq '((?:[^']|'')*)'$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Business Central appends a correlation id to every error message. */
export function odataError(status: number, code: string, message: string, headers?: Record<string, string>): ApiReply {
  return { status, body: { error: { code, message: `${message}  CorrelationId:  ${randomUUID()}.` } }, headers };
}

const badRequest = (message: string) => odataError(400, 'BadRequest', message);
const notFound = (message = 'The requested resource does not exist.') => odataError(404, 'BadRequest_NotFound', message);
const methodNotAllowed = (method: string) => odataError(405, 'BadRequest_MethodNotAllowed', `'${method}' requests for this resource are not supported.`);
const unknownProperty = (property: string, type: string) =>
  badRequest(`The property '${property}' does not exist on type 'Microsoft.NAV.${type}'. Make sure to only use property names that are defined by the type.`);
const notAString = (value: unknown) => badRequest(`Cannot convert the literal '${JSON.stringify(value)}' to the expected type 'Edm.String'.`);
const tooLong = (value: string, max: number) =>
  odataError(400, 'Application_StringExceededLength', `The length of the string is ${value.length}, but it must be less than or equal to ${max} characters. Value: ${value}`);

function orderView(order: SimulatedSalesOrder) {
  const { lines: _lines, version: _version, status, ...fields } = order;
  // Deleted orders are never served, so the API only ever shows Draft.
  return { '@odata.etag': etagOf(order), ...fields, status };
}

const lineView = (order: SimulatedSalesOrder, line: SimulatedSalesOrderLine) => ({ '@odata.etag': etagOf(order), documentId: order.id, ...line });

function listSalesOrders(context: BusinessCentralContext, url: URL): ApiReply {
  const filter = url.searchParams.get('$filter');
  let orders = context.book.live();
  if (filter !== null) {
    const match = FILTER.exec(filter.trim());
    if (!match) return badRequest(`The simulator only supports $filter=externalDocumentNumber eq '…', not: ${filter}`);
    const value = match[1]!.replaceAll("''", "'");
    orders = orders.filter((order) => order.externalDocumentNumber === value);
  }
  return { status: 200, body: { value: orders.map(orderView) } };
}

function createSalesOrder(context: BusinessCentralContext, rawBody: string): ApiReply {
  const body = jsonObject(rawBody);
  if (!body) return badRequest('The request body must be a JSON object.');
  const fields: Partial<Record<SalesOrderTextField, string>> = {};
  let orderDate = new Date().toISOString().slice(0, 10);
  for (const [property, value] of Object.entries(body)) {
    if (property === 'orderDate') {
      if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(value))) return badRequest(`Cannot convert the literal '${String(value)}' to the expected type 'Edm.Date'.`);
      orderDate = value;
      continue;
    }
    const rule = (HEADER_RULES as Partial<Record<string, FieldRule>>)[property];
    if (rule === undefined) return unknownProperty(property, 'salesOrder');
    if (typeof value !== 'string') return notAString(value);
    if (value.length > rule.max) return tooLong(value, rule.max);
    fields[property as SalesOrderTextField] = rule.code ? value.toUpperCase() : value;
  }
  const customerNumber = fields.customerNumber ?? '';
  if (customerNumber === '') return badRequest('You must specify a customer number (customerNumber) to create a sales order.');
  if (context.customers && !context.customers.has(customerNumber)) {
    return odataError(400, 'Internal_RecordNotFound', `The Customer does not exist. Identification fields and values: No.='${customerNumber}'`);
  }
  if (fields.currencyCode !== undefined && fields.currencyCode !== '' && fields.currencyCode === context.localCurrencyCode) {
    return odataError(400, 'Internal_RecordNotFound', `The Currency does not exist. Identification fields and values: Code='${fields.currencyCode}'`);
  }
  return { status: 201, body: orderView(context.book.create(orderDate, fields)) };
}

function addLine(context: BusinessCentralContext, order: SimulatedSalesOrder, rawBody: string): ApiReply {
  const body = jsonObject(rawBody);
  if (!body) return badRequest('The request body must be a JSON object.');
  const unknown = Object.keys(body).find((property) => !LINE_PROPERTIES.has(property));
  if (unknown !== undefined) return unknownProperty(unknown, 'salesOrderLine');
  const { lineType = 'Comment', lineObjectNumber = '', description } = body;
  if (typeof lineType !== 'string' || !LINE_TYPES.includes(lineType)) return badRequest(`The lineType '${String(lineType)}' is not valid. Valid values: ${LINE_TYPES.join(', ')}.`);
  if (typeof lineObjectNumber !== 'string') return notAString(lineObjectNumber);
  if (lineObjectNumber.length > 20) return tooLong(lineObjectNumber, 20);
  if (lineType === 'Item' && lineObjectNumber === '') return badRequest('You must specify the item number (lineObjectNumber) for a line of type Item.');
  if (description !== undefined && typeof description !== 'string') return notAString(description);
  const amounts = { quantity: body.quantity ?? 0, unitPrice: body.unitPrice ?? 0, discountAmount: body.discountAmount ?? 0 };
  for (const [property, value] of Object.entries(amounts)) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return badRequest(`Cannot convert the literal '${JSON.stringify(value)}' to the expected type 'Edm.Decimal'.`);
    if (value < 0) return odataError(400, 'Application_DialogException', `${CAPTIONS[property]} must be positive.`);
  }
  const itemNumber = lineObjectNumber.toUpperCase();
  const line = context.book.addLine(order, {
    lineType,
    lineObjectNumber: itemNumber,
    description: typeof description === 'string' ? description : itemNumber,
    quantity: amounts.quantity as number,
    unitPrice: amounts.unitPrice as number,
    discountAmount: amounts.discountAmount as number,
  });
  return { status: 201, body: lineView(context.book.find(order.id)!, line) };
}

function deleteSalesOrder(context: BusinessCentralContext, order: SimulatedSalesOrder, ifMatch: string | undefined): ApiReply {
  if (ifMatch === undefined || ifMatch.trim() === '') {
    return badRequest('Could not validate the client concurrency token required by the service. Please provide a valid token in the client request.');
  }
  if (ifMatch.trim() !== '*' && ifMatch.trim() !== etagOf(order)) return odataError(409, 'Request_EntityChanged', 'Another user has already changed the record.');
  context.book.delete(order);
  return { status: 204 };
}

function route(context: BusinessCentralContext, request: ApiRequest): ApiReply {
  const match = ROUTE.exec(request.url.pathname);
  if (!match) return notFound('No HTTP resource was found that matches the request URI.');
  const [, companyId, orderId, lines] = match;
  if (companyId!.toLowerCase() !== context.companyId.toLowerCase()) return notFound(`The company ${companyId} does not exist.`);
  const { method } = request;
  if (orderId === undefined) {
    if (method === 'GET') return listSalesOrders(context, request.url);
    if (method === 'POST') return createSalesOrder(context, request.body);
    return methodNotAllowed(method);
  }
  const order = context.book.find(orderId);
  if (!order) return notFound(`The sales order does not exist. Identification fields and values: Id='${orderId}'`);
  if (lines) {
    if (method === 'GET') return { status: 200, body: { value: order.lines.map((line) => lineView(order, line)) } };
    if (method === 'POST') return addLine(context, order, request.body);
    return methodNotAllowed(method);
  }
  if (method === 'GET') return { status: 200, body: orderView(order) };
  if (method === 'DELETE') return deleteSalesOrder(context, order, request.headers['if-match']);
  return methodNotAllowed(method);
}

/** How Business Central would refuse a valid-looking request, worded for the route it came to. */
function validationError(request: ApiRequest): ApiReply {
  const body = jsonObject(request.body) ?? {};
  if (request.method === 'POST' && request.url.pathname.endsWith('/salesOrderLines')) {
    return odataError(400, 'Application_DialogException', `The field No. of table Sales Line contains a value (${String(body.lineObjectNumber)}) that cannot be found in the related table (Item).`);
  }
  if (request.method === 'POST') {
    return odataError(400, 'Application_DialogException', `The field Ship-to Post Code of table Sales Header contains a value (${String(body.shipToPostCode)}) that cannot be found in the related table (Post Code).`);
  }
  return odataError(400, 'Application_DialogException', 'The sales order cannot be changed in its current state.');
}

export function businessCentralDialect(context: BusinessCentralContext): ApiDialect {
  return {
    route: (request) => route(context, request),
    unauthorized: () =>
      odataError(401, 'Authentication_InvalidCredentials', 'The server has rejected the client credentials.', {
        'www-authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"',
      }),
    tooManyRequests: (retryAfterSeconds) =>
      odataError(429, 'Application_TooManyRequests', `Too many requests reached. Retry after ${retryAfterSeconds} seconds.`, { 'retry-after': String(retryAfterSeconds) }),
    serverError: () => odataError(500, 'Internal_ServerError', 'An unexpected error occurred on the server. Try again later.'),
    validationError,
  };
}

