/**
 * The checks SendGrid's v3 Mail Send makes before it accepts a request, with its wording: each
 * problem is one `{ message, field, help }`, and every problem found is reported at once.
 */

export interface SendGridError {
  readonly message: string;
  readonly field: string | null;
  readonly help: string | null;
}

export interface ValidMail {
  readonly from: { readonly email: string; readonly name?: string };
  readonly personalizations: readonly {
    readonly to: readonly string[];
    readonly subject?: string;
    readonly customArgs: Readonly<Record<string, string>>;
  }[];
  readonly subject?: string;
  readonly text?: string;
  readonly html?: string;
  readonly categories: readonly string[];
  readonly customArgs: Readonly<Record<string, string>>;
  readonly templateId?: string;
}

export type MailValidation = { readonly mail: ValidMail } | { readonly errors: readonly SendGridError[] };

const MAX_PERSONALIZATIONS = 1000;
const MAX_CATEGORIES = 10;
const MAX_CATEGORY_LENGTH = 255;
const HELP = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html';
/** Deliberately loose, as SendGrid's is: one @, no spaces, a dot in the domain. */
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:".]+$/;

const objectOr = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';
const typeName = (value: unknown) => (Array.isArray(value) ? 'array' : value === null ? 'null' : Number.isInteger(value) ? 'integer' : typeof value);

export function validateMail(body: Record<string, unknown>): MailValidation {
  const errors: SendGridError[] = [];
  const problem = (message: string, field: string, anchor: string) => errors.push({ message, field, help: `${HELP}#message.${anchor}` });

  const from = objectOr(body.from);
  if (!from) problem('The from object must be provided for every email send. It is an object that requires the email parameter, but may also contain a name parameter.', 'from', 'from');
  else if (typeof from.email !== 'string' || !EMAIL.test(from.email)) problem('The from email does not contain a valid address.', 'from.email', 'from');

  const templateId = typeof body.template_id === 'string' ? body.template_id : undefined;
  const dynamicTemplate = templateId?.startsWith('d-') === true;
  if (body.subject !== undefined && typeof body.subject !== 'string') problem('The subject must be a string.', 'subject', 'subject');

  const personalizations = readPersonalizations(body.personalizations, problem);
  const everyHasSubject = personalizations.length > 0 && personalizations.every((personalization) => nonEmpty(personalization.subject));
  if (!dynamicTemplate && !nonEmpty(body.subject) && !everyHasSubject) {
    problem(
      'The subject is required. You can get around this requirement if you use a template with a subject defined or if every personalization has a subject defined.',
      'subject',
      'subject',
    );
  }
  const content = templateId === undefined ? readContent(body.content, problem) : {};
  const categories = readCategories(body.categories, problem);
  const customArgs = readCustomArgs(body.custom_args, 'custom_args', problem);

  if (errors.length > 0 || !from) return { errors };
  return {
    mail: {
      from: { email: from.email as string, ...(typeof from.name === 'string' ? { name: from.name } : {}) },
      personalizations,
      ...(typeof body.subject === 'string' ? { subject: body.subject } : {}),
      ...content,
      categories,
      customArgs,
      ...(templateId === undefined ? {} : { templateId }),
    },
  };
}

type Problem = (message: string, field: string, anchor: string) => void;

function readPersonalizations(value: unknown, problem: Problem): ValidMail['personalizations'] {
  if (!Array.isArray(value) || value.length === 0) {
    problem('The personalizations field is required and must have at least one personalization.', 'personalizations', 'personalizations');
    return [];
  }
  if (value.length > MAX_PERSONALIZATIONS) {
    problem(`The personalizations field must have no more than ${MAX_PERSONALIZATIONS} personalizations.`, 'personalizations', 'personalizations');
    return [];
  }
  return value.map((item: unknown, index) => {
    const personalization = objectOr(item) ?? {};
    const field = `personalizations.${index}`;
    const to = readRecipients(personalization.to, `${field}.to`, true, problem);
    readRecipients(personalization.cc, `${field}.cc`, false, problem);
    readRecipients(personalization.bcc, `${field}.bcc`, false, problem);
    if (personalization.subject !== undefined && typeof personalization.subject !== 'string') problem('The subject must be a string.', `${field}.subject`, 'personalizations.subject');
    return {
      to,
      ...(typeof personalization.subject === 'string' ? { subject: personalization.subject } : {}),
      customArgs: readCustomArgs(personalization.custom_args, `${field}.custom_args`, problem),
    };
  });
}

function readRecipients(value: unknown, field: string, required: boolean, problem: Problem): string[] {
  if (value === undefined && !required) return [];
  if (!Array.isArray(value) || value.length === 0) {
    if (required) problem('The to array is required for all personalization objects, and must have at least one email object with a valid email address.', field, 'personalizations.to');
    else problem(`The ${field.split('.').pop()} array must have at least one email object with a valid email address.`, field, 'personalizations');
    return [];
  }
  return value.flatMap((item: unknown, index) => {
    const email = objectOr(item)?.email;
    if (typeof email === 'string' && EMAIL.test(email)) return [email];
    problem('Does not contain a valid address.', `${field}.${index}.email`, 'personalizations.to');
    return [];
  });
}

function readContent(value: unknown, problem: Problem): { text?: string; html?: string } {
  const required =
    'Unless a valid template_id is provided, the content parameter is required. There must be at least one defined content block. We typically suggest both text/plain and text/html blocks are included, but only one block is required.';
  if (!Array.isArray(value) || value.length === 0) {
    problem(required, 'content', 'content');
    return {};
  }
  const blocks = value.map((item: unknown) => objectOr(item) ?? {});
  let valid = true;
  for (const [index, block] of blocks.entries()) {
    if (!nonEmpty(block.type)) {
      problem('The content type must be a string at least one character in length.', `content.${index}.type`, 'content.type');
      valid = false;
    }
    if (typeof block.value !== 'string' || block.value === '') {
      problem('The content value must be a string at least one character in length.', `content.${index}.value`, 'content.value');
      valid = false;
    }
  }
  if (!valid) return {};
  const types = blocks.map((block) => block.type as string);
  const plainAt = types.indexOf('text/plain');
  const htmlAt = types.indexOf('text/html');
  if (plainAt > 0 || (htmlAt >= 0 && htmlAt !== (plainAt === 0 ? 1 : 0))) {
    problem('If present, text/plain content must be first, followed by text/html, followed by any other content.', 'content', 'content');
    return {};
  }
  const text = blocks[plainAt]?.value as string | undefined;
  const html = blocks[htmlAt]?.value as string | undefined;
  return { ...(text === undefined ? {} : { text }), ...(html === undefined ? {} : { html }) };
}

function readCategories(value: unknown, problem: Problem): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problem('The categories parameter must be an array of strings.', 'categories', 'categories');
    return [];
  }
  if (value.length > MAX_CATEGORIES) problem(`Too many categories. A maximum of ${MAX_CATEGORIES} categories may be set per message.`, 'categories', 'categories');
  for (const [index, category] of value.entries()) {
    if (typeof category !== 'string') problem('Each category must be a string.', `categories.${index}`, 'categories');
    else if (category.length > MAX_CATEGORY_LENGTH) problem(`A category cannot have more than ${MAX_CATEGORY_LENGTH} characters.`, `categories.${index}`, 'categories');
  }
  if (new Set(value).size !== value.length) problem('The categories parameter must contain unique values.', 'categories', 'categories');
  return value.filter((category): category is string => typeof category === 'string');
}

/** SendGrid refuses anything but strings, even numbers, which clients are prone to pass. */
function readCustomArgs(value: unknown, field: string, problem: Problem): Record<string, string> {
  if (value === undefined) return {};
  const args = objectOr(value);
  if (!args) {
    problem(`Invalid type. Expected: object, given: ${typeName(value)}.`, field, 'custom_args');
    return {};
  }
  const strings: Record<string, string> = {};
  for (const [key, arg] of Object.entries(args)) {
    if (typeof arg === 'string') strings[key] = arg;
    else problem(`Invalid type. Expected: string, given: ${typeName(arg)}.`, `${field}.${key}`, 'custom_args');
  }
  return strings;
}
