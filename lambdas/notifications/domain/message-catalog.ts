import type { Language } from '#config/brands';

/** The moments a customer hears about, one per lifecycle event the sender consumes. */
export const NOTIFICATION_KINDS = [
  'order_confirmed',
  'address_confirmation',
  'item_substituted',
  'order_dispatched',
  'out_for_delivery',
  'order_delivered',
  'order_delayed',
  'order_cancelled',
  'order_returned',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * One message in one language, written in Liquid with named variables and nothing else: no tags,
 * because a WhatsApp template is static text with numbered parameters. The Meta template body
 * and its ordered parameters are derived from it (see whatsapp-template.ts), so the parameter
 * count can never drift from the text.
 */
export interface MessageText {
  readonly subject: string;
  readonly body: string;
}

/**
 * Variables every message may use: `voice.greeting`, `voice.signOff`, `brand.name`,
 * `customer.firstName`, `order.number`, and per kind `shipment.carrier`, `shipment.awb`,
 * `shipment.trackingUrl`, `shipment.expectedBy`, `substitution.original`,
 * `substitution.substitute`, `confirmation.replyUrl`, `confirmation.expiresAt`, `cancellation.reason`.
 */
export const MESSAGES: Readonly<Record<NotificationKind, Readonly<Record<Language, MessageText>>>> = {
  order_confirmed: {
    en: { subject: 'Your {{ brand.name }} order {{ order.number }} is confirmed', body: '{{ voice.greeting }} {{ customer.firstName }}, your order {{ order.number }} is confirmed and being packed. We will message you when it ships. {{ voice.signOff }}, {{ brand.name }}' },
    hi: { subject: '{{ brand.name }} का आपका ऑर्डर {{ order.number }} कन्फ़र्म हो गया है', body: '{{ voice.greeting }} {{ customer.firstName }}, आपका ऑर्डर {{ order.number }} कन्फ़र्म हो गया है और पैक किया जा रहा है। भेजे जाने पर हम आपको संदेश भेजेंगे। {{ voice.signOff }}, {{ brand.name }}' },
    id: { subject: 'Pesanan {{ brand.name }} {{ order.number }} dikonfirmasi', body: '{{ voice.greeting }} {{ customer.firstName }}, pesanan {{ order.number }} sudah dikonfirmasi dan sedang dikemas. Kami akan mengabari saat dikirim. {{ voice.signOff }}, {{ brand.name }}' },
    ms: { subject: 'Pesanan {{ brand.name }} {{ order.number }} telah disahkan', body: '{{ voice.greeting }} {{ customer.firstName }}, pesanan {{ order.number }} telah disahkan dan sedang dibungkus. Kami akan maklumkan apabila ia dihantar. {{ voice.signOff }}, {{ brand.name }}' },
  },
  address_confirmation: {
    en: { subject: 'Please confirm the address for order {{ order.number }}', body: '{{ voice.greeting }} {{ customer.firstName }}, before we ship your cash-on-delivery order {{ order.number }}, please confirm or correct the delivery address here: {{ confirmation.replyUrl }} (by {{ confirmation.expiresAt }}), or reply YES to confirm it or CANCEL to cancel the order. {{ voice.signOff }}, {{ brand.name }}' },
    hi: { subject: 'ऑर्डर {{ order.number }} का पता कन्फ़र्म करें', body: '{{ voice.greeting }} {{ customer.firstName }}, आपका कैश-ऑन-डिलीवरी ऑर्डर {{ order.number }} भेजने से पहले कृपया डिलीवरी का पता यहाँ कन्फ़र्म या ठीक करें: {{ confirmation.replyUrl }} ({{ confirmation.expiresAt }} तक), या कन्फ़र्म करने के लिए YES और ऑर्डर रद्द करने के लिए CANCEL लिखें। {{ voice.signOff }}, {{ brand.name }}' },
    id: { subject: 'Mohon konfirmasi alamat pesanan {{ order.number }}', body: '{{ voice.greeting }} {{ customer.firstName }}, sebelum pesanan COD {{ order.number }} dikirim, mohon konfirmasi atau perbaiki alamat pengiriman di sini: {{ confirmation.replyUrl }} (sebelum {{ confirmation.expiresAt }}), atau balas YA untuk konfirmasi atau BATAL untuk membatalkan pesanan. {{ voice.signOff }}, {{ brand.name }}' },
    ms: { subject: 'Sila sahkan alamat pesanan {{ order.number }}', body: '{{ voice.greeting }} {{ customer.firstName }}, sebelum pesanan COD {{ order.number }} dihantar, sila sahkan atau betulkan alamat penghantaran di sini: {{ confirmation.replyUrl }} (sebelum {{ confirmation.expiresAt }}), atau balas YA untuk mengesahkan atau BATAL untuk membatalkan pesanan. {{ voice.signOff }}, {{ brand.name }}' },
  },
  item_substituted: {
    en: { subject: 'A small change to order {{ order.number }}', body: '{{ voice.greeting }} {{ customer.firstName }}, {{ substitution.original }} ran out, so we are sending {{ substitution.substitute }}: the same product in another pack, at the same price. {{ voice.signOff }}, {{ brand.name }}' },
    hi: { subject: 'ऑर्डर {{ order.number }} में छोटा-सा बदलाव', body: '{{ voice.greeting }} {{ customer.firstName }}, {{ substitution.original }} स्टॉक में नहीं था, इसलिए हम {{ substitution.substitute }} भेज रहे हैं: वही उत्पाद, दूसरे पैक में, उसी दाम पर। {{ voice.signOff }}, {{ brand.name }}' },
    id: { subject: 'Sedikit perubahan pada pesanan {{ order.number }}', body: '{{ voice.greeting }} {{ customer.firstName }}, {{ substitution.original }} habis, jadi kami mengirim {{ substitution.substitute }}: produk yang sama dalam kemasan lain, dengan harga sama. {{ voice.signOff }}, {{ brand.name }}' },
    ms: { subject: 'Sedikit perubahan pada pesanan {{ order.number }}', body: '{{ voice.greeting }} {{ customer.firstName }}, {{ substitution.original }} kehabisan stok, jadi kami menghantar {{ substitution.substitute }}: produk yang sama dalam pek lain, pada harga yang sama. {{ voice.signOff }}, {{ brand.name }}' },
  },
  order_dispatched: {
    en: { subject: 'Order {{ order.number }} is on its way', body: '{{ voice.greeting }} {{ customer.firstName }}, order {{ order.number }} has shipped with {{ shipment.carrier }} (AWB {{ shipment.awb }}), expected by {{ shipment.expectedBy }}. Track it: {{ shipment.trackingUrl }} {{ voice.signOff }}, {{ brand.name }}' },
    hi: { subject: 'ऑर्डर {{ order.number }} रवाना हो गया है', body: '{{ voice.greeting }} {{ customer.firstName }}, ऑर्डर {{ order.number }} {{ shipment.carrier }} से भेज दिया गया है (AWB {{ shipment.awb }}), {{ shipment.expectedBy }} तक पहुँचने की उम्मीद है। ट्रैक करें: {{ shipment.trackingUrl }} {{ voice.signOff }}, {{ brand.name }}' },
    id: { subject: 'Pesanan {{ order.number }} sedang dikirim', body: '{{ voice.greeting }} {{ customer.firstName }}, pesanan {{ order.number }} dikirim dengan {{ shipment.carrier }} (resi {{ shipment.awb }}), perkiraan tiba {{ shipment.expectedBy }}. Lacak: {{ shipment.trackingUrl }} {{ voice.signOff }}, {{ brand.name }}' },
    ms: { subject: 'Pesanan {{ order.number }} dalam perjalanan', body: '{{ voice.greeting }} {{ customer.firstName }}, pesanan {{ order.number }} telah dihantar melalui {{ shipment.carrier }} (AWB {{ shipment.awb }}), dijangka tiba {{ shipment.expectedBy }}. Jejak: {{ shipment.trackingUrl }} {{ voice.signOff }}, {{ brand.name }}' },
  },
  out_for_delivery: {
    en: { subject: 'Order {{ order.number }} arrives today', body: '{{ voice.greeting }} {{ customer.firstName }}, {{ shipment.carrier }} is out to deliver order {{ order.number }} today. Track it: {{ shipment.trackingUrl }} {{ voice.signOff }}, {{ brand.name }}' },
    hi: { subject: 'ऑर्डर {{ order.number }} आज पहुँचेगा', body: '{{ voice.greeting }} {{ customer.firstName }}, {{ shipment.carrier }} आज ऑर्डर {{ order.number }} की डिलीवरी के लिए निकला है। ट्रैक करें: {{ shipment.trackingUrl }} {{ voice.signOff }}, {{ brand.name }}' },
    id: { subject: 'Pesanan {{ order.number }} tiba hari ini', body: '{{ voice.greeting }} {{ customer.firstName }}, {{ shipment.carrier }} sedang mengantar pesanan {{ order.number }} hari ini. Lacak: {{ shipment.trackingUrl }} {{ voice.signOff }}, {{ brand.name }}' },
    ms: { subject: 'Pesanan {{ order.number }} tiba hari ini', body: '{{ voice.greeting }} {{ customer.firstName }}, {{ shipment.carrier }} sedang menghantar pesanan {{ order.number }} hari ini. Jejak: {{ shipment.trackingUrl }} {{ voice.signOff }}, {{ brand.name }}' },
  },
  order_delivered: {
    en: { subject: 'Order {{ order.number }} was delivered', body: '{{ voice.greeting }} {{ customer.firstName }}, order {{ order.number }} was delivered. We hope you love it. {{ voice.signOff }}, {{ brand.name }}' },
    hi: { subject: 'ऑर्डर {{ order.number }} डिलीवर हो गया', body: '{{ voice.greeting }} {{ customer.firstName }}, ऑर्डर {{ order.number }} डिलीवर हो गया है। उम्मीद है आपको पसंद आएगा। {{ voice.signOff }}, {{ brand.name }}' },
    id: { subject: 'Pesanan {{ order.number }} sudah diterima', body: '{{ voice.greeting }} {{ customer.firstName }}, pesanan {{ order.number }} sudah diterima. Semoga Anda suka. {{ voice.signOff }}, {{ brand.name }}' },
    ms: { subject: 'Pesanan {{ order.number }} telah diterima', body: '{{ voice.greeting }} {{ customer.firstName }}, pesanan {{ order.number }} telah diterima. Semoga anda menyukainya. {{ voice.signOff }}, {{ brand.name }}' },
  },
  order_delayed: {
    en: { subject: 'Order {{ order.number }} is running late', body: '{{ voice.greeting }} {{ customer.firstName }}, order {{ order.number }} is taking longer than we promised ({{ shipment.expectedBy }}). We are on it with {{ shipment.carrier }}; live status: {{ shipment.trackingUrl }} {{ voice.signOff }}, {{ brand.name }}' },
    hi: { subject: 'ऑर्डर {{ order.number }} में देरी हो रही है', body: '{{ voice.greeting }} {{ customer.firstName }}, ऑर्डर {{ order.number }} वादे की तारीख ({{ shipment.expectedBy }}) से देर से पहुँच रहा है। हम {{ shipment.carrier }} के साथ इस पर काम कर रहे हैं; ताज़ा स्थिति: {{ shipment.trackingUrl }} {{ voice.signOff }}, {{ brand.name }}' },
    id: { subject: 'Pesanan {{ order.number }} terlambat', body: '{{ voice.greeting }} {{ customer.firstName }}, pesanan {{ order.number }} lebih lama dari yang dijanjikan ({{ shipment.expectedBy }}). Kami sedang menanganinya bersama {{ shipment.carrier }}; status terkini: {{ shipment.trackingUrl }} {{ voice.signOff }}, {{ brand.name }}' },
    ms: { subject: 'Pesanan {{ order.number }} lewat', body: '{{ voice.greeting }} {{ customer.firstName }}, pesanan {{ order.number }} mengambil masa lebih lama daripada yang dijanjikan ({{ shipment.expectedBy }}). Kami sedang menguruskannya dengan {{ shipment.carrier }}; status terkini: {{ shipment.trackingUrl }} {{ voice.signOff }}, {{ brand.name }}' },
  },
  order_cancelled: {
    en: { subject: 'Order {{ order.number }} was cancelled', body: '{{ voice.greeting }} {{ customer.firstName }}, order {{ order.number }} was cancelled ({{ cancellation.reason }}). Any payment will be refunded to the original method. {{ voice.signOff }}, {{ brand.name }}' },
    hi: { subject: 'ऑर्डर {{ order.number }} रद्द कर दिया गया', body: '{{ voice.greeting }} {{ customer.firstName }}, ऑर्डर {{ order.number }} रद्द कर दिया गया ({{ cancellation.reason }})। किया गया भुगतान उसी माध्यम में वापस किया जाएगा। {{ voice.signOff }}, {{ brand.name }}' },
    id: { subject: 'Pesanan {{ order.number }} dibatalkan', body: '{{ voice.greeting }} {{ customer.firstName }}, pesanan {{ order.number }} dibatalkan ({{ cancellation.reason }}). Pembayaran akan dikembalikan ke metode semula. {{ voice.signOff }}, {{ brand.name }}' },
    ms: { subject: 'Pesanan {{ order.number }} telah dibatalkan', body: '{{ voice.greeting }} {{ customer.firstName }}, pesanan {{ order.number }} telah dibatalkan ({{ cancellation.reason }}). Sebarang bayaran akan dikembalikan melalui kaedah asal. {{ voice.signOff }}, {{ brand.name }}' },
  },
  order_returned: {
    en: { subject: 'Order {{ order.number }} could not be delivered', body: '{{ voice.greeting }} {{ customer.firstName }}, {{ shipment.carrier }} could not deliver order {{ order.number }} and it has come back to us. Reply to this message if you would like it sent again. {{ voice.signOff }}, {{ brand.name }}' },
    hi: { subject: 'ऑर्डर {{ order.number }} डिलीवर नहीं हो सका', body: '{{ voice.greeting }} {{ customer.firstName }}, {{ shipment.carrier }} ऑर्डर {{ order.number }} डिलीवर नहीं कर सका और वह हमारे पास लौट आया है। दोबारा भिजवाना हो तो इस संदेश का जवाब दें। {{ voice.signOff }}, {{ brand.name }}' },
    id: { subject: 'Pesanan {{ order.number }} tidak dapat diantar', body: '{{ voice.greeting }} {{ customer.firstName }}, {{ shipment.carrier }} tidak dapat mengantar pesanan {{ order.number }} dan paket kembali ke kami. Balas pesan ini jika ingin dikirim ulang. {{ voice.signOff }}, {{ brand.name }}' },
    ms: { subject: 'Pesanan {{ order.number }} tidak dapat dihantar', body: '{{ voice.greeting }} {{ customer.firstName }}, {{ shipment.carrier }} tidak dapat menghantar pesanan {{ order.number }} dan ia telah dikembalikan kepada kami. Balas mesej ini jika anda mahu ia dihantar semula. {{ voice.signOff }}, {{ brand.name }}' },
  },
};
