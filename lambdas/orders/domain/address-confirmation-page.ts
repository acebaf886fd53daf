import { Liquid } from 'liquidjs';
import type { Language } from '#config/brands';
import type { ShippingAddress } from '#shared/canonical-order';
import { LOCALES } from '#shared/customer-locale';
import { ADDRESS_PAGE_TEXT, LANGUAGE_NAMES, type AddressPageText } from './address-page-text.ts';

/**
 * The page behind the address-confirmation link in the customer's WhatsApp message or email.
 * A tapped link is a GET, so the customer needs a page, not an endpoint: it shows the address,
 * and its three forms post the same answers the WhatsApp YES/CANCEL replies do. Plain HTML
 * forms with no script, because the link opens in WhatsApp's in-app browser on cheap phones.
 *
 * Everything a customer or an attacker typed is HTML-escaped (`outputEscape`); only our own
 * rendered texts are inserted raw, and those were escaped as they were rendered.
 */
const liquid = new Liquid({ strictVariables: true, strictFilters: true, lenientIf: true, ownPropertyOnly: true, outputEscape: 'escape' });

export const EDITABLE_FIELDS = ['line1', 'line2', 'city', 'province', 'postalCode'] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];
const OPTIONAL_FIELDS: ReadonlySet<EditableField> = new Set(['line2', 'province']);

export type FieldProblem = 'required' | 'unknown_postal_code';

export type AddressPageState =
  | { readonly kind: 'ask'; readonly problems?: Partial<Record<EditableField, FieldProblem>>; readonly entered?: Partial<Record<EditableField, string>> }
  | { readonly kind: 'confirmed' | 'corrected' | 'cancelled' | 'already_answered' | 'too_late' | 'not_found' };

export interface AddressPageView {
  readonly language: Language;
  /** The languages the brand writes in, offered as links; one or none hides the switcher. */
  readonly languages: readonly Language[];
  readonly state: AddressPageState;
  /** Absent only for `not_found`, where there is no order to speak of. */
  readonly order?: {
    readonly brandName: string;
    readonly greeting: string;
    readonly signOff: string;
    readonly firstName: string;
    readonly orderNumber: string;
    readonly address: ShippingAddress;
    /** ISO instant the answer is due by, shown in the customer's own zone. */
    readonly answerBy?: string;
    readonly timeZone: string;
  };
}

const PAGE = `<!doctype html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>{{ text.title }}{% if brandName %} · {{ brandName }}{% endif %}</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;background:#f6f6f4;color:#1d1d1b;line-height:1.5}
main{max-width:34rem;margin:0 auto;padding:1rem}
header{font-weight:700;font-size:1.1rem;margin-bottom:.5rem}
nav a,nav strong{margin-right:.75rem;font-size:.9rem}
section,details{background:#fff;border-radius:.5rem;padding:1rem;margin:1rem 0}
address{font-style:normal;margin:.5rem 0 1rem}
label{display:block;margin:.75rem 0 .25rem;font-weight:600}
input[type=text]{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem;border:1px solid #999;border-radius:.3rem}
input[aria-invalid=true]{border-color:#b00020}
.problem,[role=alert]{color:#b00020}
button{margin-top:1rem;width:100%;padding:.8rem;font-size:1rem;border:0;border-radius:.3rem;background:#1d1d1b;color:#fff}
details button{background:#b00020}
summary{cursor:pointer}
</style>
</head>
<body>
<main>
{% if brandName %}<header>{{ brandName }}</header>{% endif %}
{% if languages.size > 1 %}<nav>{% for option in languages %}{% if option.code == lang %}<strong>{{ option.name }}</strong>{% else %}<a href="?lang={{ option.code }}" hreflang="{{ option.code }}" lang="{{ option.code }}">{{ option.name }}</a>{% endif %}{% endfor %}</nav>{% endif %}
<h1>{{ text.title }}</h1>
{% if state == 'ask' %}
<p>{{ intro | raw }}</p>
{% if deadline %}<p>{{ deadline | raw }}</p>{% endif %}
<section>
<h2>{{ text.shipTo }}</h2>
<address>{% for line in addressLines %}{{ line }}<br>{% endfor %}</address>
<form method="post"><input type="hidden" name="lang" value="{{ lang }}"><button type="submit" name="answer" value="yes">{{ text.confirm }}</button></form>
</section>
<section>
<h2>{{ text.correctHeading }}</h2>
{% if hasProblems %}<p role="alert">{{ text.checkFields }}</p>{% endif %}
<form method="post">
<input type="hidden" name="lang" value="{{ lang }}">
<input type="hidden" name="answer" value="edit">
{% for field in fields %}<label for="{{ field.name }}">{{ field.label }}{% if field.optional %} ({{ text.optional }}){% endif %}</label>
<input type="text" id="{{ field.name }}" name="{{ field.name }}" value="{{ field.value }}"{% if field.optional %}{% else %} required{% endif %}{% if field.problem %} aria-invalid="true" aria-describedby="{{ field.name }}-problem"{% endif %}>
{% if field.problem %}<p class="problem" id="{{ field.name }}-problem">{{ field.problem | raw }}</p>{% endif %}
{% endfor %}<button type="submit">{{ text.save }}</button>
</form>
</section>
<details>
<summary>{{ text.cancelAsk }}</summary>
<p>{{ text.cancelWarning }}</p>
<form method="post"><input type="hidden" name="lang" value="{{ lang }}"><button type="submit" name="answer" value="cancel">{{ text.cancelConfirm }}</button></form>
</details>
{% else %}
<p role="status">{{ outcome | raw }}</p>
{% if state == 'corrected' %}<address>{% for line in addressLines %}{{ line }}<br>{% endfor %}</address>{% endif %}
{% endif %}
{% if signOff %}<p>{{ signOff }}, {{ brandName }}</p>{% endif %}
</main>
</body>
</html>
`;

const OUTCOME_TEXT: Readonly<Record<Exclude<AddressPageState['kind'], 'ask'>, FieldLabel>> = {
  confirmed: 'confirmed',
  corrected: 'corrected',
  cancelled: 'cancelled',
  already_answered: 'alreadyAnswered',
  too_late: 'tooLate',
  not_found: 'notFound',
};

/** The texts that are one string in each language (the postal code's name also depends on the country). */
type FieldLabel = Exclude<keyof AddressPageText, 'postalCode'>;
const FIELD_LABEL: Readonly<Record<Exclude<EditableField, 'postalCode'>, FieldLabel>> = { line1: 'line1', line2: 'line2', city: 'city', province: 'province' };

/** The whole page, as HTML, in the view's language. */
export async function renderAddressPage(view: AddressPageView): Promise<string> {
  const text = ADDRESS_PAGE_TEXT[view.language];
  const order = view.order;
  const say = (key: FieldLabel, variables: Record<string, unknown> = {}) => liquid.parseAndRender(text[key], variables);
  // Without an order there is no form; India's name serves.
  const postalCodeName = text.postalCode[order?.address.country ?? 'IN'];
  const orderNumber = order?.orderNumber ?? '';
  const state = view.state;
  const entered = state.kind === 'ask' ? (state.entered ?? {}) : {};
  const problems = state.kind === 'ask' ? (state.problems ?? {}) : {};
  const fields = await Promise.all(
    EDITABLE_FIELDS.map(async (name) => {
      const problem = problems[name];
      return {
        name,
        label: name === 'postalCode' ? postalCodeName : text[FIELD_LABEL[name]],
        optional: OPTIONAL_FIELDS.has(name),
        // The form starts from the address on the order, so the customer changes only what is wrong;
        // a refused one comes back with what they typed, so nothing is typed twice.
        value: (state.kind === 'ask' && state.entered ? entered[name] : order?.address[name]) ?? '',
        problem: problem === 'unknown_postal_code' ? await say('unknownPostalCode', { postalCode: entered.postalCode ?? '', postalCodeName }) : problem ? await say('fieldRequired') : null,
      };
    }),
  );
  return liquid.parseAndRender(PAGE, {
    lang: view.language,
    languages: view.languages.map((code) => ({ code, name: LANGUAGE_NAMES[code] })),
    text,
    state: state.kind,
    // null, not '': in Liquid an empty string is true.
    brandName: order?.brandName ?? null,
    signOff: order?.signOff || null,
    intro: order ? await say('intro', { greeting: order.greeting, firstName: order.firstName, orderNumber }) : null,
    deadline: order?.answerBy ? await say('deadline', { deadline: formatDeadline(order.answerBy, view.language, order.timeZone) }) : null,
    outcome: state.kind === 'ask' ? null : await say(OUTCOME_TEXT[state.kind], { orderNumber }),
    addressLines: order ? addressLines(order.address) : [],
    fields,
    hasProblems: Object.keys(problems).length > 0,
  });
}

function addressLines(address: ShippingAddress): string[] {
  const place = [address.city, address.province].filter(Boolean).join(', ');
  return [address.name, address.line1, address.line2, `${place} ${address.postalCode}`].filter((line): line is string => Boolean(line));
}

function formatDeadline(iso: string, language: Language, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[language], { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone }).format(new Date(iso));
}
