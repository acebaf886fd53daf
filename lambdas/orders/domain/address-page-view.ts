import { findBrand, LANGUAGES, type Language } from '#config/brands';
import { brandVoiceFor } from '#config/brand-voice';
import type { CanonicalOrder } from '#shared/canonical-order';
import { customerTimeZone, languageFor } from '#shared/customer-locale';
import { EDITABLE_FIELDS, type AddressPageState, type AddressPageView, type EditableField, type FieldProblem } from './address-confirmation-page.ts';

/** What the orders table keeps about an address question (see OrdersTable.requestAddressConfirmation). */
export interface PendingConfirmation {
  readonly state?: string;
  readonly expiresAt?: string;
}

/**
 * Where the customer stands: asked, already answered, or past the point of answering (the
 * timeout policy was applied, or the order was cancelled in the storefront meanwhile).
 */
export function confirmationStateOf(orderStatus: string | undefined, pending: PendingConfirmation): AddressPageState {
  if (pending.state !== 'PENDING') return { kind: 'already_answered' };
  return orderStatus === 'AWAITING_ADDRESS_CONFIRMATION' ? { kind: 'ask' } : { kind: 'too_late' };
}

/** The page about one order, in the language asked for if the brand writes in it, else the customer's. */
export function addressPageView(brandId: string, order: CanonicalOrder, pending: PendingConfirmation, state: AddressPageState, requestedLanguage: string | undefined): AddressPageView {
  const brand = findBrand(brandId);
  // An order outlives a brand removed from config only in theory; the page still answers, in the customer's words.
  const languages = brand?.languages ?? LANGUAGES;
  const language = languages.find((candidate) => candidate === requestedLanguage) ?? languageFor(order, languages);
  const voice = brand ? brandVoiceFor(brand) : undefined;
  return {
    language,
    languages,
    state,
    order: {
      brandName: brand?.name ?? brandId,
      greeting: voice?.greeting[language] ?? '',
      signOff: voice?.signOff[language] ?? '',
      firstName: order.customer.name.trim().split(/\s+/)[0] ?? '',
      orderNumber: order.orderNumber,
      address: order.shippingAddress,
      ...(pending.expiresAt ? { answerBy: pending.expiresAt } : {}),
      timeZone: customerTimeZone(order.shippingAddress),
    },
  };
}

/** For a link that leads nowhere: no order, so no brand; the language asked for, else English. */
export function notFoundView(requestedLanguage: string | undefined): AddressPageView {
  const language: Language = LANGUAGES.find((candidate) => candidate === requestedLanguage) ?? 'en';
  return { language, languages: [], state: { kind: 'not_found' } };
}

/**
 * A posted form as the answer API's JSON: `edit` carries the address fields, blanks left out
 * (an empty optional field means "none", and an empty required one fails validation by name).
 */
export function answerFromForm(form: URLSearchParams): { answer: string | null; address?: Partial<Record<EditableField, string>> } {
  const answer = form.get('answer');
  if (answer !== 'edit') return { answer };
  const address: Partial<Record<EditableField, string>> = {};
  for (const field of EDITABLE_FIELDS) {
    const value = form.get(field)?.trim();
    if (value) address[field] = value;
  }
  return { answer, address };
}

/** Which fields to mark, from the validation issues of an `edit` answer (paths like `address.city`). */
export function fieldProblems(issues: readonly { readonly path: readonly PropertyKey[] }[]): Partial<Record<EditableField, FieldProblem>> {
  const problems: Partial<Record<EditableField, FieldProblem>> = {};
  for (const issue of issues) {
    const field = EDITABLE_FIELDS.find((candidate) => candidate === issue.path[1]);
    if (issue.path[0] === 'address' && field) problems[field] = 'required';
  }
  return problems;
}
