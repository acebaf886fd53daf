import type { BrandConfig, Language } from '#config/brands';
import { brandVoiceFor } from '#config/brand-voice';
import { findProduct } from '#config/catalog';
import type { CanonicalOrder } from '#shared/canonical-order';
import { LOCALES } from '#shared/customer-locale';
import type { NotificationIntent } from './notification-intent.ts';

/** Where the words come from when an event lacks a fact a message names: never a blank in front of a customer. */
const OUR_TEAM: Readonly<Record<Language, string>> = { en: 'our warehouse team', hi: 'हमारी वेयरहाउस टीम', id: 'tim gudang kami', ms: 'pasukan gudang kami' };

/** Shopify's cancel_reason values, in the customer's words. */
const CANCEL_REASONS: Readonly<Record<string, Readonly<Record<Language, string>>>> = {
  customer: { en: 'as you asked', hi: 'आपके अनुरोध पर', id: 'sesuai permintaan Anda', ms: 'atas permintaan anda' },
  inventory: { en: 'an item ran out of stock', hi: 'एक आइटम स्टॉक में नहीं रहा', id: 'ada barang yang habis', ms: 'ada barang yang kehabisan stok' },
  declined: { en: 'the payment did not go through', hi: 'भुगतान पूरा नहीं हुआ', id: 'pembayaran tidak berhasil', ms: 'pembayaran tidak berjaya' },
  address: { en: 'the delivery address was not confirmed', hi: 'डिलीवरी का पता कन्फ़र्म नहीं हुआ', id: 'alamat pengiriman tidak dikonfirmasi', ms: 'alamat penghantaran tidak disahkan' },
};
const CANCELLED_BY_STORE: Readonly<Record<Language, string>> = { en: 'by the store', hi: 'स्टोर द्वारा', id: 'oleh toko', ms: 'oleh kedai' };


export interface MessageContextInput {
  readonly brand: BrandConfig;
  readonly order: CanonicalOrder;
  readonly intent: NotificationIntent;
  readonly language: Language;
  readonly timeZone: string;
  /** Base URL of this deployment's public API, for the address-confirmation reply link. */
  readonly publicApiUrl: string;
}

/**
 * The Liquid variables of one message. Everything customer-specific comes from the one order the
 * event named (the recipient's own order); the event contributes only shipment facts, so a
 * message cannot carry another customer's name, number or link.
 */
export function messageContext({ brand, order, intent, language, timeZone, publicApiUrl }: MessageContextInput): Record<string, unknown> {
  const voice = brandVoiceFor(brand);
  const facts = intent.facts as {
    shipment?: { carrier?: string; awb?: string; trackingUrl?: string; promisedBy?: string };
    substitution?: { originalSku: string; substituteSku: string };
    confirmation?: { replyPath: string; expiresAt: string };
    cancellation?: { reason?: string };
  };
  const date = (iso: string) => new Intl.DateTimeFormat(LOCALES[language], { day: 'numeric', month: 'long', timeZone }).format(new Date(iso));
  const dateTime = (iso: string) =>
    new Intl.DateTimeFormat(LOCALES[language], { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone }).format(new Date(iso));
  const shipment = facts.shipment ?? {};
  const reason = order.cancelReason ?? facts.cancellation?.reason;
  return {
    voice: { greeting: voice.greeting[language], signOff: voice.signOff[language] },
    brand: { name: brand.name },
    customer: { firstName: order.customer.name.trim().split(/\s+/)[0] },
    order: { number: order.orderNumber },
    shipment: {
      carrier: shipment.carrier ?? OUR_TEAM[language],
      awb: shipment.awb ?? '-',
      // The storefront's order page when the carrier gave no link (for example a dispatch that is late).
      trackingUrl: shipment.trackingUrl ?? `https://${brand.storefrontDomain}/account`,
      expectedBy: shipment.promisedBy ? date(shipment.promisedBy) : '-',
    },
    substitution: facts.substitution
      ? { original: productTitle(facts.substitution.originalSku), substitute: productTitle(facts.substitution.substituteSku) }
      : undefined,
    confirmation: facts.confirmation
      ? { replyUrl: `${publicApiUrl.replace(/\/+$/, '')}${facts.confirmation.replyPath}`, expiresAt: dateTime(facts.confirmation.expiresAt) }
      : undefined,
    cancellation: { reason: (reason && CANCEL_REASONS[reason]?.[language]) ?? CANCELLED_BY_STORE[language] },
  };
}

function productTitle(sku: string): string {
  return findProduct(sku)?.title ?? sku;
}
