import { randomUUID } from 'node:crypto';
import { businessCentralDialect } from './business-central-routes.ts';
import { HttpHarness, type FaultKind, type FaultMatch, type HarnessOptions, type RecordedRequest } from './http-harness.ts';
import { SalesOrderBook, type SimulatedSalesOrder } from './sales-order-book.ts';

export interface BusinessCentralSimulatorOptions extends HarnessOptions {
  /** The one company served. @default a random GUID, see {@link BusinessCentralSimulator.companyId} */
  readonly companyId?: string;
  /** When given, only these customer numbers exist; others are refused as Business Central does. @default any */
  readonly customers?: readonly string[];
  /** The company's local currency: a sales order naming it as `currencyCode` is refused (LCY is left blank). */
  readonly localCurrencyCode?: string;
}

/**
 * A local Microsoft Dynamics 365 Business Central, API v2.0, for the sales-order slice the ERP
 * adapter uses (see business-central-routes.ts), over real HTTP: bearer auth, Business Central's
 * validation and OData errors, `If-Match` on DELETE, latency, a rate limit and injected faults.
 * Like Business Central it does not keep `externalDocumentNumber` unique: idempotency is the
 * client's job, and this simulator shows whether the client does it.
 */
export class BusinessCentralSimulator {
  private constructor(
    private readonly harness: HttpHarness,
    /** The company's GUID, lower case, to give the adapter. */
    readonly companyId: string,
    private readonly book: SalesOrderBook,
  ) {}

  static async start(options: BusinessCentralSimulatorOptions): Promise<BusinessCentralSimulator> {
    const companyId = (options.companyId ?? randomUUID()).toLowerCase();
    const book = new SalesOrderBook();
    const dialect = businessCentralDialect({
      book,
      companyId,
      ...(options.customers === undefined ? {} : { customers: new Set(options.customers.map((number) => number.toUpperCase())) }),
      ...(options.localCurrencyCode === undefined ? {} : { localCurrencyCode: options.localCurrencyCode.toUpperCase() }),
    });
    return new BusinessCentralSimulator(await HttpHarness.start(options, dialect), companyId, book);
  }

  /** `{prefix}/api/v2.0`, the base URL to give the adapter. */
  get url(): string {
    return `${this.harness.url}/api/v2.0`;
  }

  /** Every request received, oldest first. */
  get requests(): readonly RecordedRequest[] {
    return this.harness.requests;
  }

  /** The next `count` requests (matching `match`, if given) fail as `kind`; see {@link FaultKind}. */
  failNext(count: number, kind: FaultKind, match?: FaultMatch): void {
    this.harness.failNext(count, kind, match);
  }

  /** Every sales order created, oldest first, with its lines; deleted ones have status `Deleted`. */
  salesOrders(): SimulatedSalesOrder[] {
    return this.book.snapshot();
  }

  stop(): Promise<void> {
    return this.harness.stop();
  }
}
