import type { Language } from '#config/brands';

export type ConfirmationAnswer = 'yes' | 'cancel';

/** Whole-message answers only: "yes" inside a longer sentence is not taken as consent to ship. */
const YES = /^(yes|y|ok|okay|confirm|confirmed|correct|haan|han|haa|ha|ji haan|हाँ|हां|हा|जी हाँ|ya|iya|betul|benar|setuju)$/;
// Only the word for cancelling: a bare "no" may mean "that address is wrong", which a cancellation would not fix.
const CANCEL = /^(cancel|cancel order|cancel it|batal|batalkan|रद्द|रद्द करें|radd|radd karo|cancel karo)$/;

/** The customer's reply to "confirm your address", when the whole message is one: YES/CANCEL in any of the brand languages. */
export function confirmationAnswerOf(text: string): ConfirmationAnswer | undefined {
  const words = text.trim().toLowerCase().replace(/[.!?।]+$/u, '').trim();
  if (YES.test(words)) return 'yes';
  if (CANCEL.test(words)) return 'cancel';
  return undefined;
}

const ACKNOWLEDGEMENTS: Readonly<Record<ConfirmationAnswer, Readonly<Record<Language, string>>>> = {
  yes: {
    en: 'Thank you, address confirmed: order {orderNumber} will be on its way soon.',
    hi: 'धन्यवाद, पता कन्फ़र्म हो गया: ऑर्डर {orderNumber} जल्द ही भेजा जाएगा।',
    id: 'Terima kasih, alamat sudah dikonfirmasi: pesanan {orderNumber} akan segera dikirim.',
    ms: 'Terima kasih, alamat telah disahkan: pesanan {orderNumber} akan dihantar tidak lama lagi.',
  },
  cancel: {
    en: 'Order {orderNumber} is cancelled as you asked. Nothing will be delivered or charged.',
    hi: 'आपके कहने पर ऑर्डर {orderNumber} रद्द कर दिया गया है। कुछ भी डिलीवर या चार्ज नहीं होगा।',
    id: 'Pesanan {orderNumber} dibatalkan sesuai permintaan Anda. Tidak ada yang dikirim atau ditagih.',
    ms: 'Pesanan {orderNumber} dibatalkan seperti yang diminta. Tiada apa-apa akan dihantar atau dicaj.',
  },
};

/** What the customer reads once their answer is recorded. */
export function acknowledgementOf(answer: ConfirmationAnswer, language: Language, orderNumber: string): string {
  return ACKNOWLEDGEMENTS[answer][language].replace('{orderNumber}', orderNumber);
}
