import type { CanonicalOrder, Channel } from '#shared/canonical-order';

export interface ContactPreferences {
  readonly whatsappOptedOut?: boolean;
  readonly emailOptedOut?: boolean;
}

export interface Recipient {
  readonly channel: Channel;
  /** E.164 for whatsapp, an email address for email. */
  readonly address: string;
}

type Contact = Pick<CanonicalOrder, 'customer' | 'shippingAddress'>;

/**
 * Ordered: the channel to use first, then the fallback. Channels the customer opted out of, or
 * has no address for, are left out. WhatsApp leads because customers in these markets read it
 * and ignore order email; a customer who said they prefer email gets email first.
 */
export function planChannels(order: Contact, preferences: ContactPreferences): Recipient[] {
  // Many checkouts collect the phone only with the address; it reaches the same person.
  const phone = order.customer.phone ?? order.shippingAddress.phone;
  const email = order.customer.email;
  const whatsapp: Recipient | undefined = phone && !preferences.whatsappOptedOut ? { channel: 'whatsapp', address: phone } : undefined;
  const mail: Recipient | undefined = email && !preferences.emailOptedOut ? { channel: 'email', address: email } : undefined;
  const ordered = order.customer.preferredChannel === 'email' ? [mail, whatsapp] : [whatsapp, mail];
  return ordered.filter((recipient): recipient is Recipient => recipient !== undefined);
}
