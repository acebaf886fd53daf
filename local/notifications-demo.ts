import type { LocalSystem } from './local-system.ts';

/**
 * What the demo's customers received: how many messages of each kind went out on each channel,
 * then a few as the customer read them, in different languages.
 */
export function showCustomerMessages(system: LocalSystem, samples = 4): string[] {
  const whatsapp = system.whatsapp.all();
  const email = system.sendGrid.all();
  const counts = new Map<string, number>();
  for (const message of whatsapp) counts.set(`WhatsApp ${message.template?.name ?? 'reply'}`, (counts.get(`WhatsApp ${message.template?.name ?? 'reply'}`) ?? 0) + 1);
  for (const mail of email) counts.set(`email ${mail.categories[0] ?? ''}`, (counts.get(`email ${mail.categories[0] ?? ''}`) ?? 0) + 1);
  const lines = [`${whatsapp.length} WhatsApp messages and ${email.length} emails, none twice:`, ...[...counts].sort().map(([what, count]) => `  ${String(count).padStart(3)} × ${what}`)];
  // One message per language first, so the sample shows each voice and script.
  const byLanguage = new Map<string, (typeof whatsapp)[number]>();
  for (const message of whatsapp) {
    if (message.template && !byLanguage.has(message.template.languageCode)) byLanguage.set(message.template.languageCode, message);
  }
  const picked = [...byLanguage.values(), ...whatsapp.filter((message) => message.template?.name === 'order_dispatched_v1').slice(0, 1)].slice(0, samples);
  for (const message of picked) {
    lines.push('', `WhatsApp to ${mask(message.to)} (${message.template?.name}, ${message.template?.languageCode}, ${message.status}):`, `  ${message.text}`);
  }
  const mail = email[0];
  if (mail) lines.push('', `Email to ${mail.to} from ${mail.from.name} <${mail.from.email}> (${mail.status}):`, `  Subject: ${mail.subject}`, `  ${mail.text ?? ''}`);
  return lines;
}

/** Customers' numbers are personal data even in a demo printout. */
function mask(phone: string): string {
  return `${phone.slice(0, 5)}•••••${phone.slice(-2)}`;
}
