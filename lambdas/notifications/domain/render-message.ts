import { Liquid } from 'liquidjs';
import type { Language } from '#config/brands';
import { MESSAGES, type NotificationKind } from './message-catalog.ts';
import { whatsAppTemplateFor } from './whatsapp-template.ts';

/**
 * Strict: a variable the context lacks is an error, not an empty string, so a message never goes
 * out with a hole in it ("your order  has shipped"). Output is not HTML-escaped: these are plain
 * text for WhatsApp and the email's text part.
 */
const liquid = new Liquid({ strictVariables: true, strictFilters: true, ownPropertyOnly: true });

export interface RenderedMessage {
  readonly subject: string;
  readonly text: string;
  readonly whatsapp: { readonly name: string; readonly backupName: string; readonly languageCode: string; readonly parameters: readonly string[] };
}

/** One message, rendered for one customer: the email's subject and text, and the WhatsApp template's parameters. */
export async function renderMessage(kind: NotificationKind, language: Language, context: Record<string, unknown>): Promise<RenderedMessage> {
  const source = MESSAGES[kind][language];
  const template = whatsAppTemplateFor(kind, language);
  const [subject, text, ...parameters] = await Promise.all([
    liquid.parseAndRender(source.subject, context),
    liquid.parseAndRender(source.body, context),
    ...template.parameters.map((expression) => liquid.parseAndRender(`{{ ${expression} }}`, context)),
  ]);
  const empty = parameters.findIndex((parameter) => parameter.trim() === '');
  // Meta refuses an empty parameter; a blank value is as much a hole as a missing one.
  if (empty !== -1) throw new Error(`${kind}/${language}: parameter ${empty + 1} (${template.parameters[empty]}) is empty`);
  return { subject: subject!, text: text!, whatsapp: { name: template.name, backupName: template.backupName, languageCode: template.languageCode, parameters } };
}
