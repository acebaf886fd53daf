import { randomUUID } from 'node:crypto';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../contracts.ts';

/** The event as rules, targets and archives see it. */
export interface EventEnvelope {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: Record<string, unknown>;
  readonly 'replay-name'?: string;
}

export interface EnvelopeFields {
  readonly source: string;
  readonly detailType: string;
  readonly detail: Record<string, unknown>;
  readonly resources: readonly string[];
  readonly timeMs: number;
}

export function createEnvelope(fields: EnvelopeFields): EventEnvelope {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': fields.detailType,
    source: fields.source,
    account: LOCAL_ACCOUNT,
    time: isoSeconds(fields.timeMs),
    region: LOCAL_REGION,
    resources: fields.resources,
    detail: fields.detail,
  };
}

/** EventBridge stamps `time` to the second. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
