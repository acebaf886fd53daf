import { Liquid } from 'liquidjs';
import type { Language } from '#config/brands';

/**
 * The automatic answer to "where is my order?". The customer wrote first, so this goes out as a
 * free-form reply inside WhatsApp's 24-hour window, not as an approved template: it may loop and
 * branch (Liquid tags), which a template may not.
 *
 * Strict, like render-message.ts: a missing variable throws rather than leaving a hole. Optional
 * facts are passed as null, never left out, so the templates can test them.
 */
const liquid = new Liquid({ strictVariables: true, strictFilters: true, ownPropertyOnly: true });

export interface OrderStatusForAnswer {
  readonly orderNumber: string;
  /** The orders context's internal status, e.g. SUBMITTED, DELIVERED; never shown as is. */
  readonly status: string;
  readonly shipments: readonly {
    /** DISPATCHED, IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERY_ATTEMPT_FAILED, RTO_INITIATED, DELIVERED, RETURNED_TO_ORIGIN */
    readonly status: string;
    readonly carrier: string | null;
    readonly awb: string | null;
    readonly trackingUrl: string | null;
    readonly promisedBy: string | null;
    readonly delayed: boolean;
  }[];
}

export const ANSWERED_ORDER_STATUSES = [
  'RECEIVED', 'HANDED_TO_LEGACY', 'ACCEPTED', 'AWAITING_STOCK', 'SUBMITTED', 'REJECTED', 'FAILED', 'CANCELLED', 'DELIVERED',
  'RESOLVED_BY_OPS', 'AWAITING_ADDRESS_CONFIRMATION', 'RETURNED',
] as const;
/** CREATED: known only from a missed dispatch deadline, not yet with a carrier. */
export const ANSWERED_SHIPMENT_STATUSES = ['CREATED', 'DISPATCHED', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERY_ATTEMPT_FAILED', 'RTO_INITIATED', 'DELIVERED', 'RETURNED_TO_ORIGIN'] as const;
type OrderStatus = (typeof ANSWERED_ORDER_STATUSES)[number];
type ShipmentStatus = (typeof ANSWERED_SHIPMENT_STATUSES)[number];

/** A shipment that has reached the end of its road: no promise left to keep or miss. */
const FINISHED: ReadonlySet<string> = new Set(['DELIVERED', 'RTO_INITIATED', 'RETURNED_TO_ORIGIN']);

interface Wording {
  readonly order: Readonly<Record<OrderStatus, string>>;
  readonly shipment: Readonly<Record<ShipmentStatus, string>>;
  /** Liquid: the greeting line, then one line per order. */
  readonly answer: string;
  readonly notFound: string;
}

const WORDING: Readonly<Record<Language, Wording>> = {
  en: {
    order: {
      RECEIVED: 'received',
      HANDED_TO_LEGACY: 'received',
      ACCEPTED: 'confirmed',
      AWAITING_STOCK: 'received; we are confirming stock and will update you shortly',
      SUBMITTED: 'confirmed and being packed',
      REJECTED: 'we could not process it; our team will contact you',
      FAILED: 'received',
      CANCELLED: 'cancelled',
      DELIVERED: 'delivered',
      RESOLVED_BY_OPS: 'our team is handling it and will contact you if anything changes',
      AWAITING_ADDRESS_CONFIRMATION: 'waiting for you to confirm the delivery address',
      RETURNED: 'could not be delivered and is going back to our warehouse; our team will contact you',
    },
    shipment: {
      CREATED: 'being packed',
      DISPATCHED: 'shipped',
      IN_TRANSIT: 'on its way',
      OUT_FOR_DELIVERY: 'out for delivery today',
      DELIVERY_ATTEMPT_FAILED: 'delivery attempted; the courier will try again',
      RTO_INITIATED: 'could not be delivered; returning to our warehouse',
      DELIVERED: 'delivered',
      RETURNED_TO_ORIGIN: 'returned to our warehouse',
    },
    answer:
      '{{ greeting }}{% if firstName %} {{ firstName }}{% endif %}, here is where your {{ brandName }} {% if orders.size == 1 %}order stands{% else %}orders stand{% endif %}:' +
      '{%- for order in orders %}\n• Order {{ order.number }}: {% if order.shipments.size == 0 %}{{ order.status }}{% endif %}' +
      '{%- for shipment in order.shipments %}{{ shipment.status }}{% if shipment.carrier %} with {{ shipment.carrier }}{% endif %}{% if shipment.awb %} (AWB {{ shipment.awb }}){% endif %}' +
      '{% if shipment.trackingUrl %}, track it: {{ shipment.trackingUrl }}{% endif %}{% if shipment.expectedBy %}, expected by {{ shipment.expectedBy }}{% endif %}' +
      '{% if shipment.late %} (running late, sorry){% endif %}{% unless forloop.last %}; {% endunless %}{% endfor %}' +
      '{%- endfor %}\n{{ signOff }}, {{ brandName }}',
    notFound:
      '{{ greeting }}{% if firstName %} {{ firstName }}{% endif %}, we could not find an order{% if orderNumber %} with the number {{ orderNumber }}{% endif %} for this phone number. ' +
      'Please check the order number in your confirmation message and send it to us, and we will look again. {{ signOff }}, {{ brandName }}',
  },
  hi: {
    order: {
      RECEIVED: 'हमें मिल गया है',
      HANDED_TO_LEGACY: 'हमें मिल गया है',
      ACCEPTED: 'कन्फ़र्म हो गया है',
      AWAITING_STOCK: 'हमें मिल गया है; हम स्टॉक की पुष्टि कर रहे हैं और जल्द ही अपडेट देंगे',
      SUBMITTED: 'कन्फ़र्म हो गया है और पैक किया जा रहा है',
      REJECTED: 'हम इसे प्रोसेस नहीं कर सके; हमारी टीम आपसे संपर्क करेगी',
      FAILED: 'हमें मिल गया है',
      CANCELLED: 'रद्द कर दिया गया है',
      DELIVERED: 'डिलीवर हो गया है',
      RESOLVED_BY_OPS: 'हमारी टीम इसे देख रही है; कुछ बदलने पर वह आपसे संपर्क करेगी',
      AWAITING_ADDRESS_CONFIRMATION: 'आपके डिलीवरी पते की पुष्टि का इंतज़ार है',
      RETURNED: 'डिलीवर नहीं हो सका और हमारे वेयरहाउस लौट रहा है; हमारी टीम आपसे संपर्क करेगी',
    },
    shipment: {
      CREATED: 'पैक किया जा रहा है',
      DISPATCHED: 'भेज दिया गया है',
      IN_TRANSIT: 'रास्ते में है',
      OUT_FOR_DELIVERY: 'आज डिलीवरी के लिए निकला है',
      DELIVERY_ATTEMPT_FAILED: 'डिलीवरी की कोशिश हुई; कूरियर फिर से कोशिश करेगा',
      RTO_INITIATED: 'डिलीवर नहीं हो सका; हमारे वेयरहाउस लौट रहा है',
      DELIVERED: 'डिलीवर हो गया है',
      RETURNED_TO_ORIGIN: 'हमारे वेयरहाउस लौट आया है',
    },
    answer:
      '{{ greeting }}{% if firstName %} {{ firstName }}{% endif %}, {{ brandName }} के आपके {% if orders.size == 1 %}ऑर्डर{% else %}ऑर्डरों{% endif %} की ताज़ा स्थिति:' +
      '{%- for order in orders %}\n• ऑर्डर {{ order.number }}: {% if order.shipments.size == 0 %}{{ order.status }}{% endif %}' +
      '{%- for shipment in order.shipments %}{{ shipment.status }}{% if shipment.carrier %}, {{ shipment.carrier }} से{% endif %}{% if shipment.awb %} (AWB {{ shipment.awb }}){% endif %}' +
      '{% if shipment.trackingUrl %}, ट्रैक करें: {{ shipment.trackingUrl }}{% endif %}{% if shipment.expectedBy %}, {{ shipment.expectedBy }} तक पहुँचने की उम्मीद{% endif %}' +
      '{% if shipment.late %} (देर हो रही है, माफ़ कीजिए){% endif %}{% unless forloop.last %}; {% endunless %}{% endfor %}' +
      '{%- endfor %}\n{{ signOff }}, {{ brandName }}',
    notFound:
      '{{ greeting }}{% if firstName %} {{ firstName }}{% endif %}, हमें इस फ़ोन नंबर के लिए{% if orderNumber %} {{ orderNumber }} नंबर का{% endif %} कोई ऑर्डर नहीं मिला। ' +
      'कृपया अपने कन्फ़र्मेशन संदेश में ऑर्डर नंबर देखकर हमें भेजें, हम फिर से देखेंगे। {{ signOff }}, {{ brandName }}',
  },
  id: {
    order: {
      RECEIVED: 'sudah kami terima',
      HANDED_TO_LEGACY: 'sudah kami terima',
      ACCEPTED: 'sudah dikonfirmasi',
      AWAITING_STOCK: 'sudah kami terima; kami sedang memastikan stok dan akan segera mengabari',
      SUBMITTED: 'sudah dikonfirmasi dan sedang dikemas',
      REJECTED: 'tidak dapat kami proses; tim kami akan menghubungi Anda',
      FAILED: 'sudah kami terima',
      CANCELLED: 'dibatalkan',
      DELIVERED: 'sudah diterima',
      RESOLVED_BY_OPS: 'sedang ditangani tim kami; kami akan menghubungi Anda jika ada perubahan',
      AWAITING_ADDRESS_CONFIRMATION: 'menunggu Anda mengonfirmasi alamat pengiriman',
      RETURNED: 'tidak dapat diantar dan sedang kembali ke gudang kami; tim kami akan menghubungi Anda',
    },
    shipment: {
      CREATED: 'sedang dikemas',
      DISPATCHED: 'sudah dikirim',
      IN_TRANSIT: 'dalam perjalanan',
      OUT_FOR_DELIVERY: 'sedang diantar hari ini',
      DELIVERY_ATTEMPT_FAILED: 'kurir sudah mencoba mengantar dan akan mencoba lagi',
      RTO_INITIATED: 'tidak dapat diantar; sedang kembali ke gudang kami',
      DELIVERED: 'sudah diterima',
      RETURNED_TO_ORIGIN: 'sudah kembali ke gudang kami',
    },
    answer:
      '{{ greeting }}{% if firstName %} {{ firstName }}{% endif %}, berikut status pesanan {{ brandName }} Anda:' +
      '{%- for order in orders %}\n• Pesanan {{ order.number }}: {% if order.shipments.size == 0 %}{{ order.status }}{% endif %}' +
      '{%- for shipment in order.shipments %}{{ shipment.status }}{% if shipment.carrier %} dengan {{ shipment.carrier }}{% endif %}{% if shipment.awb %} (resi {{ shipment.awb }}){% endif %}' +
      '{% if shipment.trackingUrl %}, lacak: {{ shipment.trackingUrl }}{% endif %}{% if shipment.expectedBy %}, perkiraan tiba {{ shipment.expectedBy }}{% endif %}' +
      '{% if shipment.late %} (terlambat, mohon maaf){% endif %}{% unless forloop.last %}; {% endunless %}{% endfor %}' +
      '{%- endfor %}\n{{ signOff }}, {{ brandName }}',
    notFound:
      '{{ greeting }}{% if firstName %} {{ firstName }}{% endif %}, kami tidak menemukan pesanan{% if orderNumber %} dengan nomor {{ orderNumber }}{% endif %} untuk nomor telepon ini. ' +
      'Mohon periksa nomor pesanan di pesan konfirmasi Anda lalu kirimkan kepada kami, kami akan mengecek lagi. {{ signOff }}, {{ brandName }}',
  },
  ms: {
    order: {
      RECEIVED: 'telah kami terima',
      HANDED_TO_LEGACY: 'telah kami terima',
      ACCEPTED: 'telah disahkan',
      AWAITING_STOCK: 'telah kami terima; kami sedang mengesahkan stok dan akan memaklumkan anda tidak lama lagi',
      SUBMITTED: 'telah disahkan dan sedang dibungkus',
      REJECTED: 'tidak dapat kami proses; pasukan kami akan menghubungi anda',
      FAILED: 'telah kami terima',
      CANCELLED: 'telah dibatalkan',
      DELIVERED: 'telah diterima',
      RESOLVED_BY_OPS: 'sedang diuruskan oleh pasukan kami; kami akan menghubungi anda jika ada perubahan',
      AWAITING_ADDRESS_CONFIRMATION: 'menunggu anda mengesahkan alamat penghantaran',
      RETURNED: 'tidak dapat dihantar dan sedang dikembalikan ke gudang kami; pasukan kami akan menghubungi anda',
    },
    shipment: {
      CREATED: 'sedang dibungkus',
      DISPATCHED: 'telah dihantar',
      IN_TRANSIT: 'dalam perjalanan',
      OUT_FOR_DELIVERY: 'sedang dihantar hari ini',
      DELIVERY_ATTEMPT_FAILED: 'kurier telah cuba menghantar dan akan mencuba lagi',
      RTO_INITIATED: 'tidak dapat dihantar; sedang dikembalikan ke gudang kami',
      DELIVERED: 'telah diterima',
      RETURNED_TO_ORIGIN: 'telah dikembalikan ke gudang kami',
    },
    answer:
      '{{ greeting }}{% if firstName %} {{ firstName }}{% endif %}, berikut status pesanan {{ brandName }} anda:' +
      '{%- for order in orders %}\n• Pesanan {{ order.number }}: {% if order.shipments.size == 0 %}{{ order.status }}{% endif %}' +
      '{%- for shipment in order.shipments %}{{ shipment.status }}{% if shipment.carrier %} melalui {{ shipment.carrier }}{% endif %}{% if shipment.awb %} (AWB {{ shipment.awb }}){% endif %}' +
      '{% if shipment.trackingUrl %}, jejak: {{ shipment.trackingUrl }}{% endif %}{% if shipment.expectedBy %}, dijangka tiba {{ shipment.expectedBy }}{% endif %}' +
      '{% if shipment.late %} (lewat, harap maaf){% endif %}{% unless forloop.last %}; {% endunless %}{% endfor %}' +
      '{%- endfor %}\n{{ signOff }}, {{ brandName }}',
    notFound:
      '{{ greeting }}{% if firstName %} {{ firstName }}{% endif %}, kami tidak menjumpai pesanan{% if orderNumber %} dengan nombor {{ orderNumber }}{% endif %} bagi nombor telefon ini. ' +
      'Sila semak nombor pesanan dalam mesej pengesahan anda dan hantarkan kepada kami, kami akan menyemak semula. {{ signOff }}, {{ brandName }}',
  },
};

/** WhatsApp is read on a phone: three orders answer the question, a longer list buries it. */
const MAX_ORDERS = 3;

const wordFor = <K extends string>(table: Readonly<Record<K, string>>, status: string, fallback: K): string =>
  Object.hasOwn(table, status) ? table[status as K] : table[fallback];

function orderLine(order: OrderStatusForAnswer, wording: Wording) {
  // A cancelled order's parcel, if any left, is coming back; its transit status would only confuse.
  const shipments = order.status === 'CANCELLED' ? [] : order.shipments;
  return {
    number: order.orderNumber,
    status: wordFor(wording.order, order.status, 'RECEIVED'),
    shipments: shipments.map((shipment) => {
      const shipped = Object.hasOwn(wording.shipment, shipment.status) ? shipment.status !== 'CREATED' : shipment.awb !== null;
      const open = !FINISHED.has(shipment.status);
      return {
        status: wordFor(wording.shipment, shipment.status, 'CREATED'),
        carrier: shipped ? shipment.carrier : null,
        awb: shipped ? shipment.awb : null,
        trackingUrl: shipped ? shipment.trackingUrl : null,
        // The promise is written in the destination's offset, so its first ten characters are the local date.
        expectedBy: shipped && open && shipment.promisedBy ? shipment.promisedBy.slice(0, 10) : null,
        late: shipment.delayed && open,
      };
    }),
  };
}

/**
 * The customer's orders, newest first as the caller passes them (only the first three are
 * shown), one line each. With no orders it is the not-found answer.
 */
export async function renderWismoAnswer(
  language: Language,
  context: { greeting: string; signOff: string; brandName: string; firstName: string; orders: readonly OrderStatusForAnswer[] },
): Promise<string> {
  if (context.orders.length === 0) return renderOrderNotFound(language, context);
  const wording = WORDING[language];
  return liquid.parseAndRender(wording.answer, {
    greeting: context.greeting,
    signOff: context.signOff,
    brandName: context.brandName,
    firstName: context.firstName,
    orders: context.orders.slice(0, MAX_ORDERS).map((order) => orderLine(order, wording)),
  });
}

/**
 * The same words whether the number belongs to someone else or to nobody: telling them apart
 * would let anyone with a phone probe which order numbers exist.
 */
export async function renderOrderNotFound(
  language: Language,
  context: { greeting: string; signOff: string; brandName: string; firstName?: string; orderNumber?: string },
): Promise<string> {
  return liquid.parseAndRender(WORDING[language].notFound, {
    greeting: context.greeting,
    signOff: context.signOff,
    brandName: context.brandName,
    firstName: context.firstName ?? null,
    orderNumber: context.orderNumber ?? null,
  });
}
