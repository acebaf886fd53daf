/** A message template as Meta approved it, in one language. */
export interface ApprovedTemplate {
  readonly name: string;
  /** Case-sensitive, as Meta has it: `en`, `en_US`, `hi`… */
  readonly languageCode: string;
  /** Meta's body text, with `{{1}}`…`{{n}}` for the parameters. */
  readonly body: string;
}

const PLACEHOLDER = /\{\{(\d+)\}\}/g;

/** The templates a business may send: Meta refuses any (name, language) it has not approved. */
export class ApprovedTemplates {
  private readonly byKey = new Map<string, ApprovedTemplate>();

  constructor(templates: readonly ApprovedTemplate[]) {
    for (const template of templates) this.byKey.set(keyOf(template.name, template.languageCode), template);
  }

  find(name: string, languageCode: string): ApprovedTemplate | undefined {
    return this.byKey.get(keyOf(name, languageCode));
  }
}

/** How many parameters a send must carry: a body may use one `{{n}}` more than once. */
export function parameterCountOf(template: ApprovedTemplate): number {
  return new Set(Array.from(template.body.matchAll(PLACEHOLDER), (match) => match[1])).size;
}

/** What the customer reads: the body with each `{{n}}` replaced by the n-th parameter. */
export function render(template: ApprovedTemplate, parameters: readonly string[]): string {
  return template.body.replace(PLACEHOLDER, (placeholder, n: string) => parameters[Number(n) - 1] ?? placeholder);
}

const keyOf = (name: string, languageCode: string) => `${name}\u0000${languageCode}`;
