import type { Language } from '#config/brands';
import type { CanonicalOrder } from './canonical-order.ts';

/**
 * Which language and clock a customer is addressed in, shared by every place that speaks to
 * customers (messages, the address-confirmation page), so a customer never gets one page in
 * Hindi and the next in English, or a deadline in another zone's time.
 */

/** Intl locales for the languages brands write in: Indian English, so dates read '3 December'. */
export const LOCALES: Readonly<Record<Language, string>> = { en: 'en-IN', hi: 'hi-IN', id: 'id-ID', ms: 'ms-MY' };

/** The customer's preferred language if the brand writes in it, else the brand's first. */
export function languageFor(order: Pick<CanonicalOrder, 'customer'>, brandLanguages: readonly Language[]): Language {
  const preferred = order.customer.preferredLanguage;
  if (preferred && brandLanguages.includes(preferred)) return preferred;
  const fallback = brandLanguages[0];
  // A brand without languages is a configuration defect; guessing one would message in a language nobody approved.
  if (!fallback) throw new Error('the brand writes in no language');
  return fallback;
}

const WIB = 'Asia/Jakarta';
const WITA = 'Asia/Makassar';
const WIT = 'Asia/Jayapura';

/** ISO 3166-2:ID codes (Shopify's province_code) outside WIB. */
const ID_ZONE_BY_CODE: Readonly<Record<string, string>> = {
  BA: WITA, NB: WITA, NT: WITA, KS: WITA, KI: WITA, KU: WITA, GO: WITA, SA: WITA, ST: WITA, SN: WITA, SG: WITA, SR: WITA,
  MA: WIT, MU: WIT, PA: WIT, PB: WIT, PD: WIT, PE: WIT, PS: WIT, PT: WIT,
};

const normalise = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

/**
 * Indonesia spans three zones. Province names arrive in Indonesian or English ('Kalimantan
 * Selatan', 'South Kalimantan', 'Papua Barat Daya') or as codes, so the rules look for the
 * island and, for Kalimantan, the compass point. Unknown names fall back to WIB, where most
 * customers live.
 */
function indonesianZone(province: string | undefined): string {
  if (!province) return WIB;
  const code = province.trim().toUpperCase().replace(/^ID-/, '');
  const byCode = ID_ZONE_BY_CODE[code];
  if (byCode) return byCode;
  const name = ` ${normalise(province)} `;
  if (/ (papua|irian|maluku|moluccas) /.test(name)) return WIT;
  if (/ (bali|nusa tenggara|ntb|ntt|sulawesi|celebes|gorontalo) /.test(name)) return WITA;
  // West and Central Kalimantan keep Jakarta's time; the south, east and north are an hour ahead.
  if (/ kalimantan /.test(name) || /^ (kalsel|kaltim|kaltara) $/.test(name)) {
    return / (selatan|south|timur|east|utara|north|kalsel|kaltim|kaltara) /.test(name) ? WITA : WIB;
  }
  return WIB;
}

/** The IANA time zone of the delivery address. */
export function customerTimeZone(address: { country: 'IN' | 'ID' | 'MY'; province?: string }): string {
  switch (address.country) {
    case 'IN':
      return 'Asia/Kolkata';
    case 'MY':
      // Sabah and Sarawak share peninsular Malaysia's UTC+8.
      return 'Asia/Kuala_Lumpur';
    case 'ID':
      return indonesianZone(address.province);
  }
}
