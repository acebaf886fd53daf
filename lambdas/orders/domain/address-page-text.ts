import type { Language } from '#config/brands';

/**
 * The words of the address-confirmation page, in every language a brand may write in. Liquid,
 * with the variables named beside each key; `greeting` and `signOff` come from the brand's voice,
 * so the page sounds like the WhatsApp message that linked to it.
 */
export interface AddressPageText {
  readonly title: string;
  /** greeting, firstName, orderNumber */
  readonly intro: string;
  /** deadline */
  readonly deadline: string;
  readonly shipTo: string;
  readonly confirm: string;
  readonly cancelAsk: string;
  readonly cancelWarning: string;
  readonly cancelConfirm: string;
  readonly correctHeading: string;
  readonly line1: string;
  readonly line2: string;
  readonly city: string;
  readonly province: string;
  /** By the country the parcel goes to: an Indian reads "PIN code", a Malaysian "postcode". */
  readonly postalCode: Readonly<Record<'IN' | 'ID' | 'MY', string>>;
  readonly save: string;
  readonly optional: string;
  /** orderNumber */
  readonly confirmed: string;
  /** orderNumber */
  readonly corrected: string;
  /** orderNumber */
  readonly cancelled: string;
  readonly alreadyAnswered: string;
  readonly tooLate: string;
  readonly notFound: string;
  readonly checkFields: string;
  /** postalCode, postalCodeName */
  readonly unknownPostalCode: string;
  readonly fieldRequired: string;
}

export const ADDRESS_PAGE_TEXT: Readonly<Record<Language, AddressPageText>> = {
  en: {
    title: 'Confirm your delivery address',
    intro: '{{ greeting }} {{ firstName }}, before we ship your cash-on-delivery order {{ orderNumber }}, please check where it should go.',
    deadline: 'Please answer by {{ deadline }}.',
    shipTo: 'We will deliver to',
    confirm: 'Yes, deliver here',
    cancelAsk: 'I no longer want this order',
    cancelWarning: 'The order will be cancelled and nothing will be delivered.',
    cancelConfirm: 'Cancel my order',
    correctHeading: 'Something wrong? Correct the address',
    line1: 'House, street',
    line2: 'Area, landmark',
    city: 'City',
    province: 'State',
    postalCode: { IN: 'PIN code', ID: 'Postal code', MY: 'Postcode' },
    save: 'Deliver to this address',
    optional: 'optional',
    confirmed: 'Thank you! Your address is confirmed, and order {{ orderNumber }} will be on its way soon.',
    corrected: 'Thank you! Order {{ orderNumber }} will be delivered to the corrected address.',
    cancelled: 'Order {{ orderNumber }} is cancelled. Nothing is due, as it was cash on delivery.',
    alreadyAnswered: 'This address has already been confirmed, corrected or cancelled. Nothing more is needed.',
    tooLate: 'The time to answer has passed, and the store has already decided what happens to this order.',
    notFound: 'This link is not valid or has expired.',
    checkFields: 'Please check the fields marked below.',
    unknownPostalCode: '{{ postalCodeName }} {{ postalCode }} was not found. Please check it.',
    fieldRequired: 'Please fill this in.',
  },
  hi: {
    title: 'डिलीवरी का पता कन्फ़र्म करें',
    intro: '{{ greeting }} {{ firstName }}, आपका कैश-ऑन-डिलीवरी ऑर्डर {{ orderNumber }} भेजने से पहले कृपया देख लें कि इसे कहाँ पहुँचाना है।',
    deadline: 'कृपया {{ deadline }} तक जवाब दें।',
    shipTo: 'हम यहाँ डिलीवर करेंगे',
    confirm: 'हाँ, यहीं डिलीवर करें',
    cancelAsk: 'मुझे यह ऑर्डर अब नहीं चाहिए',
    cancelWarning: 'ऑर्डर रद्द हो जाएगा और कुछ भी डिलीवर नहीं होगा।',
    cancelConfirm: 'मेरा ऑर्डर रद्द करें',
    correctHeading: 'कुछ गलत है? पता ठीक करें',
    line1: 'मकान नंबर, गली',
    line2: 'इलाका, लैंडमार्क',
    city: 'शहर',
    province: 'राज्य',
    postalCode: { IN: 'पिन कोड', ID: 'पोस्टल कोड', MY: 'पोस्टकोड' },
    save: 'इस पते पर डिलीवर करें',
    optional: 'वैकल्पिक',
    confirmed: 'धन्यवाद! आपका पता कन्फ़र्म हो गया है, और ऑर्डर {{ orderNumber }} जल्द ही रवाना होगा।',
    corrected: 'धन्यवाद! ऑर्डर {{ orderNumber }} ठीक किए गए पते पर डिलीवर होगा।',
    cancelled: 'ऑर्डर {{ orderNumber }} रद्द हो गया है। कैश-ऑन-डिलीवरी था, इसलिए कुछ भी देना नहीं है।',
    alreadyAnswered: 'यह पता पहले ही कन्फ़र्म, ठीक या रद्द किया जा चुका है। अब कुछ करने की ज़रूरत नहीं है।',
    tooLate: 'जवाब देने का समय निकल गया है, और स्टोर इस ऑर्डर के बारे में पहले ही फ़ैसला कर चुका है।',
    notFound: 'यह लिंक मान्य नहीं है या इसकी समय-सीमा खत्म हो गई है।',
    checkFields: 'कृपया नीचे चिह्नित जानकारी जाँच लें।',
    unknownPostalCode: '{{ postalCodeName }} {{ postalCode }} नहीं मिला। कृपया इसे जाँच लें।',
    fieldRequired: 'कृपया यह भरें।',
  },
  id: {
    title: 'Konfirmasi alamat pengiriman',
    intro: '{{ greeting }} {{ firstName }}, sebelum pesanan COD {{ orderNumber }} dikirim, mohon periksa ke mana pesanan harus diantar.',
    deadline: 'Mohon jawab sebelum {{ deadline }}.',
    shipTo: 'Kami akan mengantar ke',
    confirm: 'Ya, antar ke sini',
    cancelAsk: 'Saya tidak lagi menginginkan pesanan ini',
    cancelWarning: 'Pesanan akan dibatalkan dan tidak ada yang dikirim.',
    cancelConfirm: 'Batalkan pesanan saya',
    correctHeading: 'Ada yang salah? Perbaiki alamat',
    line1: 'Jalan, nomor rumah',
    line2: 'RT/RW, kelurahan, patokan',
    city: 'Kota/Kabupaten',
    province: 'Provinsi',
    postalCode: { IN: 'Kode PIN', ID: 'Kode pos', MY: 'Poskod' },
    save: 'Antar ke alamat ini',
    optional: 'opsional',
    confirmed: 'Terima kasih! Alamat Anda sudah dikonfirmasi, dan pesanan {{ orderNumber }} akan segera dikirim.',
    corrected: 'Terima kasih! Pesanan {{ orderNumber }} akan diantar ke alamat yang sudah diperbaiki.',
    cancelled: 'Pesanan {{ orderNumber }} dibatalkan. Tidak ada yang perlu dibayar karena pesanan ini COD.',
    alreadyAnswered: 'Alamat ini sudah dikonfirmasi, diperbaiki, atau dibatalkan. Tidak ada lagi yang perlu dilakukan.',
    tooLate: 'Waktu untuk menjawab sudah lewat, dan toko sudah memutuskan kelanjutan pesanan ini.',
    notFound: 'Tautan ini tidak valid atau sudah kedaluwarsa.',
    checkFields: 'Mohon periksa kolom yang ditandai di bawah.',
    unknownPostalCode: '{{ postalCodeName }} {{ postalCode }} tidak ditemukan. Mohon periksa kembali.',
    fieldRequired: 'Mohon diisi.',
  },
  ms: {
    title: 'Sahkan alamat penghantaran',
    intro: '{{ greeting }} {{ firstName }}, sebelum pesanan COD {{ orderNumber }} dihantar, sila semak ke mana pesanan ini patut dihantar.',
    deadline: 'Sila jawab sebelum {{ deadline }}.',
    shipTo: 'Kami akan menghantar ke',
    confirm: 'Ya, hantar ke sini',
    cancelAsk: 'Saya tidak mahu pesanan ini lagi',
    cancelWarning: 'Pesanan akan dibatalkan dan tiada apa-apa akan dihantar.',
    cancelConfirm: 'Batalkan pesanan saya',
    correctHeading: 'Ada yang salah? Betulkan alamat',
    line1: 'No. rumah, jalan',
    line2: 'Taman, kawasan, mercu tanda',
    city: 'Bandar',
    province: 'Negeri',
    postalCode: { IN: 'Kod PIN', ID: 'Kode pos', MY: 'Poskod' },
    save: 'Hantar ke alamat ini',
    optional: 'pilihan',
    confirmed: 'Terima kasih! Alamat anda telah disahkan, dan pesanan {{ orderNumber }} akan dihantar tidak lama lagi.',
    corrected: 'Terima kasih! Pesanan {{ orderNumber }} akan dihantar ke alamat yang telah dibetulkan.',
    cancelled: 'Pesanan {{ orderNumber }} telah dibatalkan. Tiada bayaran perlu dibuat kerana ia pesanan COD.',
    alreadyAnswered: 'Alamat ini telah pun disahkan, dibetulkan atau dibatalkan. Tiada apa-apa lagi yang perlu dibuat.',
    tooLate: 'Masa untuk menjawab telah tamat, dan kedai telah pun memutuskan apa yang berlaku kepada pesanan ini.',
    notFound: 'Pautan ini tidak sah atau telah tamat tempoh.',
    checkFields: 'Sila semak ruangan yang ditanda di bawah.',
    unknownPostalCode: '{{ postalCodeName }} {{ postalCode }} tidak ditemui. Sila semak semula.',
    fieldRequired: 'Sila isi ruangan ini.',
  },
};

/** Each language's own name, for the switcher at the top of the page. */
export const LANGUAGE_NAMES: Readonly<Record<Language, string>> = { en: 'English', hi: 'हिन्दी', id: 'Bahasa Indonesia', ms: 'Bahasa Melayu' };
