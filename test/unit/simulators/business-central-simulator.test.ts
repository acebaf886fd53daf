import { afterEach, describe, expect, it } from 'vitest';
import { BusinessCentralErp, EXTERNAL_DOCUMENT_NUMBER_MAX, type BusinessCentralErpOptions } from '../../../lambdas/fulfilment/adapters/business-central-erp.ts';
import { PermanentFulfilmentError, TransientFulfilmentError } from '../../../lambdas/fulfilment/domain/errors.ts';
import { salesOrderFrom } from '../../../lambdas/fulfilment/domain/fulfilment-requests.ts';
import { CanonicalOrderSchema, type CanonicalOrder } from '../../../lambdas/shared/canonical-order.ts';
import { BusinessCentralSimulator, type BusinessCentralSimulatorOptions } from '../../../local/simulators/erp/business-central-simulator.ts';

const accessToken = 'bc_oauth_eyJ0eXAi.simulated';
const KEY = 'saffron-threads-5801234567890-erp';
const WEB_CUSTOMER = 'WEB-ST-IN';

/** A paid Indian order of three SKUs. */
function anOrder(): CanonicalOrder {
  return CanonicalOrderSchema.parse({
    schemaVersion: 1,
    brand: 'saffron-threads',
    orderId: '5801234567890',
    orderNumber: '#1042',
    currency: 'INR',
    totalMinor: 569510,
    subtotalMinor: 569510,
    taxMinor: 0,
    discountMinor: 5000,
    shippingMinor: 0,
    financialStatus: 'paid',
    paymentMethod: 'prepaid',
    lines: [
      { sku: 'ST-KURTA-IND-M', variantId: '40000000001', quantity: 2, unitPriceMinor: 189900, taxMinor: 0, discountMinor: 5000 },
      { sku: 'ST-DUPATTA-SLK', variantId: '40000000002', quantity: 1, unitPriceMinor: 150010, taxMinor: 0, discountMinor: 0 },
      { sku: 'st-bangle-set', variantId: '40000000003', quantity: 1, unitPriceMinor: 44700, taxMinor: 0, discountMinor: 0 },
    ],
    customer: { name: 'Aarav Sharma', email: 'aarav.sharma@example.com', phone: '+919812345670' },
    shippingAddress: { name: 'Meera Sharma', line1: '14 Janpath', city: 'New Delhi', province: 'Delhi', postalCode: '110001', country: 'IN' },
    tags: [],
    noteAttributes: {},
    createdAt: '2026-11-28T00:30:00+05:30',
    updatedAt: '2026-11-28T00:30:00+05:30',
  });
}

const salesOrder = salesOrderFrom(anOrder(), { customerNumber: WEB_CUSTOMER });

const simulators: BusinessCentralSimulator[] = [];
async function startBusinessCentral(options: Partial<BusinessCentralSimulatorOptions> = {}): Promise<BusinessCentralSimulator> {
  const simulator = await BusinessCentralSimulator.start({ accessToken, ...options });
  simulators.push(simulator);
  return simulator;
}

function erpFor(simulator: BusinessCentralSimulator, options: Partial<BusinessCentralErpOptions> = {}): BusinessCentralErp {
  return new BusinessCentralErp({ baseUrl: simulator.url, companyId: simulator.companyId, accessToken: async () => accessToken, timeoutMs: 2000, ...options });
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to fail'),
    (error: unknown) => error,
  );
}

const linesOf = (simulator: BusinessCentralSimulator) => simulator.salesOrders().map((order) => order.lines.map((line) => [line.lineObjectNumber, line.quantity]));
const ALL_LINES = [
  ['ST-KURTA-IND-M', 2],
  ['ST-DUPATTA-SLK', 1],
  ['ST-BANGLE-SET', 1],
];

afterEach(async () => {
  await Promise.all(simulators.splice(0).map((simulator) => simulator.stop()));
});

describe('the Business Central simulator, driven through the ERP adapter', () => {
  describe('creating a sales order', () => {
    it('books the order with its lines, carrying our key as the external document number', async () => {
      // Prepare
      const businessCentral = await startBusinessCentral({ customers: [WEB_CUSTOMER] });
      const erp = erpFor(businessCentral);
      // Act
      const result = await erp.createSalesOrder(salesOrder, KEY);
      // Assess
      const [booked] = businessCentral.salesOrders();
      expect(result).toEqual({ erpOrderId: booked!.id, number: booked!.number, created: true });
      expect(booked).toMatchObject({
        status: 'Draft',
        externalDocumentNumber: KEY.toUpperCase(),
        orderDate: '2026-11-28',
        customerNumber: WEB_CUSTOMER,
        currencyCode: 'INR',
        shipToName: 'Meera Sharma',
        shipToAddressLine1: '14 Janpath',
        shipToCity: 'New Delhi',
        shipToState: 'Delhi',
        shipToPostCode: '110001',
        shipToCountry: 'IN',
        phoneNumber: '+919812345670',
        email: 'aarav.sharma@example.com',
      });
      expect(booked!.lines.map(({ lineType, lineObjectNumber, quantity, unitPrice, discountAmount }) => ({ lineType, lineObjectNumber, quantity, unitPrice, discountAmount }))).toEqual([
        { lineType: 'Item', lineObjectNumber: 'ST-KURTA-IND-M', quantity: 2, unitPrice: 1899, discountAmount: 50 },
        { lineType: 'Item', lineObjectNumber: 'ST-DUPATTA-SLK', quantity: 1, unitPrice: 1500.1, discountAmount: 0 },
        { lineType: 'Item', lineObjectNumber: 'ST-BANGLE-SET', quantity: 1, unitPrice: 447, discountAmount: 0 },
      ]);
    });

    it('answers a repeated create with the order already booked, never a second one', async () => {
      // Prepare
      const businessCentral = await startBusinessCentral();
      const erp = erpFor(businessCentral);
      const first = await erp.createSalesOrder(salesOrder, KEY);
      // Act
      const again = await erp.createSalesOrder(salesOrder, KEY);
      // Assess
      expect(again).toEqual({ ...first, created: false });
      expect(linesOf(businessCentral)).toEqual([ALL_LINES]);
    });

    it('finds the order a timed-out create booked, and adds its lines', async () => {
      // Prepare
      const businessCentral = await startBusinessCentral();
      businessCentral.failNext(1, 'timeout', { method: 'POST', path: /\/salesOrders$/ });
      // Act
      const timedOut = await failureOf(erpFor(businessCentral, { timeoutMs: 300 }).createSalesOrder(salesOrder, KEY));
      const retried = await erpFor(businessCentral).createSalesOrder(salesOrder, KEY);
      // Assess
      expect(timedOut).toBeInstanceOf(TransientFulfilmentError);
      expect(timedOut).toMatchObject({ name: 'TransientFulfilmentError', system: 'erp', operation: 'createSalesOrder', status: undefined });
      expect(retried).toMatchObject({ erpOrderId: businessCentral.salesOrders()[0]!.id, created: false });
      expect(linesOf(businessCentral)).toEqual([ALL_LINES]);
    });

    it('completes partly posted lines on retry without duplicating any', async () => {
      // Prepare
      const businessCentral = await startBusinessCentral();
      const erp = erpFor(businessCentral);
      businessCentral.failNext(1, '5xx', { method: 'POST', path: /\/salesOrderLines$/, after: 1 });
      // Act
      const failed = await failureOf(erp.createSalesOrder(salesOrder, KEY));
      const partly = linesOf(businessCentral);
      const retried = await erp.createSalesOrder(salesOrder, KEY);
      // Assess
      expect(failed).toBeInstanceOf(TransientFulfilmentError);
      expect(failed).toMatchObject({ status: 500 });
      expect(partly).toEqual([[['ST-KURTA-IND-M', 2]]]);
      expect(retried.created).toBe(false);
      expect(linesOf(businessCentral)).toEqual([ALL_LINES]);
    });

    it('does not post again a line whose answer was lost', async () => {
      const businessCentral = await startBusinessCentral();
      businessCentral.failNext(1, 'timeout', { method: 'POST', path: /\/salesOrderLines$/ });

      await failureOf(erpFor(businessCentral, { timeoutMs: 300 }).createSalesOrder(salesOrder, KEY));
      await erpFor(businessCentral).createSalesOrder(salesOrder, KEY);

      expect(linesOf(businessCentral)).toEqual([ALL_LINES]);
    });

    it('fits a key longer than External Document No. allows, the same way on every retry', async () => {
      // Prepare
      const businessCentral = await startBusinessCentral();
      const erp = erpFor(businessCentral);
      const longKey = 'the-brand-with-a-long-name-5801234567890-submit-to-erp';
      // Act
      const first = await erp.createSalesOrder(salesOrder, longKey);
      const again = await erp.createSalesOrder(salesOrder, longKey);
      const otherOrder = await erp.createSalesOrder(salesOrder, `${longKey}-2`);
      // Assess
      expect(again).toEqual({ ...first, created: false });
      expect(otherOrder.created).toBe(true);
      const numbers = businessCentral.salesOrders().map((order) => order.externalDocumentNumber);
      expect(numbers).toHaveLength(2);
      expect(numbers[0]).toMatch(/^THE-BRAND-WITH-A-L~[0-9A-F]{16}$/);
      expect(numbers.every((number) => number.length <= EXTERNAL_DOCUMENT_NUMBER_MAX)).toBe(true);
      expect(numbers[0]).not.toBe(numbers[1]);
    });

    it('leaves the currency blank when it is the company’s local currency', async () => {
      const businessCentral = await startBusinessCentral({ localCurrencyCode: 'INR' });

      const refused = await failureOf(erpFor(businessCentral).createSalesOrder(salesOrder, KEY));
      await erpFor(businessCentral, { localCurrencyCode: 'INR' }).createSalesOrder(salesOrder, KEY);

      expect(refused).toMatchObject({ name: 'PermanentFulfilmentError', reason: 'validation', code: 'Internal_RecordNotFound', systemMessage: expect.stringContaining("The Currency does not exist. Identification fields and values: Code='INR'") });
      expect(businessCentral.salesOrders()).toEqual([expect.objectContaining({ currencyCode: '' })]);
    });
  });

  describe('failures', () => {
    it('reports a server error and a request that never answers as transient', async () => {
      // Prepare
      const businessCentral = await startBusinessCentral();
      businessCentral.failNext(1, '5xx');
      businessCentral.failNext(1, 'timeout');
      const erp = erpFor(businessCentral, { timeoutMs: 300 });
      // Act
      const serverError = await failureOf(erp.createSalesOrder(salesOrder, KEY));
      const noAnswer = await failureOf(erp.createSalesOrder(salesOrder, KEY));
      // Assess
      expect(serverError).toBeInstanceOf(TransientFulfilmentError);
      expect(serverError).toMatchObject({ status: 500, message: expect.stringMatching(/Internal|unexpected error/) });
      expect(noAnswer).toBeInstanceOf(TransientFulfilmentError);
      expect(noAnswer).toMatchObject({ status: undefined, message: expect.stringMatching(/no answer within 300 ms/) });
      expect((noAnswer as Error).cause).toMatchObject({ name: 'TimeoutError' });
      expect(businessCentral.salesOrders()).toEqual([]);
    });

    it('reports a validation refusal as permanent, with Business Central’s message and the field it names', async () => {
      // Prepare
      const businessCentral = await startBusinessCentral();
      businessCentral.failNext(1, 'validation', { method: 'POST' });
      // Act
      const error = await failureOf(erpFor(businessCentral).createSalesOrder(salesOrder, KEY));
      // Assess
      expect(error).toBeInstanceOf(PermanentFulfilmentError);
      expect(error).toMatchObject({
        name: 'PermanentFulfilmentError',
        system: 'erp',
        operation: 'createSalesOrder',
        reason: 'validation',
        status: 400,
        code: 'Application_DialogException',
        field: 'shipToPostCode',
        systemMessage: expect.stringContaining('The field Ship-to Post Code of table Sales Header contains a value (110001)'),
      });
      expect(businessCentral.salesOrders()).toEqual([]);
    });

    it('reports a customer account Business Central does not know as permanent, in its words', async () => {
      const businessCentral = await startBusinessCentral({ customers: ['WEB-ST-MY'] });

      const error = await failureOf(erpFor(businessCentral).createSalesOrder(salesOrder, KEY));

      expect(error).toBeInstanceOf(PermanentFulfilmentError);
      expect(error).toMatchObject({ reason: 'validation', code: 'Internal_RecordNotFound', systemMessage: expect.stringContaining("The Customer does not exist. Identification fields and values: No.='WEB-ST-IN'") });
    });

    it('refuses a wrong token as a permanent auth failure', async () => {
      const businessCentral = await startBusinessCentral();

      const error = await failureOf(erpFor(businessCentral, { accessToken: async () => 'expired-token' }).createSalesOrder(salesOrder, KEY));

      expect(error).toBeInstanceOf(PermanentFulfilmentError);
      expect(error).toMatchObject({ reason: 'auth', status: 401, code: 'Authentication_InvalidCredentials' });
    });

    it('reports throttling as transient, with the wait Business Central asked for', async () => {
      // Prepare
      const businessCentral = await startBusinessCentral({ rateLimit: { requestsPerSecond: 1 } });
      // Act: the lookup takes the second's only slot, so the create is throttled.
      const error = await failureOf(erpFor(businessCentral).createSalesOrder(salesOrder, KEY));
      // Assess
      expect(error).toBeInstanceOf(TransientFulfilmentError);
      expect(error).toMatchObject({ status: 429, retryAfterSeconds: 1 });
      expect(businessCentral.requests.map((request) => [request.method, request.status])).toEqual([
        ['GET', 200],
        ['POST', 429],
      ]);
    });
  });

  describe('cancelling a sales order', () => {
    it('deletes the order, and a second cancel is still cancelled', async () => {
      // Prepare
      const businessCentral = await startBusinessCentral();
      const erp = erpFor(businessCentral);
      const { erpOrderId } = await erp.createSalesOrder(salesOrder, KEY);
      // Act
      const first = await erp.cancelSalesOrder(erpOrderId, `${KEY}-cancel`);
      const second = await erp.cancelSalesOrder(erpOrderId, `${KEY}-cancel`);
      // Assess
      expect(first).toEqual({ cancelled: true });
      expect(second).toEqual({ cancelled: true });
      expect(businessCentral.salesOrders().map((order) => order.status)).toEqual(['Deleted']);
      expect(businessCentral.requests.filter((request) => request.method === 'DELETE').map((request) => request.status)).toEqual([204, 404]);
    });

    it('counts an order it cannot find as cancelled: Business Central deletes, so it was deleted already', async () => {
      const businessCentral = await startBusinessCentral();

      const result = await erpFor(businessCentral).cancelSalesOrder('0f8fad5b-d9cb-469f-a165-70867728950e', `${KEY}-cancel`);

      expect(result).toEqual({ cancelled: true });
    });

    it('finds no order under the key of a cancelled one, so a fresh submission books a new order', async () => {
      const businessCentral = await startBusinessCentral();
      const erp = erpFor(businessCentral);
      const first = await erp.createSalesOrder(salesOrder, KEY);
      await erp.cancelSalesOrder(first.erpOrderId, `${KEY}-cancel`);

      const again = await erp.createSalesOrder(salesOrder, KEY);

      expect(again.created).toBe(true);
      expect(again.erpOrderId).not.toBe(first.erpOrderId);
    });

    it('reports a server error while cancelling as transient', async () => {
      const businessCentral = await startBusinessCentral();
      const erp = erpFor(businessCentral);
      const { erpOrderId } = await erp.createSalesOrder(salesOrder, KEY);
      businessCentral.failNext(1, '5xx', { method: 'DELETE' });

      const error = await failureOf(erp.cancelSalesOrder(erpOrderId, `${KEY}-cancel`));

      expect(error).toBeInstanceOf(TransientFulfilmentError);
      expect(error).toMatchObject({ operation: 'cancelSalesOrder', status: 500 });
      expect(businessCentral.salesOrders().map((order) => order.status)).toEqual(['Draft']);
    });
  });
});
