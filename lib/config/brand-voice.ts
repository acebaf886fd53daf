import type { Language } from './brands.ts';

/**
 * How each brand talks to its customers: the greeting and sign-off in every language it may
 * write in, and whether it uses emoji. Messages take these as parameters, so one approved
 * WhatsApp template per event and language serves every brand, each in its own voice.
 */
export interface BrandVoice {
  readonly tone: 'warm' | 'playful' | 'calm';
  /** Emoji in greetings and sign-offs; `none` for brands whose customers find them unserious. */
  readonly emoji: 'none' | 'light';
  readonly greeting: Readonly<Record<Language, string>>;
  readonly signOff: Readonly<Record<Language, string>>;
}

const WARM: BrandVoice = {
  tone: 'warm',
  emoji: 'none',
  greeting: { en: 'Namaste', hi: 'नमस्ते', id: 'Halo', ms: 'Salam' },
  signOff: { en: 'With love', hi: 'प्यार सहित', id: 'Salam hangat', ms: 'Salam mesra' },
};
const PLAYFUL: BrandVoice = {
  tone: 'playful',
  emoji: 'light',
  greeting: { en: 'Hey there ✨', hi: 'हैलो ✨', id: 'Hai ✨', ms: 'Hai ✨' },
  signOff: { en: 'Stay glowing 🌿', hi: 'चमकते रहिए 🌿', id: 'Tetap bersinar 🌿', ms: 'Terus berseri 🌿' },
};
const CALM: BrandVoice = {
  tone: 'calm',
  emoji: 'none',
  greeting: { en: 'Hello', hi: 'नमस्कार', id: 'Selamat datang', ms: 'Selamat sejahtera' },
  signOff: { en: 'Warm regards', hi: 'सादर', id: 'Salam', ms: 'Salam hormat' },
};

/** By category, so a new brand has a voice from day one; a brand's own entry overrides it. */
const VOICE_BY_CATEGORY = { fashion: WARM, beauty: PLAYFUL, home: CALM } as const;
const BRAND_VOICES: Readonly<Record<string, Partial<BrandVoice>>> = {
  'monsoon-kids': { tone: 'playful', emoji: 'light', greeting: { en: 'Hello, little explorer’s grown-up 🌧️', hi: 'नमस्ते 🌧️', id: 'Halo 🌧️', ms: 'Helo 🌧️' } },
};

export function brandVoiceFor(brand: { readonly id: string; readonly category: keyof typeof VOICE_BY_CATEGORY }): BrandVoice {
  return { ...VOICE_BY_CATEGORY[brand.category], ...BRAND_VOICES[brand.id] };
}
