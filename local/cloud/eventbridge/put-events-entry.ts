import type { EnvelopeFields } from './envelope.ts';

/** One `PutEvents` entry as the SDK sends it (JSON 1.1, PascalCase keys, Time in epoch seconds). */
export interface PutEventsEntry {
  readonly Source?: unknown;
  readonly DetailType?: unknown;
  readonly Detail?: unknown;
  readonly EventBusName?: unknown;
  readonly Resources?: unknown;
  readonly Time?: unknown;
}

export type EntryError = { readonly ErrorCode: string; readonly ErrorMessage: string };

export type ParsedEntry = { readonly ok: true; readonly busName: string; readonly fields: EnvelopeFields } | ({ readonly ok: false } & EntryError);

/** The size EventBridge counts for an entry: Time (14 bytes), Source, DetailType, Detail and Resources, as UTF-8. */
export function entrySizeBytes(entry: PutEventsEntry): number {
  const bytes = (value: unknown): number => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources.reduce<number>((sum, arn) => sum + bytes(arn), 0) : 0;
  return (entry.Time === undefined ? 0 : 14) + bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail) + resources;
}

/** Validates one entry the way EventBridge does, so a bad entry fails alone and the rest go through. */
export function parseEntry(entry: PutEventsEntry, nowMs: number): ParsedEntry {
  const missing = (name: string): ParsedEntry => ({
    ok: false,
    ErrorCode: 'InvalidArgument',
    ErrorMessage: `Parameter ${name} is not valid. Reason: ${name} is a required argument.`,
  });
  if (typeof entry.Source !== 'string' || entry.Source === '') return missing('Source');
  if (typeof entry.DetailType !== 'string' || entry.DetailType === '') return missing('DetailType');
  if (typeof entry.Detail !== 'string' || entry.Detail === '') return missing('Detail');
  const detail = parseDetail(entry.Detail);
  if (!detail) return { ok: false, ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  const resources = entry.Resources ?? [];
  if (!Array.isArray(resources) || !resources.every((arn) => typeof arn === 'string')) {
    return { ok: false, ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Resources is not valid.' };
  }
  const timeMs = parseTime(entry.Time, nowMs);
  if (timeMs === undefined) return { ok: false, ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Time is not valid.' };
  const busName = typeof entry.EventBusName === 'string' && entry.EventBusName !== '' ? entry.EventBusName : 'default';
  return { ok: true, busName, fields: { source: entry.Source, detailType: entry.DetailType, detail, resources, timeMs } };
}

function parseDetail(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Timestamps arrive as epoch seconds from the SDK; accept ISO text too for hand-written calls. */
export function parseTime(value: unknown, fallbackMs?: number): number | undefined {
  if (value === undefined || value === null) return fallbackMs;
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}
