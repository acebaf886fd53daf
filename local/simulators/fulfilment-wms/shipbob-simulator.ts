import type { Clock } from '../../cloud/contracts.ts';
import { HttpHarness, type FaultKind, type FaultMatch, type HarnessOptions, type RecordedRequest } from '../erp/http-harness.ts';
import {
  ShipBobOrders,
  type ShipBobShipmentStatus,
  type ShipmentCreatedListener,
  type ShipmentUpdatedListener,
  type SimulatedShipment,
} from './shipbob-orders.ts';
import { orderView, shipBobDialect } from './shipbob-routes.ts';
import {
  newMessageId,
  signStandardWebhook,
  standardWebhookKey,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  WEBHOOK_TOPIC_HEADER,
} from './standard-webhooks.ts';
import { WebhookSender, type WebhookAttempt, type WebhookEvent, type WebhookTarget } from './webhook-sender.ts';

export const SHIPBOB_WEBHOOK_TOPICS = ['order.shipped', 'order.shipment.delivered', 'order.shipment.exception'] as const;
export type ShipBobWebhookTopic = (typeof SHIPBOB_WEBHOOK_TOPICS)[number];

export interface ShipBobSimulatorOptions extends HarnessOptions {
  /** The local clock, for every date ShipBob writes (created, updated, shipped, delivered). @default real time */
  readonly clock?: Pick<Clock, 'now'>;
  /**
   * Real-time waits before each webhook retry. Real ShipBob retries over hours; these keep tests
   * and demos quick. @default [200, 1000, 3000, 10000]
   */
  readonly webhookRetryDelaysMs?: readonly number[];
  /** How long a subscriber has to answer one webhook attempt. @default 5000 */
  readonly webhookTimeoutMs?: number;
}

export interface ShipBobWebhookSubscription {
  readonly url: string;
  /** `whsec_<base64>`; several while a secret is rotated, each signing every attempt. */
  readonly secret: string | readonly string[];
  /** @default every topic */
  readonly topics?: readonly ShipBobWebhookTopic[];
}

export interface ShipOptions {
  /** As ShipBob shows it, e.g. `Delhivery`. */
  readonly carrier: string;
  readonly carrierService?: string;
  /** The AWB. */
  readonly trackingNumber: string;
  readonly trackingUrl: string;
  /** When it left the warehouse, ms on the local clock. @default the clock's now */
  readonly at?: number;
}

/**
 * A local ShipBob, Orders API 2.0 (see shipbob-routes.ts), over real HTTP: bearer auth, the
 * `shipbob_channel_id` header, `reference_id` unique per channel, problem-details errors,
 * latency, a rate limit and injected faults. A separate server from the stock WMS simulator
 * (local/simulators/wms): this one takes orders to ship.
 *
 * It also sends ShipBob's order webhooks, signed as Standard Webhooks, when a shipment is shipped
 * ({@link ship}), delivered ({@link deliver}) or hits an exception ({@link exception}); faults
 * for them are set on {@link webhooks}.
 */
export class ShipBobSimulator {
  private readonly subscriptions = new Map<string, ShipBobWebhookSubscription>();

  private constructor(
    private readonly harness: HttpHarness,
    private readonly orders: ShipBobOrders,
    private readonly clock: Pick<Clock, 'now'>,
    /** The webhook sender: `dropNext`, `duplicateNext`, `holdNext`, `pause`/`resume`. */
    readonly webhooks: WebhookSender,
  ) {}

  static async start(options: ShipBobSimulatorOptions): Promise<ShipBobSimulator> {
    const clock = options.clock ?? { now: Date.now };
    const orders = new ShipBobOrders(() => clock.now());
    const webhooks = new WebhookSender({ retryDelaysMs: options.webhookRetryDelaysMs, timeoutMs: options.webhookTimeoutMs, clock });
    return new ShipBobSimulator(await HttpHarness.start(options, shipBobDialect({ orders })), orders, clock, webhooks);
  }

  /** The base URL to give the adapter (it appends `/2.0/…`). */
  get url(): string {
    return this.harness.url;
  }

  /** Every request received, oldest first. */
  get requests(): readonly RecordedRequest[] {
    return this.harness.requests;
  }

  /** The next `count` requests (matching `match`, if given) fail as `kind`; see {@link FaultKind}. */
  failNext(count: number, kind: FaultKind, match?: FaultMatch): void {
    this.harness.failNext(count, kind, match);
  }

  /** Every order created, oldest first, with its shipment's status. */
  shipments(): SimulatedShipment[] {
    return this.orders.snapshot();
  }

  /** One order, by the id the adapter returned. */
  shipment(shipmentId: string): SimulatedShipment | undefined {
    const shipment = this.orders.find(shipmentId);
    return shipment && structuredClone(shipment);
  }

  /** Calls `listener` with every order created from now on; returns a function that stops it. */
  onCreated(listener: ShipmentCreatedListener): () => void {
    return this.orders.onCreated(listener);
  }

  /** Calls `listener` after every change of a shipment; returns a function that stops it. */
  onUpdated(listener: ShipmentUpdatedListener): () => void {
    return this.orders.onUpdated(listener);
  }

  /**
   * Moves a shipment along its lifecycle, as the warehouse would, without any webhook (for
   * tests); `shipmentId` is the id the adapter returned.
   */
  advance(shipmentId: string, status: ShipBobShipmentStatus): SimulatedShipment {
    return this.orders.setStatus(shipmentId, status);
  }

  /**
   * Sends this account's order webhooks to `url`. Subscribing a URL again replaces its
   * subscription, which is how a secret is rotated (`secret: [newer, older]`, then `newer`);
   * attempts made after that are signed with the new secrets. Returns a function that unsubscribes.
   */
  subscribe(subscription: ShipBobWebhookSubscription): () => void {
    const secrets = typeof subscription.secret === 'string' ? [subscription.secret] : subscription.secret;
    if (secrets.length === 0) throw new Error('a webhook subscription needs at least one secret');
    for (const secret of secrets) standardWebhookKey(secret);
    const stored: ShipBobWebhookSubscription = { url: subscription.url, secret: [...secrets], topics: [...(subscription.topics ?? SHIPBOB_WEBHOOK_TOPICS)] };
    this.subscriptions.set(subscription.url, stored);
    return () => {
      if (this.subscriptions.get(subscription.url) === stored) this.subscriptions.delete(subscription.url);
    };
  }

  /** Every webhook attempt, oldest first. */
  deliveries(): WebhookAttempt[] {
    return this.webhooks.deliveries();
  }

  /** Resolves once no webhook is being sent or waiting for a retry. */
  idle(): Promise<void> {
    return this.webhooks.idle();
  }

  /**
   * The warehouse handed the shipment to the carrier: it becomes `Completed` with tracking and
   * `order.shipped` goes out. Throws for a cancelled or already shipped shipment.
   */
  ship(shipmentId: string, options: ShipOptions): SimulatedShipment {
    const { at = this.clock.now(), ...tracking } = options;
    const shipped = this.orders.recordShipped(shipmentId, tracking, at);
    this.announce('order.shipped', shipped);
    return structuredClone(shipped);
  }

  /** The carrier delivered the shipment: `order.shipment.delivered`, with `delivery_date`. Throws unless shipped. */
  deliver(shipmentId: string, at = this.clock.now()): SimulatedShipment {
    const delivered = this.orders.recordDelivered(shipmentId, at);
    this.announce('order.shipment.delivered', delivered);
    return structuredClone(delivered);
  }

  /**
   * The warehouse cannot fulfil the shipment as it stands (stock, address…): it moves to
   * `Exception` and `order.shipment.exception` goes out. Throws once cancelled or shipped.
   */
  exception(shipmentId: string, at = this.clock.now()): SimulatedShipment {
    const shipment = this.orders.find(shipmentId);
    if (!shipment) throw new Error(`unknown ShipBob order ${shipmentId}`);
    if (shipment.status === 'Cancelled' || shipment.status === 'Completed') {
      throw new Error(`ShipBob order ${shipmentId} is ${shipment.status}; only an unshipped shipment can hit a fulfilment exception`);
    }
    const updated = this.orders.setStatus(shipmentId, 'Exception', at);
    this.announce('order.shipment.exception', updated);
    return structuredClone(updated);
  }

  async stop(): Promise<void> {
    this.webhooks.stop();
    await this.harness.stop();
  }

  private announce(topic: ShipBobWebhookTopic, shipment: SimulatedShipment): void {
    const event: WebhookEvent = { eventId: newMessageId(), topic, shipmentId: shipment.id, body: JSON.stringify(orderView(shipment)) };
    const targets = [...this.subscriptions.values()].filter((subscription) => subscription.topics?.includes(topic)).map((subscription) => this.targetFor(subscription, topic));
    this.webhooks.send(event, targets);
  }

  private targetFor(subscribed: ShipBobWebhookSubscription, topic: ShipBobWebhookTopic): WebhookTarget {
    return {
      url: subscribed.url,
      headers: (event, attemptAtMs) => {
        // Sign with the secrets current at the attempt, so a retry after a rotation uses the new ones.
        const { secret } = this.subscriptions.get(subscribed.url) ?? subscribed;
        const timestamp = Math.floor(attemptAtMs / 1000);
        return {
          [WEBHOOK_ID_HEADER]: event.eventId,
          [WEBHOOK_TIMESTAMP_HEADER]: String(timestamp),
          [WEBHOOK_SIGNATURE_HEADER]: signStandardWebhook(secret, event.eventId, timestamp, event.body),
          [WEBHOOK_TOPIC_HEADER]: topic,
        };
      },
    };
  }
}
