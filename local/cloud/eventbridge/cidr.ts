import { InvalidEventPatternError } from './pattern-error.ts';

/** An IPv4 or IPv6 address as a number, so a CIDR test is one masked comparison. */
interface IpAddress {
  readonly family: 4 | 6;
  readonly value: bigint;
}

const BITS = { 4: 32, 6: 128 } as const;

/** Compiles `"10.0.0.0/24"` or `"2001:db8::/32"` into a test for address strings. */
export function compileCidr(field: string, cidr: unknown): (value: string) => boolean {
  if (typeof cidr !== 'string') throw new InvalidEventPatternError(field, 'cidr must be a string');
  const [addressText, prefixText, ...rest] = cidr.split('/');
  const network = addressText === undefined ? undefined : parseIpAddress(addressText);
  const prefixLength = prefixText !== undefined && /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (!network || rest.length > 0 || !(prefixLength <= BITS[network.family])) {
    throw new InvalidEventPatternError(field, `"${cidr}" is not a valid CIDR block`);
  }
  const mask = maskFor(network.family, prefixLength);
  const networkBits = network.value & mask;
  return (value) => {
    const address = parseIpAddress(value);
    return address !== undefined && address.family === network.family && (address.value & mask) === networkBits;
  };
}

function maskFor(family: 4 | 6, prefixLength: number): bigint {
  const bits = BigInt(BITS[family]);
  const all = (1n << bits) - 1n;
  return (all << (bits - BigInt(prefixLength))) & all;
}

export function parseIpAddress(text: string): IpAddress | undefined {
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

function parseIpv4(text: string): bigint | undefined {
  const octets = text.split('.');
  if (octets.length !== 4) return undefined;
  let value = 0n;
  for (const octet of octets) {
    if (!/^\d{1,3}$/.test(octet) || Number(octet) > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  // An IPv4 tail ("::ffff:10.0.0.1") stands for the last two groups.
  const groups = [...head, ...tail].flatMap((group) => (group.includes('.') ? ipv4AsGroups(group) : [group]));
  const compressed = halves.length === 2;
  const hasIpv4Tail = [...head, ...tail].some((group) => group.includes('.'));
  const lastGroup = (tail.length > 0 ? tail : head).at(-1) ?? '';
  if (hasIpv4Tail && !lastGroup.includes('.')) return undefined;
  if (groups.some((group) => group === undefined)) return undefined;
  const explicit = groups as string[];
  if (compressed ? explicit.length > 7 : explicit.length !== 8) return undefined;
  const full = compressed
    ? [...explicit.slice(0, headGroupCount(head)), ...Array<string>(8 - explicit.length).fill('0'), ...explicit.slice(headGroupCount(head))]
    : explicit;
  let value = 0n;
  for (const group of full) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(Number.parseInt(group, 16));
  }
  return value;
}

function headGroupCount(head: readonly string[]): number {
  return head.reduce((count, group) => count + (group.includes('.') ? 2 : 1), 0);
}

function ipv4AsGroups(text: string): (string | undefined)[] {
  const value = parseIpv4(text);
  if (value === undefined) return [undefined];
  return [(value >> 16n).toString(16), (value & 0xffffn).toString(16)];
}
