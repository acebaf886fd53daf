import { createHash } from 'node:crypto';
import { z } from 'zod';
import { MINOR_UNITS_PER_MAJOR, type Currency } from '../../shared/canonical-order.ts';
import type { FulfilmentOperation, PermanentFulfilmentError, TransientFulfilmentError } from '../domain/errors.ts';
import type { ErpPort, SalesOrderInput, SalesOrderLineInput } from '../domain/ports.ts';
import { FulfilmentHttp, jsonOrUndefined, type HttpAnswer, type SystemErrorDetail } from './fulfilment-http.ts';

export interface BusinessCentralErpOptions {
  /** `{prefix}/api/v2.0`, e.g. `https://api.businesscentral.dynamics.com/v2.0/{tenant}/{environment}/api/v2.0`. */
  readonly baseUrl: string;
  /** The company's GUID, as `GET companies` lists it. */
  readonly companyId: string;
  /** An OAuth2 bearer token for the API, asked before every call. */
  readonly accessToken: () => Promise<string>;
  /** Per call, including reading the body. @default 8000 */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  /**
   * The company's local currency. Business Central books local-currency documents with a blank
   * currency code and usually has no currency record for it, so sending it would be refused.
   * @default undefined: the order's currency is always sent
   */
  readonly localCurrencyCode?: string;
}

/** Business Central's `External Document No.` is Code[35]: upper case, at most 35 characters. */
export const EXTERNAL_DOCUMENT_NUMBER_MAX = 35;
const DIGEST_LENGTH = 16;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const SalesOrderSchema = z.object({ id: z.string().regex(GUID), number: z.string().min(1) });
const SalesOrderListSchema = z.object({ value: z.array(SalesOrderSchema) });
const SalesOrderLineListSchema = z.object({ value: z.array(z.object({ lineType: z.string(), lineObjectNumber: z.string() })) });
/** OData v4 error body, as Business Central writes it. */
const ODataErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

type SalesOrder = z.infer<typeof SalesOrderSchema>;
type Body = Record<string, string | number>;

/**
 * The ERP port on Microsoft Dynamics 365 Business Central API v2.0. Business Central has no
 * idempotency header, so the key travels as the order's `externalDocumentNumber` and every create
 * looks it up first; lines go one request each, so a retry also compares the lines already there
 * and posts only the missing ones. Two concurrent creates with one key could still both miss the
 * lookup: the workflow's retries are sequential, which is what this relies on.
 */
export class BusinessCentralErp implements ErpPort {
  private readonly http: FulfilmentHttp;
  private readonly company: string;

  constructor(private readonly options: BusinessCentralErpOptions) {
    this.http = new FulfilmentHttp({
      system: 'erp',
      label: 'Business Central',
      baseUrl: options.baseUrl,
      accessToken: options.accessToken,
      timeoutMs: options.timeoutMs ?? 8000,
      fetch: options.fetch ?? globalThis.fetch,
    });
    this.company = `/companies(${options.companyId})`;
  }

  async createSalesOrder(input: SalesOrderInput, idempotencyKey: string): Promise<{ erpOrderId: string; number: string; created: boolean }> {
    const operation = 'createSalesOrder';
    const externalDocumentNumber = externalDocumentNumberFor(idempotencyKey);
    const existing = await this.findSalesOrderByNumber(operation, externalDocumentNumber);
    const order = existing ?? (await this.postSalesOrder(operation, salesOrderBody(input, externalDocumentNumber, this.options.localCurrencyCode)));
    const posted = existing === undefined ? [] : await this.itemNumbersOnOrder(operation, order.id);
    for (const line of linesMissing(input.lines, posted)) await this.postLine(operation, order.id, lineBody(line, input.currency));
    return { erpOrderId: order.id, number: order.number, created: existing === undefined };
  }

  /**
   * Deletes the unposted sales order. A 404 counts as cancelled: we only cancel ids we created,
   * so a missing order was deleted already, typically by an earlier attempt whose answer was lost.
   */
  async cancelSalesOrder(erpOrderId: string, _idempotencyKey: string): Promise<{ cancelled: boolean }> {
    const operation = 'cancelSalesOrder';
    if (!GUID.test(erpOrderId)) throw this.http.refuse(operation, 'validation', `${erpOrderId} is not a Business Central sales order id`);
    // If-Match: * deletes whatever version is there; a compensation has nothing to reconcile with.
    const answer = await this.http.send(operation, 'DELETE', `${this.company}/salesOrders(${erpOrderId})`, { headers: { 'if-match': '*' } });
    if (answer.status === 204 || answer.status === 200 || answer.status === 404) return { cancelled: true };
    throw this.failure(operation, answer);
  }

  async findSalesOrder(idempotencyKey: string): Promise<{ erpOrderId: string } | undefined> {
    const found = await this.findSalesOrderByNumber('cancelSalesOrder', externalDocumentNumberFor(idempotencyKey));
    return found === undefined ? undefined : { erpOrderId: found.id };
  }

  private async findSalesOrderByNumber(operation: FulfilmentOperation, externalDocumentNumber: string): Promise<SalesOrder | undefined> {
    const filter = encodeURIComponent(`externalDocumentNumber eq '${externalDocumentNumber.replaceAll("'", "''")}'`);
    const answer = await this.http.send(operation, 'GET', `${this.company}/salesOrders?$filter=${filter}`);
    if (answer.status !== 200) throw this.failure(operation, answer);
    return this.http.parse(operation, answer, SalesOrderListSchema).value[0];
  }

  private async postSalesOrder(operation: FulfilmentOperation, body: Body): Promise<SalesOrder> {
    const answer = await this.http.send(operation, 'POST', `${this.company}/salesOrders`, { json: body });
    if (answer.status !== 201) throw this.failure(operation, answer, body);
    return this.http.parse(operation, answer, SalesOrderSchema);
  }

  private async itemNumbersOnOrder(operation: FulfilmentOperation, orderId: string): Promise<string[]> {
    const answer = await this.http.send(operation, 'GET', `${this.company}/salesOrders(${orderId})/salesOrderLines`);
    if (answer.status !== 200) throw this.failure(operation, answer);
    return this.http
      .parse(operation, answer, SalesOrderLineListSchema)
      .value.filter((line) => line.lineType === 'Item')
      .map((line) => line.lineObjectNumber);
  }

  private async postLine(operation: FulfilmentOperation, orderId: string, body: Body): Promise<void> {
    const answer = await this.http.send(operation, 'POST', `${this.company}/salesOrders(${orderId})/salesOrderLines`, { json: body });
    if (answer.status !== 201) throw this.failure(operation, answer, body);
  }

  private failure(operation: FulfilmentOperation, answer: HttpAnswer, sent?: Body): TransientFulfilmentError | PermanentFulfilmentError {
    return this.http.failure(operation, answer, odataError(answer.text, sent));
  }
}

/**
 * Our key as Business Central stores it: upper case (a Code field), and at most 35 characters. A
 * longer key keeps its start, for ops to recognise, and ends with a digest of the whole key, so
 * the same key always gives the same number.
 */
export function externalDocumentNumberFor(idempotencyKey: string): string {
  const key = idempotencyKey.toUpperCase();
  if (key.length <= EXTERNAL_DOCUMENT_NUMBER_MAX) return key;
  const digest = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, DIGEST_LENGTH).toUpperCase();
  return `${key.slice(0, EXTERNAL_DOCUMENT_NUMBER_MAX - DIGEST_LENGTH - 1)}~${digest}`;
}

/** Text fields longer than the column are refused, so the ERP's copy of the address is cut to fit; the WMS keeps it whole. */
const fit = (value: string, max: number) => value.slice(0, max);

function salesOrderBody(input: SalesOrderInput, externalDocumentNumber: string, localCurrencyCode: string | undefined): Body {
  const { shipTo } = input;
  return {
    orderDate: input.orderDate,
    customerNumber: input.customerNumber,
    currencyCode: input.currency === localCurrencyCode ? '' : input.currency,
    externalDocumentNumber,
    shipToName: fit(shipTo.name, 100),
    shipToAddressLine1: fit(shipTo.line1, 100),
    ...(shipTo.line2 === undefined ? {} : { shipToAddressLine2: fit(shipTo.line2, 50) }),
    shipToCity: fit(shipTo.city, 30),
    ...(shipTo.province === undefined ? {} : { shipToState: fit(shipTo.province, 30) }),
    shipToPostCode: shipTo.postalCode,
    shipToCountry: shipTo.country,
    ...(input.phone === undefined ? {} : { phoneNumber: input.phone }),
    ...(input.email === undefined ? {} : { email: input.email }),
  };
}

/** Business Central prices are decimals in major units. */
function lineBody(line: SalesOrderLineInput, currency: Currency): Body {
  const perMajor = MINOR_UNITS_PER_MAJOR[currency];
  return {
    lineType: 'Item',
    lineObjectNumber: line.sku,
    quantity: line.quantity,
    unitPrice: line.unitPriceMinor / perMajor,
    ...(line.discountMinor > 0 ? { discountAmount: line.discountMinor / perMajor } : {}),
  };
}

/** The wanted lines not on the order yet, matching each posted item line to one wanted line of the same SKU. */
function linesMissing(wanted: readonly SalesOrderLineInput[], postedItemNumbers: readonly string[]): SalesOrderLineInput[] {
  const unmatched = postedItemNumbers.map((number) => number.toUpperCase());
  return wanted.filter((line) => {
    const at = unmatched.indexOf(line.sku.toUpperCase());
    if (at === -1) return true;
    unmatched.splice(at, 1);
    return false;
  });
}

function odataError(text: string, sent: Body | undefined): SystemErrorDetail {
  const parsed = ODataErrorSchema.safeParse(jsonOrUndefined(text));
  if (!parsed.success) return {};
  const { code, message } = parsed.data.error;
  const field = sent === undefined ? undefined : fieldNamedIn(message, Object.keys(sent));
  return { code, message, ...(field === undefined ? {} : { field }) };
}

/**
 * Business Central names a field by its caption ("Ship-to Post Code"), which, squeezed, is the API
 * property we sent ("shipToPostCode"). Best effort: undefined when no property we sent is named.
 */
function fieldNamedIn(message: string, properties: readonly string[]): string | undefined {
  const squeezed = message.toLowerCase().replace(/[^a-z0-9]/g, '');
  return [...properties].sort((a, b) => b.length - a.length).find((property) => squeezed.includes(property.toLowerCase()));
}
