import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WMS_STOCK_EVENT_TYPE, type WmsStockItem, type WmsStockWebhook } from '../../../lambdas/inventory/domain/wms-contract.ts';
import { createWmsApiHandler, type WmsApiRequest } from './http-routes.ts';
import { StockLedger, type StockCount } from './stock-ledger.ts';
import { WebhookDispatcher, type WebhookDelivery } from './webhook-dispatcher.ts';

export interface WmsWarehouseConfig {
  readonly id: string;
  /** Where stock.level_changed webhooks go; without one the warehouse is polled only. */
  readonly webhookUrl?: string;
}

/** What can go wrong at one warehouse, to rehearse how we cope. */
export interface WmsFault {
  /** Every API call answers 503 with Retry-After: 5; webhooks wait and go out when it ends. */
  readonly outage: boolean;
  /** Webhooks go out this much later than the change. */
  readonly lagMs: number;
  /** Changes apply but announce nothing: silent drift that only reconciliation finds. */
  readonly dropWebhooks: boolean;
}

export interface WmsSimulatorOptions {
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  readonly apiToken: string;
  /** Several secrets make every webhook carry one signature per secret, as during a rotation. */
  readonly webhookSecret: string | readonly string[];
  readonly warehouses: readonly WmsWarehouseConfig[];
  /** Milliseconds since the epoch, for every timestamp the WMS writes; lag and retries wait in real time. @default Date.now */
  readonly clock?: () => number;
  /** Waits before each webhook retry. @default [250, 1000, 4000] */
  readonly retryDelaysMs?: readonly number[];
  /** How long a subscriber has to answer a webhook. @default 5000 */
  readonly webhookTimeoutMs?: number;
}

const NO_FAULT: WmsFault = { outage: false, lagMs: 0, dropWebhooks: false };

/**
 * A local warehouse management system speaking our WMS stock contract (see
 * lambdas/inventory/domain/wms-contract.ts) over real HTTP: the stock API, signed webhooks with
 * retries, and the faults reconciliation exists for. Stock is changed through this object, as a
 * warehouse's staff would; clients see it only through the API and webhooks.
 */
export class WmsSimulator {
  /** Every API call answered, oldest first. */
  readonly requests: WmsApiRequest[] = [];
  private readonly ledger: StockLedger;
  private readonly dispatcher: WebhookDispatcher;
  private readonly webhookUrls: Map<string, string | undefined>;
  private readonly faults = new Map<string, WmsFault>();
  private readonly clock: () => number;
  private server: Server | undefined;
  private baseUrl = '';

  private constructor(private readonly options: WmsSimulatorOptions) {
    this.clock = options.clock ?? Date.now;
    this.ledger = new StockLedger(options.warehouses.map((warehouse) => warehouse.id));
    this.webhookUrls = new Map(options.warehouses.map((warehouse) => [warehouse.id, warehouse.webhookUrl]));
    this.dispatcher = new WebhookDispatcher({
      secret: options.webhookSecret,
      clock: this.clock,
      retryDelaysMs: options.retryDelaysMs ?? [250, 1000, 4000],
      timeoutMs: options.webhookTimeoutMs ?? 5000,
      isHeld: (warehouseId) => this.fault(warehouseId).outage,
    });
  }

  static async start(options: WmsSimulatorOptions): Promise<WmsSimulator> {
    const simulator = new WmsSimulator(options);
    await simulator.listen(options.port ?? 0);
    return simulator;
  }

  /** The API base URL, to give a WmsClient. */
  get url(): string {
    return this.baseUrl;
  }

  /** Every webhook attempt, oldest first. */
  get deliveries(): readonly WebhookDelivery[] {
    return this.dispatcher.deliveries;
  }

  async stop(): Promise<void> {
    this.dispatcher.stop();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  }

  /** Points a warehouse's stock webhooks at `url` (the subscriber is often known only after the simulator started). */
  subscribe(warehouseId: string, url: string): void {
    if (!this.ledger.has(warehouseId)) throw new Error(`unknown warehouse ${warehouseId}`);
    this.webhookUrls.set(warehouseId, url);
  }

  /** A counted change, announced by webhook unless the warehouse has none or drops them. */
  setStock(warehouseId: string, sku: string, onHand: number): WmsStockItem {
    return this.setStockMany(warehouseId, [{ sku, onHand }])[0]!;
  }

  /** Several SKUs changed together (a receipt, a cycle count), announced in one webhook. */
  setStockMany(warehouseId: string, counts: readonly StockCount[]): WmsStockItem[] {
    const items = this.ledger.apply(warehouseId, counts, this.nowIso());
    this.announce(warehouseId, items);
    return items;
  }

  /** Adds `delta` to a SKU's count (negative for picks, damage), announced like setStock. */
  adjust(warehouseId: string, sku: string, delta: number): WmsStockItem {
    const item = this.ledger.adjust(warehouseId, sku, delta, this.nowIso());
    this.announce(warehouseId, [item]);
    return item;
  }

  /** A count the WMS changes but never announces, such as an unreported cycle count; it still takes a sequence. */
  drift(warehouseId: string, sku: string, onHand: number): WmsStockItem {
    return this.ledger.apply(warehouseId, [{ sku, onHand }], this.nowIso())[0]!;
  }

  /** Changes only the fault fields given; ending an outage sends the webhooks it held. */
  setFault(warehouseId: string, fault: Partial<WmsFault>): void {
    if (!this.ledger.has(warehouseId)) throw new Error(`unknown warehouse ${warehouseId}`);
    const before = this.fault(warehouseId);
    this.faults.set(warehouseId, { ...before, ...fault });
    if (before.outage && !this.fault(warehouseId).outage) this.dispatcher.release(warehouseId);
  }

  clearFaults(): void {
    const recovering = [...this.faults].filter(([, fault]) => fault.outage).map(([warehouseId]) => warehouseId);
    this.faults.clear();
    for (const warehouseId of recovering) this.dispatcher.release(warehouseId);
  }

  /** On hand by SKU, as the WMS holds it now. */
  stock(warehouseId: string): Map<string, number> {
    return this.ledger.stock(warehouseId);
  }

  /** Resolves once no webhook is waiting for its time or being sent; those held by an outage do not count. */
  idle(): Promise<void> {
    return this.dispatcher.idle();
  }

  private fault(warehouseId: string): WmsFault {
    return this.faults.get(warehouseId) ?? NO_FAULT;
  }

  private nowIso(): string {
    return new Date(this.clock()).toISOString();
  }

  private announce(warehouseId: string, items: readonly WmsStockItem[]): void {
    const url = this.webhookUrls.get(warehouseId);
    const fault = this.fault(warehouseId);
    if (url === undefined || fault.dropWebhooks || items.length === 0) return;
    const event: WmsStockWebhook = { event_id: randomUUID(), type: WMS_STOCK_EVENT_TYPE, warehouse_id: warehouseId, occurred_at: this.nowIso(), items: [...items] };
    this.dispatcher.send(url, event, fault.lagMs);
  }

  private async listen(port: number): Promise<void> {
    const server = createServer(
      createWmsApiHandler({
        ledger: this.ledger,
        apiToken: this.options.apiToken,
        inOutage: (warehouseId) => this.fault(warehouseId).outage,
        nowIso: () => this.nowIso(),
        onRequest: (request) => this.requests.push(request),
      }),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
}
