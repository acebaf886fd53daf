import { LANGUAGES, type Language } from '#config/brands';
import { NOTIFICATION_KINDS } from './message-catalog.ts';
import { whatsAppTemplateFor } from './whatsapp-template.ts';

/**
 * One template as the WhatsApp Business Management API's template creation takes it
 * (`POST /<WABA-ID>/message_templates`): name, language, category, and a BODY component whose
 * example gives one value per numbered parameter, which Meta's review requires.
 */
export interface MetaTemplateSubmission {
  readonly name: string;
  readonly language: string;
  readonly category: 'UTILITY';
  readonly components: readonly [{ readonly type: 'BODY'; readonly text: string; readonly example: { readonly body_text: readonly [readonly string[]] } }];
}

/**
 * Every template (and its backup, the same text under another name) in every language, with
 * example values from `examples` (a Liquid expression → a sample value). Throws when a template's
 * numbered parameters and its examples do not line up, so nothing goes to review that Meta
 * would refuse for a parameter count.
 */
export function metaSubmissions(examples: Readonly<Record<string, string>>, languages: readonly Language[] = LANGUAGES): MetaTemplateSubmission[] {
  return NOTIFICATION_KINDS.flatMap((kind) =>
    languages.flatMap((language) => {
      const template = whatsAppTemplateFor(kind, language);
      const values = template.parameters.map((expression) => {
        const value = examples[expression];
        if (!value) throw new Error(`${template.name}/${template.languageCode}: no example for {{ ${expression} }}`);
        return value;
      });
      const numbered = [...template.body.matchAll(/\{\{(\d+)\}\}/g)].map((match) => Number(match[1]));
      if (numbered.length !== values.length || numbered.some((number, index) => number !== index + 1)) {
        throw new Error(`${template.name}/${template.languageCode}: ${numbered.length} numbered parameters, ${values.length} examples`);
      }
      return [template.name, template.backupName].map(
        (name): MetaTemplateSubmission => ({ name, language: template.languageCode, category: 'UTILITY', components: [{ type: 'BODY', text: template.body, example: { body_text: [values] } }] }),
      );
    }),
  );
}
