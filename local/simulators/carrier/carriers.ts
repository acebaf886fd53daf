import { randomInt } from 'node:crypto';

/** AfterShip's courier slugs for the carriers we ship with. */
export type CarrierSlug = 'delhivery' | 'jne' | 'poslaju';

export interface Carrier {
  /** As ShipBob shows it in `tracking.carrier`. */
  readonly name: string;
  readonly slug: CarrierSlug;
  /** ShipBob's `tracking.carrier_service`. */
  readonly service: string;
  /** The destination country it serves, ISO 3166-1 alpha-2. */
  readonly country: string;
  /** The destination's UTC offset in minutes (none of these countries has daylight saving). */
  readonly utcOffsetMinutes: number;
  /** The sorting hub every shipment passes through, as the carrier names it in scans. */
  readonly hub: { readonly location: string; readonly city: string };
  /** A new AWB in the carrier's format; uniqueness is the issuer's job. */
  newAwb(): string;
  trackingUrl(awb: string): string;
}

const digits = (count: number) => Array.from({ length: count }, () => randomInt(10)).join('');

/** UPU S10 check digit, as on Pos Malaysia's `ER123456785MY`. */
function s10CheckDigit(serial: string): number {
  const weights = [8, 6, 4, 2, 3, 5, 9, 7];
  const sum = [...serial].reduce((total, digit, index) => total + Number(digit) * weights[index]!, 0);
  const check = 11 - (sum % 11);
  return check === 10 ? 0 : check === 11 ? 5 : check;
}

const CARRIERS: readonly Carrier[] = [
  {
    name: 'Delhivery',
    slug: 'delhivery',
    service: 'Surface',
    country: 'IN',
    utcOffsetMinutes: 330,
    hub: { location: 'Gurgaon_Bilaspur_HB (Haryana)', city: 'Gurgaon' },
    // Delhivery waybills: 13 digits.
    newAwb: () => `2${digits(12)}`,
    trackingUrl: (awb) => `https://www.delhivery.com/track-v2/package/${awb}`,
  },
  {
    name: 'JNE',
    slug: 'jne',
    service: 'REG',
    country: 'ID',
    utcOffsetMinutes: 420,
    hub: { location: 'Jakarta Gateway (CGK)', city: 'Jakarta' },
    // JNE connote ("resi") numbers: 16 digits.
    newAwb: () => `01${digits(14)}`,
    trackingUrl: (awb) => `https://www.jne.co.id/tracking-package?awb=${awb}`,
  },
  {
    name: 'Pos Laju',
    slug: 'poslaju',
    service: 'Pos Laju Standard',
    country: 'MY',
    utcOffsetMinutes: 480,
    hub: { location: 'Pusat Mel Nasional, Shah Alam', city: 'Shah Alam' },
    // UPU S10: two letters, 8 digits, a check digit, the country.
    newAwb: () => {
      const serial = digits(8);
      return `ER${serial}${s10CheckDigit(serial)}MY`;
    },
    trackingUrl: (awb) => `https://tracking.pos.com.my/tracking/${awb}`,
  },
];

/** The carrier delivering to `country`, if we ship there. */
export function carrierFor(country: string): Carrier | undefined {
  return CARRIERS.find((carrier) => carrier.country === country);
}

/** Issues AWBs, never the same one twice. */
export class AwbIssuer {
  private readonly issued = new Set<string>();

  issue(carrier: Carrier): string {
    for (;;) {
      const awb = carrier.newAwb();
      if (this.issued.has(awb)) continue;
      this.issued.add(awb);
      return awb;
    }
  }
}

const MINUTE = 60_000;

const offsetText = (minutes: number) => {
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`;
};

/** `2026-11-29T09:00:00+05:30`: the instant `ms` as a wall clock at `utcOffsetMinutes` reads it. */
export function localIso(ms: number, utcOffsetMinutes: number): string {
  return `${new Date(ms + utcOffsetMinutes * MINUTE).toISOString().slice(0, 19)}${offsetText(utcOffsetMinutes)}`;
}

/** `YYYY-MM-DD` of the instant `ms` at `utcOffsetMinutes`. */
export function localDate(ms: number, utcOffsetMinutes: number): string {
  return localIso(ms, utcOffsetMinutes).slice(0, 10);
}

/** The instant `days` calendar days after the local date of `fromMs`, at `time` (`HH:MM`) local. */
export function localTimeDaysLater(fromMs: number, days: number, time: string, utcOffsetMinutes: number): number {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  const local = new Date(fromMs + utcOffsetMinutes * MINUTE);
  const wallClock = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + days, hours, minutes);
  return wallClock - utcOffsetMinutes * MINUTE;
}
