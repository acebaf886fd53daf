import { randomUUID } from 'node:crypto';
import type { Clock } from '../../cloud/contracts.ts';
import type { SimulatedShipment } from '../fulfilment-wms/shipbob-orders.ts';
import type { ShipBobSimulator } from '../fulfilment-wms/shipbob-simulator.ts';
import { WebhookSender, type WebhookAttempt, type WebhookTarget } from '../fulfilment-wms/webhook-sender.ts';
import {
  AFTERSHIP_SIGNATURE_HEADER,
  signAfterShipWebhook,
  subtagText,
  tagOf,
  type AfterShipCheckpoint,
  type AfterShipSubtag,
  type AfterShipTag,
  type AfterShipWebhook,
} from './aftership.ts';
import { AwbIssuer, carrierFor, localDate, localIso, type Carrier, type CarrierSlug } from './carriers.ts';
import { JOURNEYS, promisedDelivery, stepTime, type JourneyName, type JourneyStepName } from './journeys.ts';

/** All the courier network needs of a clock; a local-cloud {@link Clock} will do. */
export type CourierClock = Pick<Clock, 'now' | 'setTimer'>;

export interface AfterShipEndpoint {
  /** Where AfterShip's `tracking_update` webhooks go. */
  readonly url: string;
  /** The webhook secret; signs `aftership-hmac-sha256`. */
  readonly secret: string;
  /** Real-time waits before each retry. @default [200, 1000, 3000, 10000] */
  readonly retryDelaysMs?: readonly number[];
  /** How long the receiver has to answer one attempt. @default 5000 */
  readonly timeoutMs?: number;
}

export interface CourierNetworkOptions {
  /** Every journey step is a timer on this clock, so jumping it makes days pass at once. */
  readonly clock: CourierClock;
  readonly shipBob: ShipBobSimulator;
  readonly aftership: AfterShipEndpoint;
  /** The journey a newly created shipment takes. @default always `onTime` */
  readonly journeyFor?: (shipment: SimulatedShipment) => JourneyName;
}

/**
 * - `awaiting_dispatch`: still at the warehouse, its ship step to come (or never, when stuck)
 * - `on_hold`: the ship step came while ShipBob held the shipment (OnHold/Exception); it ships once released
 * - `in_transit`: shipped; `returning`: on its way back (Exception_010)
 * - `delivered`, `returned` (Exception_011), `cancelled`: the journey is over
 * - `no_carrier`: we have no carrier for the destination country, so it goes nowhere
 */
export type JourneyState = 'awaiting_dispatch' | 'on_hold' | 'in_transit' | 'returning' | 'delivered' | 'returned' | 'cancelled' | 'no_carrier';

/** What one shipment got and where it is. */
export interface JourneyView {
  readonly shipmentId: string;
  readonly journey: JourneyName;
  readonly state: JourneyState;
  readonly carrier?: string;
  readonly slug?: CarrierSlug;
  readonly trackingNumber?: string;
  readonly trackingUrl?: string;
  /** AfterShip's tracking id, once shipped. */
  readonly aftershipId?: string;
  readonly expectedDelivery: string | null;
  /** Every scan so far, oldest first, as AfterShip reports them. */
  readonly checkpoints: readonly AfterShipCheckpoint[];
  /** The next scripted step and when it is due (local-clock ISO), while one is scheduled. */
  readonly next?: { readonly step: JourneyStepName; readonly dueAt: string };
}

/** What a manual {@link CourierNetwork.scan} may say instead of the usual words and place. */
export interface ScanDetails {
  readonly message?: string;
  readonly location?: string;
  readonly city?: string;
}

interface Tracking {
  readonly aftershipId: string;
  readonly trackingNumber: string;
  readonly trackingUrl: string;
  expectedDelivery: string | null;
}

interface Tracked {
  readonly shipmentId: string;
  readonly carrier: Carrier | undefined;
  readonly destination: { readonly city: string; readonly state?: string; readonly country: string };
  journey: JourneyName;
  state: JourneyState;
  /** Index of the journey's next scripted step. */
  nextIndex: number;
  /** When the last step happened (creation, at first): the next step's offset counts from it. */
  lastAt: number;
  next?: { readonly step: JourneyStepName; readonly dueAt: number; cancel: () => void };
  tracking?: Tracking;
  readonly checkpoints: AfterShipCheckpoint[];
  readonly tagsSeen: Set<AfterShipTag>;
}

const OVER: readonly JourneyState[] = ['delivered', 'returned', 'cancelled'];
/** ShipBob statuses a held shipment is released to. */
const RELEASED = ['Processing', 'LabeledCreated', 'Completed'];

/**
 * The carriers behind ShipBob, so shipments travel to the customer as real ones do: for each
 * order created at ShipBob it picks the carrier of the destination country and plays a journey
 * (see journeys.ts) on the local clock. At the ship step ShipBob reports the dispatch with the
 * AWB (`order.shipped`); each carrier scan then arrives through AfterShip (`tracking_update`);
 * delivery is also reported by ShipBob (`order.shipment.delivered`).
 *
 * Subscribing ShipBob's webhooks is the caller's job (`shipBob.subscribe(…)`).
 */
export class CourierNetwork {
  /** The AfterShip webhook sender: `dropNext`, `duplicateNext`, `holdNext`, `pause`/`resume`. */
  readonly webhooks: WebhookSender;
  private readonly tracked = new Map<string, Tracked>();
  private readonly awbs = new AwbIssuer();
  private readonly unsubscribe: (() => void)[];
  private stopped = false;

  private constructor(private readonly options: CourierNetworkOptions) {
    this.webhooks = new WebhookSender({ retryDelaysMs: options.aftership.retryDelaysMs, timeoutMs: options.aftership.timeoutMs, clock: options.clock });
    const { shipBob } = options;
    this.unsubscribe = [
      shipBob.onCreated((shipment) => this.track(shipment, (options.journeyFor ?? (() => 'onTime'))(shipment))),
      shipBob.onUpdated((shipment) => this.follow(shipment)),
    ];
  }

  /** Starts watching `shipBob` for new orders; those created before are left alone unless {@link plan}ned. */
  static start(options: CourierNetworkOptions): CourierNetwork {
    return new CourierNetwork(options);
  }

  /**
   * Gives a shipment `journey` from where it is: not yet shipped, the new journey starts over
   * (its first offset counting from the last step, or creation); already on its way, it goes on
   * from the same number of steps done. A shipment created before the network started is taken on.
   */
  plan(shipmentId: string, journey: JourneyName): void {
    const tracked = this.tracked.get(shipmentId) ?? this.adopt(shipmentId, journey);
    if (OVER.includes(tracked.state)) throw new Error(`shipment ${shipmentId}'s journey is over (${tracked.state})`);
    tracked.journey = journey;
    tracked.nextIndex = (tracked.tracking ? 1 : 0) + tracked.checkpoints.length;
    this.scheduleNext(tracked);
  }

  /**
   * Ships now: ShipBob sends `order.shipped` with a new AWB. When the journey's next step was
   * the ship step, the journey goes on from here; a stuck one stays for {@link scan}s.
   */
  ship(shipmentId: string): void {
    const tracked = this.tracked.get(shipmentId) ?? this.adopt(shipmentId, 'stuckInWarehouse');
    if (tracked.tracking) throw new Error(`shipment ${shipmentId} was already shipped (${tracked.tracking.trackingNumber})`);
    if (!tracked.carrier) throw new Error(`no carrier delivers to ${tracked.destination.country} (shipment ${shipmentId})`);
    if (this.options.shipBob.shipment(shipmentId)?.status === 'Cancelled') throw new Error(`shipment ${shipmentId} is cancelled and cannot be shipped`);
    const at = this.options.clock.now();
    this.dispatch(tracked, at);
    if (JOURNEYS[tracked.journey][tracked.nextIndex]?.step === 'ship') tracked.nextIndex++;
    tracked.lastAt = at;
    this.scheduleNext(tracked);
  }

  /**
   * A carrier scan now, reported through AfterShip; the scripted steps still to come stay as
   * they are, unless this scan ends the journey (Delivered…, Exception_011). A Delivered scan
   * also makes ShipBob send `order.shipment.delivered`.
   */
  scan(shipmentId: string, tag: AfterShipTag, subtag: AfterShipSubtag, details: ScanDetails = {}): void {
    const tracked = this.tracked.get(shipmentId) ?? this.adopt(shipmentId, 'stuckInWarehouse');
    if (tagOf(subtag) !== tag) throw new Error(`subtag ${subtag} does not belong to tag ${tag}`);
    if (!tracked.tracking) throw new Error(`shipment ${shipmentId} has not been shipped, so the carrier cannot scan it`);
    this.checkpoint(tracked, subtag, this.options.clock.now(), details);
  }

  /** Every shipment the network carries, in the order they were created. */
  journeys(): JourneyView[] {
    return [...this.tracked.values()].map((tracked) => ({
      shipmentId: tracked.shipmentId,
      journey: tracked.journey,
      state: tracked.state,
      ...(tracked.carrier ? { carrier: tracked.carrier.name, slug: tracked.carrier.slug } : {}),
      ...(tracked.tracking
        ? { trackingNumber: tracked.tracking.trackingNumber, trackingUrl: tracked.tracking.trackingUrl, aftershipId: tracked.tracking.aftershipId }
        : {}),
      expectedDelivery: tracked.tracking?.expectedDelivery ?? null,
      checkpoints: structuredClone(tracked.checkpoints),
      ...(tracked.next ? { next: { step: tracked.next.step, dueAt: new Date(tracked.next.dueAt).toISOString() } } : {}),
    }));
  }

  /** One shipment's journey. */
  journey(shipmentId: string): JourneyView | undefined {
    return this.journeys().find((view) => view.shipmentId === shipmentId);
  }

  /** Every AfterShip webhook attempt, oldest first. */
  deliveries(): WebhookAttempt[] {
    return this.webhooks.deliveries();
  }

  /**
   * Resolves once no webhook (AfterShip's, or ShipBob's) is being sent or waiting for a retry,
   * so a loop that moves the clock on can wait for what each move set off.
   */
  async idle(): Promise<void> {
    const { shipBob } = this.options;
    do await Promise.all([this.webhooks.idle(), shipBob.idle()]);
    while (!this.webhooks.isIdleNow || !shipBob.webhooks.isIdleNow);
  }

  /** Cancels every journey's timer and stops AfterShip's webhooks; ShipBob is left running. */
  stop(): void {
    this.stopped = true;
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    for (const tracked of this.tracked.values()) this.cancelNext(tracked);
    this.webhooks.stop();
  }

  private adopt(shipmentId: string, journey: JourneyName): Tracked {
    const shipment = this.options.shipBob.shipment(shipmentId);
    if (!shipment) throw new Error(`ShipBob has no order ${shipmentId}`);
    return this.track(shipment, journey);
  }

  private track(shipment: SimulatedShipment, journey: JourneyName): Tracked {
    const { address } = shipment.recipient;
    const carrier = carrierFor(address.country);
    const tracked: Tracked = {
      shipmentId: shipment.id,
      carrier,
      destination: { city: address.city, ...(address.state ? { state: address.state } : {}), country: address.country },
      journey,
      state: !carrier ? 'no_carrier' : shipment.status === 'Cancelled' ? 'cancelled' : 'awaiting_dispatch',
      nextIndex: 0,
      lastAt: this.options.clock.now(),
      checkpoints: [],
      tagsSeen: new Set(),
    };
    this.tracked.set(shipment.id, tracked);
    this.scheduleNext(tracked);
    return tracked;
  }

  /** ShipBob changed the shipment: a cancellation ends its journey; a release from hold lets it ship. */
  private follow(shipment: SimulatedShipment): void {
    const tracked = this.tracked.get(shipment.id);
    if (!tracked) return;
    if (shipment.status === 'Cancelled' && !OVER.includes(tracked.state) && !tracked.tracking) {
      this.cancelNext(tracked);
      tracked.state = 'cancelled';
    } else if (tracked.state === 'on_hold' && RELEASED.includes(shipment.status)) {
      tracked.state = 'awaiting_dispatch';
      tracked.lastAt = this.options.clock.now();
      this.scheduleNext(tracked);
    }
  }

  private scheduleNext(tracked: Tracked): void {
    this.cancelNext(tracked);
    const { carrier } = tracked;
    if (this.stopped || !carrier || OVER.includes(tracked.state) || tracked.state === 'on_hold') return;
    const step = JOURNEYS[tracked.journey][tracked.nextIndex];
    if (!step) return;
    const dueAt = stepTime(tracked.lastAt, step.after, carrier.utcOffsetMinutes);
    const next = { step: step.step, dueAt, cancel: () => {} };
    tracked.next = next;
    next.cancel = this.options.clock.setTimer(
      () => {
        if (tracked.next !== next || this.stopped) return;
        tracked.next = undefined;
        this.perform(tracked, step.step, dueAt);
      },
      Math.max(0, dueAt - this.options.clock.now()),
    );
  }

  private cancelNext(tracked: Tracked): void {
    tracked.next?.cancel();
    tracked.next = undefined;
  }

  /** A scripted step, stamped with the time it was due so the timeline does not depend on timer lateness. */
  private perform(tracked: Tracked, step: JourneyStepName, at: number): void {
    if (step === 'ship') {
      const status = this.options.shipBob.shipment(tracked.shipmentId)?.status;
      if (status === undefined || status === 'Cancelled') {
        tracked.state = 'cancelled';
        return;
      }
      if (status === 'OnHold' || status === 'Exception') {
        tracked.state = 'on_hold';
        return;
      }
      this.dispatch(tracked, at);
    } else {
      this.checkpoint(tracked, step, at, {});
    }
    tracked.nextIndex++;
    tracked.lastAt = at;
    this.scheduleNext(tracked);
  }

  /** The warehouse hands the parcel to the carrier; ShipBob reports it with the AWB. */
  private dispatch(tracked: Tracked, at: number): void {
    const carrier = tracked.carrier!;
    const shipment = this.options.shipBob.shipment(tracked.shipmentId);
    let trackingNumber: string;
    let trackingUrl: string;
    if (shipment?.tracking) {
      // Someone shipped it through ShipBob directly: the carrier carries that AWB.
      ({ trackingNumber, trackingUrl } = shipment.tracking);
    } else {
      trackingNumber = this.awbs.issue(carrier);
      trackingUrl = carrier.trackingUrl(trackingNumber);
      this.options.shipBob.ship(tracked.shipmentId, { carrier: carrier.name, carrierService: carrier.service, trackingNumber, trackingUrl, at });
    }
    const expectedDelivery = localDate(promisedDelivery(at, carrier.utcOffsetMinutes), carrier.utcOffsetMinutes);
    tracked.tracking = { aftershipId: randomUUID().replaceAll('-', ''), trackingNumber, trackingUrl, expectedDelivery };
    tracked.state = 'in_transit';
  }

  /** A carrier scan at `at`, reported through AfterShip with every checkpoint so far. */
  private checkpoint(tracked: Tracked, subtag: AfterShipSubtag, at: number, details: ScanDetails): void {
    const carrier = tracked.carrier!;
    const tracking = tracked.tracking!;
    const tag = tagOf(subtag);
    const text = subtagText(subtag);
    const { city, state, country } = tracked.destination;
    const place = text.place === 'hub' ? carrier.hub : { location: `${city}, ${state ?? country}`, city };
    tracked.checkpoints.push({
      checkpoint_time: localIso(at, carrier.utcOffsetMinutes),
      tag,
      subtag,
      message: details.message ?? text.checkpointMessage,
      location: details.location ?? place.location,
      city: details.city ?? place.city,
    });
    const firstOfTag = !tracked.tagsSeen.has(tag);
    tracked.tagsSeen.add(tag);
    if (tag === 'Delivered') tracked.state = 'delivered';
    else if (subtag === 'Exception_011') tracked.state = 'returned';
    else if (subtag === 'Exception_010') tracked.state = 'returning';
    if (tracked.state === 'returning' || tracked.state === 'returned') tracking.expectedDelivery = null;
    if (OVER.includes(tracked.state)) this.cancelNext(tracked);

    const webhook: AfterShipWebhook = {
      event: 'tracking_update',
      event_id: randomUUID(),
      is_tracking_first_tag: firstOfTag,
      ts: Math.floor(this.options.clock.now() / 1000),
      msg: {
        id: tracking.aftershipId,
        tracking_number: tracking.trackingNumber,
        slug: carrier.slug,
        tag,
        subtag,
        subtag_message: text.subtagMessage,
        order_id: tracked.shipmentId,
        expected_delivery: tracking.expectedDelivery,
        updated_at: new Date(at).toISOString(),
        checkpoints: structuredClone(tracked.checkpoints),
      },
    };
    const body = JSON.stringify(webhook);
    this.webhooks.send({ eventId: webhook.event_id, topic: webhook.event, shipmentId: tracked.shipmentId, body }, [this.aftershipTarget()]);
    if (tag === 'Delivered' && !this.options.shipBob.shipment(tracked.shipmentId)?.deliveryDate) this.options.shipBob.deliver(tracked.shipmentId, at);
  }

  private aftershipTarget(): WebhookTarget {
    const { url, secret } = this.options.aftership;
    return { url, headers: (event) => ({ [AFTERSHIP_SIGNATURE_HEADER]: signAfterShipWebhook(secret, event.body) }) };
  }
}
