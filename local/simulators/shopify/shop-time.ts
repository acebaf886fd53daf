/**
 * Shopify writes order timestamps in the shop's time zone, to the second, with the offset
 * ("2026-11-28T15:30:12+05:30"), not in UTC. The simulator does the same, so code that compares
 * `updated_at` values as strings instead of instants breaks here before it breaks in production.
 */
export const SHOP_UTC_OFFSET = { IN: '+05:30', ID: '+07:00', MY: '+08:00' } as const;

const OFFSET = /^([+-])(\d{2}):(\d{2})$/;

function offsetMinutes(offset: string): number {
  const match = OFFSET.exec(offset);
  if (!match) throw new RangeError(`"${offset}" is not a UTC offset such as +05:30`);
  const [, sign, hours, minutes] = match;
  return (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
}

/** The instant `at`, truncated to the second, as Shopify prints it for a shop at `offset`. */
export function shopTimestamp(at: Date, offset: string): string {
  const wholeSeconds = Math.floor(at.getTime() / 1000) * 1000;
  const wallClock = new Date(wholeSeconds + offsetMinutes(offset) * 60_000);
  return `${wallClock.toISOString().slice(0, 19)}${offset}`;
}

/** The offset a Shopify timestamp was written with; "Z" reads as +00:00. */
export function offsetOf(timestamp: string): string {
  const suffix = /(Z|[+-]\d{2}:\d{2})$/.exec(timestamp)?.[1];
  if (!suffix) throw new RangeError(`"${timestamp}" has no UTC offset`);
  return suffix === 'Z' ? '+00:00' : suffix;
}
