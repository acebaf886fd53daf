import type { Language } from '#config/brands';

/**
 * What a customer's WhatsApp message asks for, so the common question ("where is my order?")
 * gets an answer in seconds and opt-outs are honoured without a human. Keywords, not a model:
 * the phrases are few and a wrong guess must be easy to explain. Anything unsure is `other`,
 * which goes to the support inbox as before.
 */
export type InboundIntent = 'wismo' | 'opt_out' | 'opt_in' | 'other';

export interface InboundClassification {
  readonly intent: InboundIntent;
  readonly language?: Language;
  /** The storefront's order number format: '#' and digits. */
  readonly orderNumber?: string;
}

const POLITE = '(?:please |pls |plz |kindly |tolong |mohon |sila |kripya |कृपया )?';
const POLITE_AFTER = '(?: please| pls| plz| ji| jee| sahaja| ya| dong)?';

/**
 * Opt-out commands are the whole message: "stop" inside a sentence ("my parcel stopped at the
 * hub", "paket berhenti di gudang") is not a request to stop messaging.
 */
const OPT_OUT_COMMAND = new RegExp(
  `^${POLITE}(?:stop(?: all| it| messages?| whatsapp)?|unsubscribe|unsub|opt ?out|berhenti|henti(?:kan)?|(?:messages? |msgs? )?bandh? (?:karo|kar do|kardo|karein|kijiye)|bandh?|(?:मैसेज |संदेश )?बंद(?: करो| करें| कर दो| कीजिए)?)${POLITE_AFTER}$`,
);
/** Phrases that mean "stop messaging me" wherever they appear. */
const OPT_OUT_PHRASES = [
  /\bunsubscribe\b/,
  /\bopt(?:ed)? ?out\b/,
  /\bstop (?:sending|messaging|texting|spamming|these messages|the messages|all messages|whatsapp)\b/,
  /\b(?:don'?t|do not|never) (?:message|text|send me|contact|whatsapp) me\b|\b(?:don'?t|do not) send me (?:messages|whatsapp|texts)\b/,
  /\b(?:messages?|msgs?|sms|whatsapp) (?:mat|na|mt) bhej(?:o|e|ein|en|iye|na)\b/,
  /(?:मैसेज|मेसेज|संदेश) (?:मत|ना) भेज/,
  /\bberhenti (?:langganan|berlangganan|kirim|mengirim|hantar|menghantar)\b/,
  /\bjangan (?:kirim|hantar|ganggu)(?: saya)? (?:pesan|mesej|message|msg|lagi)\b/,
  /\b(?:stop|henti|hentikan) (?:langganan|pesan|mesej)\b/,
];
const OPT_IN_COMMAND = new RegExp(
  `^${POLITE}(?:start|unstop|subscribe|resume|mulai|mula|mulakan|langgan|shuru(?: karo| kar do| kijiye)?|शुरू(?: करो| करें| कर दो)?)(?: again| lagi| semula| messages?)?${POLITE_AFTER}$`,
);

const PARCEL_EN = '(?:order|orders|package|parcel|delivery|shipment|stuff|item|items)';
const PARCEL_HI = '(?:order|parcel|package|saman|samaan|delivery|product)';
const PARCEL_HI_DEVANAGARI = '(?:ऑर्डर|आर्डर|ओर्डर|पार्सल|सामान|डिलीवरी|पैकेट)';
const PARCEL_ID_MS = '(?:pesanan|paket|barang|orderan|order|bungkusan|parcel|kiriman)';

/** "Where is my order?" in the ways customers of these brands write it. */
const WISMO_PHRASES = [
  // en
  new RegExp(`\\bwhere(?:'?s| is| are)?\\b.{0,30}\\b${PARCEL_EN}\\b`),
  /\b(?:order|delivery|shipping|shipment|tracking) status\b|\bstatus (?:of|on) (?:my|the)\b/,
  /\btrack(?:ing)?\b.{0,20}\b(?:order|package|parcel|shipment|number|link|id)\b/,
  /\bwhen (?:will|would|does|do|is|can|should)\b.{0,40}\b(?:arrive|arriving|deliver|delivered|delivery|reach|ship|shipped|dispatch|dispatched|come|coming|get it|receive)\b/,
  /\bwismo\b/,
  /(?:\bnot|n't|\bnever|\byet to)\b.{0,20}\b(?:received|receive|arrived|delivered)\b/,
  // hi, romanised
  new RegExp(`\\b${PARCEL_HI}\\b.{0,25}\\b(?:kahan|kahaan|kaha|kidhar|kab|status)\\b`),
  new RegExp(`\\b(?:kahan|kahaan|kaha|kidhar)\\b.{0,25}\\b${PARCEL_HI}\\b`),
  /\bkab (?:tak )?(?:aayega|ayega|aaega|aega|aayegi|aaegi|milega|milegi|pahunchega|pahuchega|deliver hoga|aa jayega)\b/,
  /\b(?:nahi|nahin|nai) (?:aaya|aya|mila|pahuncha)\b/,
  // hi, Devanagari (no \b: JavaScript's word boundary knows only ASCII letters)
  new RegExp(`${PARCEL_HI_DEVANAGARI}.{0,25}(?:कहाँ|कहां|किधर|कब|स्टेटस)`),
  new RegExp(`(?:कहाँ|कहां|किधर).{0,25}${PARCEL_HI_DEVANAGARI}`),
  /कब (?:तक )?(?:आएगा|आयेगा|आएगी|आयेगी|मिलेगा|मिलेगी|पहुँचेगा|पहुंचेगा)/,
  /(?:नहीं|नही) (?:आया|मिला|पहुँचा|पहुंचा)/,
  // id and ms
  new RegExp(`\\b(?:di ?mana|mana)\\b.{0,25}\\b${PARCEL_ID_MS}\\b`),
  new RegExp(`\\b${PARCEL_ID_MS}\\b.{0,25}\\b(?:sampai mana|di ?mana|kapan|bila|belum (?:sampai|datang|diterima|tiba|terima)|sudah (?:sampai|dikirim|dihantar))\\b`),
  /\bstatus (?:pesanan|paket|order|orderan|pengiriman|penghantaran|kiriman|bungkusan|parcel)\b/,
  /\bpaket saya\b/,
  /\b(?:kapan|bila)\b.{0,30}\b(?:sampai|tiba|datang|dikirim|dihantar|hantar|diterima|terima)\b/,
  /\b(?:cek|lacak|jejak|semak) (?:resi|paket|pesanan|status|bungkusan|parcel|penghantaran)\b/,
];

/** Words that, next to an order number and nothing else, still ask for its status. */
const FILLER = /\b(?:order|orders|status|my|no|number|so|pesanan|saya|nomor|mera|please|pls|hi|hello|halo|hai|salam|namaste)\b/g;

const HI_MARKERS = new Set(['mera', 'meri', 'mere', 'mujhe', 'kahan', 'kahaan', 'kaha', 'kidhar', 'kab', 'hai', 'hain', 'kya', 'karo', 'kardo', 'nahi', 'nahin', 'aayega', 'ayega', 'aaega', 'milega', 'milegi', 'bhejo', 'bhai', 'ji', 'abhi', 'tak', 'aaya', 'mila', 'band', 'bandh', 'shuru', 'hoga', 'gaya', 'raha', 'rahi', 'mein', 'dhanyavad', 'shukriya']);
const ID_MS_MARKERS = new Set(['saya', 'pesanan', 'di', 'mana', 'dimana', 'sampai', 'kapan', 'bila', 'paket', 'barang', 'sudah', 'belum', 'apa', 'terima', 'kasih', 'berhenti', 'henti', 'mulai', 'mula', 'mulakan', 'tolong', 'mohon', 'sila', 'hantar', 'dihantar', 'bungkusan', 'tiba', 'dikirim', 'kirim', 'resi', 'lacak', 'jejak', 'semak', 'yang', 'dan', 'ini', 'itu', 'ada', 'bisa', 'encik', 'sahaja', 'nak', 'pengiriman', 'penghantaran', 'orderan', 'kiriman', 'langganan']);
/** Words an Indonesian would not write; everything else shared by both is taken as Indonesian. */
const MS_MARKERS = new Set(['bila', 'sahaja', 'encik', 'puan', 'cik', 'hantar', 'dihantar', 'menghantar', 'bungkusan', 'penghantaran', 'nak', 'mahu', 'awak', 'semak', 'jejak', 'mesej', 'mulakan', 'semula']);
const EN_MARKERS = new Set(['where', 'is', 'my', 'the', 'when', 'will', 'it', 'track', 'tracking', 'please', 'thanks', 'thank', 'you', 'i', 'love', 'arrive', 'what', 'stop', 'start', 'unsubscribe', 'hello', 'hi', 'yet', 'received', 'delivered', 'package', 'wismo', 'of', 'has', 'have', 'not', 'this', 'that', 'me', 'can', 'your', 'for', 'and', 'are', 'was', "where's", "haven't", 'still']);

function guessLanguage(words: string): Language | undefined {
  if (/\p{Script=Devanagari}/u.test(words)) return 'hi';
  const tokens = words.split(' ');
  const score = (markers: ReadonlySet<string>) => tokens.filter((token) => markers.has(token)).length;
  const hi = score(HI_MARKERS);
  const idMs = score(ID_MS_MARKERS);
  const en = score(EN_MARKERS);
  const best = Math.max(hi, idMs, en);
  if (best === 0) return undefined;
  if (hi === best) return 'hi';
  if (idMs === best) return score(MS_MARKERS) > 0 ? 'ms' : 'id';
  return 'en';
}

/**
 * '#1042', 'SO 1042', 'order 1042' → '#1042'. A bare number needs four digits, and amounts
 * ('Rs 1499'), dates and phone numbers or AWBs (ten digits and more) are not order numbers.
 */
function findOrderNumber(text: string): string | undefined {
  const hashed = /#\s*(\d{1,12})(?!\d)/.exec(text);
  if (hashed) return `#${hashed[1]}`;
  const bare = /(?<![\p{N}.,/:])(?<!(?:rs|rp|rm|inr|idr|myr|₹)\.?\s?)(\d{4,9})(?![\p{N}.,/:-])/iu.exec(text);
  return bare ? `#${bare[1]}` : undefined;
}

export function classifyInbound(text: string): InboundClassification {
  const lower = text.normalize('NFC').toLowerCase().replace(/[‘’`´]/g, "'");
  // Letters (with Devanagari's vowel signs), digits, '#' and apostrophes; the rest is spacing.
  const words = lower.replace(/[^\p{L}\p{M}\p{N}#']+/gu, ' ').replace(/(^| )'+|'+( |$)/g, ' ').trim().replace(/ +/g, ' ');
  const language = guessLanguage(words);
  const orderNumber = findOrderNumber(lower);
  const result = (intent: InboundIntent): InboundClassification => ({
    intent,
    ...(language ? { language } : {}),
    ...(orderNumber ? { orderNumber } : {}),
  });
  // Opting out first: a message that asks where the order is and to stop messaging means stop.
  if (OPT_OUT_COMMAND.test(words) || OPT_OUT_PHRASES.some((phrase) => phrase.test(words))) return result('opt_out');
  if (OPT_IN_COMMAND.test(words)) return result('opt_in');
  if (WISMO_PHRASES.some((phrase) => phrase.test(words))) return result('wismo');
  if (orderNumber) {
    const rest = words.replace(/#?\s*\d+/g, ' ').replace(FILLER, ' ').trim();
    if (rest === '' || /\bstatus\b/.test(words)) return result('wismo');
  }
  return result('other');
}
