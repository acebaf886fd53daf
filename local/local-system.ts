import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BRANDS, brandSecretName } from '../lib/config/brands.ts';
import { erpCustomerNumberFor } from '../lib/config/fulfilment.ts';
import { productsOf } from '../lib/config/catalog.ts';
import { STOREFRONTS } from '../lib/config/storefronts.ts';
import { WAREHOUSES } from '../lib/config/warehouses.ts';
import { rtoStatsTableName } from '../lib/constructs/data-table.ts';
import { inventoryScheduleName } from '../lib/stacks/inventory-stack.ts';
import { seedRtoStats } from './seed/rto-history.ts';
import { LocalCloud, type LocalCloudOptions } from './cloud/cloud.ts';
import { LOCAL_REGION } from './cloud/contracts.ts';
import { BusinessCentralSimulator } from './simulators/erp/business-central-simulator.ts';
import { ShipBobSimulator } from './simulators/fulfilment-wms/shipbob-simulator.ts';
import { CourierNetwork } from './simulators/carrier/courier-network.ts';
import type { JourneyName } from './simulators/carrier/journeys.ts';
import type { SimulatedShipment } from './simulators/fulfilment-wms/shipbob-orders.ts';
import { ShopifyAdminSimulator } from './simulators/shopify/admin-api.ts';
import { WmsSimulator } from './simulators/wms/wms-simulator.ts';
import { LANGUAGES } from '../lib/config/brands.ts';
import { NOTIFICATION_KINDS } from '../lambdas/notifications/domain/message-catalog.ts';
import { whatsAppTemplateFor } from '../lambdas/notifications/domain/whatsapp-template.ts';
import { SendGridSimulator } from './simulators/sendgrid/sendgrid-simulator.ts';
import { WhatsAppSimulator } from './simulators/whatsapp/whatsapp-simulator.ts';

export interface LocalSystemOptions extends LocalCloudOptions {
  /** Units of every product the WMS holds in every warehouse of its country at start. @default 500 */
  readonly stockPerSku?: number;
  /** Shopify plan of every demo store, which sets the Admin API rate limit. @default 'plus' */
  readonly shopifyPlan?: 'standard' | 'advanced' | 'plus';
  /** Past Indian orders in the synthetic delivery history that seeds RTO risk. @default 200,000 */
  readonly rtoHistoryOrders?: number;
  /** Answer time of the simulated ERP and WMS order APIs. @default 20–60 ms */
  readonly fulfilmentLatencyMs?: { readonly min: number; readonly max: number };
  /** The way each new shipment travels (on the local clock). @default always `onTime` */
  readonly journeyFor?: (shipment: SimulatedShipment) => JourneyName;
  /** WhatsApp Cloud API throughput per business number. @default 80 messages/s, Meta's default */
  readonly whatsappMessagesPerSecond?: number;
}

/**
 * The whole system offline: the local cloud running the synthesized stage, plus the outside
 * systems it talks to, simulated over their real HTTP contracts: the WMS (stock API and signed
 * webhooks) and each brand's Shopify Admin API (inventorySetQuantities with its rate limit).
 *
 * Shipments then travel: ShipBob reports each dispatch with its AWB, and the carriers' scans
 * arrive through AfterShip, on the local clock (see {@link LocalSystem.fastForward}).
 *
 * After boot it does what an operator does after a deployment: stores the credentials the WMS,
 * Shopify, ShipBob and AfterShip issued in Secrets Manager, subscribes the webhooks to the API,
 * and runs the first reconciliation, which loads every warehouse's stock and pushes it to the
 * storefronts.
 */
export class LocalSystem {
  private constructor(
    readonly cloud: LocalCloud,
    readonly wms: WmsSimulator,
    readonly shopify: ShopifyAdminSimulator,
    readonly erp: BusinessCentralSimulator,
    readonly wmsShipments: ShipBobSimulator,
    readonly couriers: CourierNetwork,
    /** The WhatsApp Cloud API: what each customer received on WhatsApp, and what they write back. */
    readonly whatsapp: WhatsAppSimulator,
    /** SendGrid: each customer's mailbox. */
    readonly sendGrid: SendGridSimulator,
  ) {}

  static async start(options: LocalSystemOptions): Promise<LocalSystem> {
    const issued = () => randomBytes(24).toString('hex');
    const wmsApiToken = issued();
    const wmsWebhookSecret = issued();
    const shopTokens = new Map(STOREFRONTS.map((storefront) => [storefront.brand, issued()]));
    const shopify = await ShopifyAdminSimulator.start({
      shops: STOREFRONTS.map((storefront) => ({
        shop: storefront.shop,
        accessToken: shopTokens.get(storefront.brand)!,
        plan: options.shopifyPlan ?? 'plus',
        locations: Object.values(storefront.locationIds),
        inventoryItems: Object.values(storefront.inventoryItemIds),
      })),
    });
    // The simulators start before the cloud (it needs their URLs), so their clocks read the cloud's once there is one: functions live on the cloud's time and check signed timestamps against it.
    const booted: { clock?: LocalCloud['clock'] } = {};
    const cloudTime = () => booted.clock?.now() ?? Date.now();
    const wms = await WmsSimulator.start({ apiToken: wmsApiToken, webhookSecret: wmsWebhookSecret, warehouses: WAREHOUSES.map((warehouse) => ({ id: warehouse.id })), clock: cloudTime });
    const erpToken = issued();
    const wmsShipmentsToken = issued();
    const erp = await BusinessCentralSimulator.start({ accessToken: erpToken, customers: BRANDS.map((brand) => erpCustomerNumberFor(brand)), latencyMs: options.fulfilmentLatencyMs });
    const wmsShipments = await ShipBobSimulator.start({ accessToken: wmsShipmentsToken, latencyMs: options.fulfilmentLatencyMs, clock: { now: cloudTime } });
    const whatsappTokens = new Map(BRANDS.map((brand) => [brand.id, issued()]));
    const whatsappAppSecret = issued();
    const whatsapp = await WhatsAppSimulator.start({
      phoneNumbers: BRANDS.map((brand) => ({ ...brand.senders.whatsapp, accessToken: whatsappTokens.get(brand.id)! })),
      // What Meta approved: every template of the catalog and its backup, as `npm run whatsapp:templates` submits them.
      templates: NOTIFICATION_KINDS.flatMap((kind) =>
        LANGUAGES.flatMap((language) => {
          const template = whatsAppTemplateFor(kind, language);
          return [template.name, template.backupName].map((name) => ({ name, languageCode: template.languageCode, body: template.body }));
        }),
      ),
      appSecret: whatsappAppSecret,
      messagesPerSecond: options.whatsappMessagesPerSecond,
      clock: { now: cloudTime },
    });
    const sendGridApiKey = `SG.${issued()}`;
    const sendGrid = await SendGridSimulator.start({ apiKey: sendGridApiKey, clock: { now: cloudTime } });
    const simulators = [wms, shopify, erp, wmsShipments, whatsapp, sendGrid];
    // Functions put the API's URL in customer messages (the address-confirmation link), so the port is chosen before boot.
    const apiPort = options.apiPort ?? (await freePort());
    let cloud: LocalCloud;
    try {
      cloud = await LocalCloud.boot({
        ...options,
        apiPort,
        functionEnvironment: {
          WHATSAPP_BASE_URL: whatsapp.url,
          // The senders pace to the simulated number's limit. Pacing compares clocks across senders,
          // and on a sped-up cloud each worker's clock runs on in real time from its invocation, so
          // they disagree by seconds: there, Meta's 130429 and the in-sender pauses are the only brake.
          WHATSAPP_MESSAGES_PER_SECOND: (options.clockSpeed ?? 1) === 1 ? String(whatsapp.messagesPerSecond) : '0',
          SENDGRID_BASE_URL: sendGrid.url,
          PUBLIC_API_URL: `http://127.0.0.1:${apiPort}`,
          ...options.functionEnvironment,
          WMS_BASE_URL: wms.url,
          SHOPIFY_ADMIN_URL_TEMPLATE: `${shopify.url}/shops/{shop}/admin/api/2025-07/graphql.json`,
          ERP_BASE_URL: erp.url,
          ERP_COMPANY_ID: erp.companyId,
          WMS_SHIPMENTS_BASE_URL: wmsShipments.url,
        },
      });
    } catch (error) {
      await Promise.all(simulators.map((simulator) => simulator.stop()));
      throw error;
    }
    booted.clock = cloud.clock;
    const stage = options.stage ?? 'dev';
    const shipBobWebhookSecret = `whsec_${randomBytes(32).toString('base64')}`;
    const afterShipWebhookSecret = issued();
    const couriers = CourierNetwork.start({
      clock: cloud.clock,
      shipBob: wmsShipments,
      aftership: { url: `${cloud.apiUrl}/webhooks/tracking/aftership`, secret: afterShipWebhookSecret },
      journeyFor: options.journeyFor,
    });
    // Whoever holds only the cloud still stops everything.
    cloud.onStop(async () => {
      couriers.stop();
      await Promise.all(simulators.map((simulator) => simulator.stop()));
    });
    const system = new LocalSystem(cloud, wms, shopify, erp, wmsShipments, couriers, whatsapp, sendGrid);
    try {
      for (const brand of BRANDS) cloud.secrets.createSecret(brandSecretName(stage, 'whatsapp', brand.id), whatsappTokens.get(brand.id)!);
      cloud.secrets.createSecret(`order-automation/${stage}/whatsapp/app-secret`, whatsappAppSecret);
      cloud.secrets.createSecret(`order-automation/${stage}/whatsapp/verify-token`, issued());
      cloud.secrets.createSecret(`order-automation/${stage}/sendgrid/api-key`, sendGridApiKey);
      cloud.secrets.createSecret(`order-automation/${stage}/sendgrid/event-webhook-public-key`, sendGrid.publicKey);
      whatsapp.subscribe({ url: `${cloud.apiUrl}/webhooks/whatsapp` });
      sendGrid.subscribe({ url: `${cloud.apiUrl}/webhooks/sendgrid/events` });
      cloud.secrets.createSecret(`order-automation/${stage}/tracking/shipbob-webhook-secret`, shipBobWebhookSecret);
      cloud.secrets.createSecret(`order-automation/${stage}/tracking/aftership-webhook-secret`, afterShipWebhookSecret);
      wmsShipments.subscribe({ url: `${cloud.apiUrl}/webhooks/tracking/shipbob`, secret: shipBobWebhookSecret });
      cloud.secrets.createSecret(`order-automation/${stage}/wms/api-token`, wmsApiToken);
      cloud.secrets.createSecret(`order-automation/${stage}/wms/webhook-secret`, wmsWebhookSecret);
      cloud.secrets.createSecret(`order-automation/${stage}/erp/access-token`, erpToken);
      cloud.secrets.createSecret(`order-automation/${stage}/wms-shipments/access-token`, wmsShipmentsToken);
      for (const brand of BRANDS) cloud.secrets.createSecret(brandSecretName(stage, 'shopify-admin', brand.id), shopTokens.get(brand.id)!);
      for (const warehouse of WAREHOUSES) {
        wms.setStockMany(warehouse.id, productsOf(warehouse.country).map((product) => ({ sku: product.sku, onHand: options.stockPerSku ?? 500 })));
        if (warehouse.stockSync === 'webhooks') wms.subscribe(warehouse.id, `${cloud.apiUrl}/webhooks/wms/${warehouse.id}`);
      }
      // Routing reads RTO risk per pincode; a deployment learns it from deliveries, the demo starts from a synthetic history.
      const dynamo = new DynamoDBClient({ endpoint: cloud.dynamoDbEndpoint, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
      try {
        await seedRtoStats(dynamo, rtoStatsTableName(stage), { orders: options.rtoHistoryOrders ?? 200_000 });
      } finally {
        dynamo.destroy();
      }
      await cloud.runSchedule(inventoryScheduleName(stage, 'reconciliation'));
      await cloud.idle();
      return system;
    } catch (error) {
      await system.stop();
      throw error;
    }
  }

  /**
   * Makes `ms` of local time pass at once: shipments travel, SLA timers fire, schedules run
   * (once, not once per missed period). Between jumps it waits until the cloud is quiet and no
   * warehouse or carrier webhook is in flight, so each step's effects land before the next.
   */
  async fastForward(ms: number, options: { step?: number } = {}): Promise<void> {
    await this.cloud.fastForward(ms, { ...options, settle: () => this.simulatorsIdle() });
    await this.settled();
  }

  /** Waits until no webhook of the simulated warehouses and carriers is in flight, and what they set off is done. */
  async settled(): Promise<void> {
    // Three times: a provider's webhook can set off a send (a fallback) whose own webhooks follow.
    for (let round = 0; round < 3; round++) {
      await this.simulatorsIdle();
      await this.cloud.idle();
    }
  }

  private async simulatorsIdle(): Promise<void> {
    await Promise.all([this.wms.idle(), this.couriers.idle(), this.whatsapp.idle(), this.sendGrid.idle()]);
  }

  async stop(): Promise<void> {
    await this.cloud.stop();
  }
}

/** A port free right now, for a server started a moment later. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('could not find a free port');
  return address.port;
}
