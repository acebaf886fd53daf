import type { Language } from '#config/brands';
import { MESSAGES, type NotificationKind } from './message-catalog.ts';

/** Meta's language codes for the languages brands write in. */
const META_LANGUAGE_CODES: Readonly<Record<Language, string>> = { en: 'en', hi: 'hi', id: 'id', ms: 'ms' };

/** A WhatsApp template as Meta approves it: a name, a language, a body with {{1}}…{{n}}. */
export interface WhatsAppTemplate {
  readonly name: string;
  /** The approved stand-in sent when Meta answers 132001 (template missing in that language). */
  readonly backupName: string;
  readonly languageCode: string;
  readonly body: string;
  /** The Liquid expression behind each numbered parameter, in order. */
  readonly parameters: readonly string[];
}

const OUTPUT = /\{\{\s*([^}]+?)\s*\}\}/g;
const TEMPLATE_VERSION = 'v1';

/**
 * Derives the Meta template from the catalog text: each `{{ expression }}` becomes the next
 * numbered parameter. Tags are refused (a WhatsApp body is static), and so are two parameters
 * with nothing at all between them, which no reader could tell apart.
 */
export function whatsAppTemplateFor(kind: NotificationKind, language: Language): WhatsAppTemplate {
  const text = MESSAGES[kind][language].body;
  if (text.includes('{%')) throw new Error(`${kind}/${language}: Liquid tags cannot become a WhatsApp template`);
  const parameters: string[] = [];
  const body = text.replace(OUTPUT, (_match, expression: string) => {
    parameters.push(expression);
    return `{{${parameters.length}}}`;
  });
  if (body.includes('}}{{')) throw new Error(`${kind}/${language}: two parameters with nothing between them`);
  const name = `${kind}_${TEMPLATE_VERSION}`;
  return { name, backupName: `${name}_backup`, languageCode: META_LANGUAGE_CODES[language], body, parameters };
}
