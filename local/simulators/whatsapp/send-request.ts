import { jsonObject } from '../erp/http-harness.ts';
import { invalidParameter, type GraphError } from './graph-errors.ts';

/**
 * Reads the body of `POST /{version}/{phone-number-id}/messages` as the Cloud API does, for the
 * two message types the notifications send: a `template` (any time) and a `text` (only inside
 * the customer's 24 h window). Anything malformed is refused with code 100, naming the field.
 */

interface Addressed {
  /** `to` exactly as sent, for the `contacts[].input` of the answer. */
  readonly input: string;
  /** `to` without the '+': the WhatsApp id. */
  readonly waId: string;
}

export interface TemplateSend extends Addressed {
  readonly type: 'template';
  readonly name: string;
  readonly languageCode: string;
  readonly parameters: readonly string[];
}

export interface TextSend extends Addressed {
  readonly type: 'text';
  readonly body: string;
}

export type SendRequest = TemplateSend | TextSend;

/** E.164 allows at most 15 digits; no real number has fewer than 7. */
const PHONE = /^\+?(\d{7,15})$/;
const TEXT_BODY_LIMIT = 4096;

/** The WhatsApp id (digits only) of a number written with or without '+', or undefined. */
export function waIdOf(phone: string): string | undefined {
  return PHONE.exec(phone)?.[1];
}

const objectOr = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

export function parseSendRequest(raw: string): SendRequest | GraphError {
  const body = jsonObject(raw);
  if (!body) return invalidParameter('The request body must be a JSON object.');
  if (body.messaging_product !== 'whatsapp') return invalidParameter("messaging_product: the parameter messaging_product is required and must be 'whatsapp'.");
  if (typeof body.to !== 'string') return invalidParameter('to: the parameter to is required.');
  const waId = waIdOf(body.to);
  if (waId === undefined) return invalidParameter(`to: '${body.to}' is not a phone number in international format (7 to 15 digits, '+' optional).`);
  const addressed: Addressed = { input: body.to, waId };
  if (body.type === 'template') return parseTemplate(body.template, addressed);
  if (body.type === 'text') return parseText(body.text, addressed);
  return invalidParameter(`type: only 'template' and 'text' messages are simulated, got ${JSON.stringify(body.type ?? null)}.`);
}

function parseText(value: unknown, addressed: Addressed): TextSend | GraphError {
  const text = objectOr(value);
  if (!text || !nonEmpty(text.body)) return invalidParameter("text.body: the parameter text['body'] is required.");
  if (text.body.length > TEXT_BODY_LIMIT) return invalidParameter(`text.body: at most ${TEXT_BODY_LIMIT} characters.`);
  return { type: 'text', ...addressed, body: text.body };
}

function parseTemplate(value: unknown, addressed: Addressed): TemplateSend | GraphError {
  const template = objectOr(value);
  if (!template) return invalidParameter("template: the parameter template is required when type is 'template'.");
  if (!nonEmpty(template.name)) return invalidParameter("template.name: the parameter template['name'] is required.");
  const language = objectOr(template.language);
  if (!language || !nonEmpty(language.code)) return invalidParameter("template.language.code: the parameter template['language']['code'] is required.");
  const parameters = parseComponents(template.components);
  if (!Array.isArray(parameters)) return parameters;
  return { type: 'template', ...addressed, name: template.name, languageCode: language.code, parameters };
}

/** The body parameters, in order; the components may be left out when there are none. */
function parseComponents(value: unknown): string[] | GraphError {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return invalidParameter('template.components: must be an array of components.');
  const parameters: string[] = [];
  for (const [index, item] of value.entries()) {
    const component = objectOr(item);
    const field = `template.components[${index}]`;
    // Headers and buttons need a template that has them; the notification templates have a body only.
    if (!component || component.type !== 'body') return invalidParameter(`${field}.type: only 'body' components are simulated.`);
    if (!Array.isArray(component.parameters)) return invalidParameter(`${field}.parameters: must be an array of parameters.`);
    for (const [position, entry] of component.parameters.entries()) {
      const parameter = objectOr(entry);
      const at = `${field}.parameters[${position}]`;
      if (!parameter || parameter.type !== 'text') return invalidParameter(`${at}.type: only 'text' parameters are simulated.`);
      if (typeof parameter.text !== 'string') return invalidParameter(`${at}.text: the parameter text is required.`);
      if (parameter.text.trim() === '') return invalidParameter(`${at}.text: Param text cannot be empty.`);
      parameters.push(parameter.text);
    }
  }
  return parameters;
}
