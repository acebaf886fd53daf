import type { App } from 'aws-cdk-lib';

export const ENVIRONMENT_NAMES = ['dev', 'staging', 'prod'] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

/** Settings that differ between environments, read from `cdk.json` context `environments.<name>`. */
export interface EnvironmentConfig {
  readonly name: EnvironmentName;
  /** From context `environments.<name>.account`, else CDK_DEPLOY_ACCOUNT, else CDK_DEFAULT_ACCOUNT; unset means environment-agnostic. */
  readonly account?: string;
  /**
   * From context `environments.<name>.region`, else CDK_DEPLOY_REGION, else ap-south-1. Not
   * CDK_DEFAULT_REGION: the CLI fills that with us-east-1 when nothing is configured, which would
   * silently move a deployment out of the region its data must live in.
   */
  readonly region: string;
  /** Days the event archive keeps events for replay. */
  readonly archiveRetentionDays: number;
  /** Days the raw webhook archive (S3) keeps every inbound body. */
  readonly rawArchiveRetentionDays: number;
  /** Days CloudWatch keeps function, workflow and access logs. */
  readonly logRetentionDays: number;
  /** Deletion protection and RETAIN removal for stateful resources. */
  readonly protectData: boolean;
  /** Most order-lifecycle starts running at once; the intake queue absorbs the rest of a burst. */
  readonly starterMaxConcurrency: number;
  /** Base URL of the WMS stock API (polls and reconciliation). */
  readonly wmsBaseUrl: string;
  /** The ERP (Business Central API v2.0 base, `…/api/v2.0`) and the company orders are booked in. */
  readonly erp: { readonly baseUrl: string; readonly companyId: string };
  /** The WMS order API (ShipBob-style, up to `/2.0`) and the channel our orders belong to. */
  readonly wmsShipments: { readonly baseUrl: string; readonly channelId: string };
  /**
   * Minutes a reservation holds stock without being committed at dispatch before it is released.
   * Longer than the slowest dispatch, or released stock is sold twice.
   */
  readonly reservationHoldMinutes: number;
}

const DEFAULT_REGION = 'ap-south-1';

function positiveInteger(env: string, key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new Error(`cdk.json context environments.${env}.${key} must be a positive integer, received ${JSON.stringify(value)}`);
  }
  return value;
}

function nonEmpty(env: string, key: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`cdk.json context environments.${env}.${key} must be a non-empty string, received ${JSON.stringify(value)}`);
  return value;
}

function httpsUrl(env: string, key: string, value: unknown): string {
  if (typeof value !== 'string' || !/^https:\/\/[^\s/]+/.test(value)) {
    throw new Error(`cdk.json context environments.${env}.${key} must be an https:// URL, received ${JSON.stringify(value)}`);
  }
  return value.replace(/\/+$/, '');
}

/**
 * The environments to synthesize. Context `only=<name>` narrows it to one (the local cloud uses
 * `only=dev`, so it does not bundle three copies of every function).
 */
export function loadEnvironments(app: App): EnvironmentConfig[] {
  const all = app.node.tryGetContext('environments') as Record<string, Record<string, unknown>> | undefined;
  if (!all) throw new Error('cdk.json context "environments" is missing; it lists dev, staging and prod settings');
  const only = app.node.tryGetContext('only') as string | undefined;
  if (only && !(ENVIRONMENT_NAMES as readonly string[]).includes(only)) {
    throw new Error(`context only=${only} is not one of ${ENVIRONMENT_NAMES.join(', ')}`);
  }
  return ENVIRONMENT_NAMES.filter((name) => !only || only === name).map((name) => {
    const raw = all[name];
    if (!raw) throw new Error(`cdk.json context environments.${name} is missing`);
    return {
      name,
      account: (raw.account as string | undefined) ?? process.env.CDK_DEPLOY_ACCOUNT ?? process.env.CDK_DEFAULT_ACCOUNT,
      region: (raw.region as string | undefined) ?? process.env.CDK_DEPLOY_REGION ?? DEFAULT_REGION,
      archiveRetentionDays: positiveInteger(name, 'archiveRetentionDays', raw.archiveRetentionDays),
      rawArchiveRetentionDays: positiveInteger(name, 'rawArchiveRetentionDays', raw.rawArchiveRetentionDays),
      logRetentionDays: positiveInteger(name, 'logRetentionDays', raw.logRetentionDays),
      protectData: raw.protectData === true,
      starterMaxConcurrency: positiveInteger(name, 'starterMaxConcurrency', raw.starterMaxConcurrency),
      wmsBaseUrl: httpsUrl(name, 'wmsBaseUrl', raw.wmsBaseUrl),
      erp: {
        baseUrl: httpsUrl(name, 'erp.baseUrl', (raw.erp as Record<string, unknown> | undefined)?.baseUrl),
        companyId: nonEmpty(name, 'erp.companyId', (raw.erp as Record<string, unknown> | undefined)?.companyId),
      },
      wmsShipments: {
        baseUrl: httpsUrl(name, 'wmsShipments.baseUrl', (raw.wmsShipments as Record<string, unknown> | undefined)?.baseUrl),
        channelId: nonEmpty(name, 'wmsShipments.channelId', (raw.wmsShipments as Record<string, unknown> | undefined)?.channelId),
      },
      reservationHoldMinutes: positiveInteger(name, 'reservationHoldMinutes', raw.reservationHoldMinutes),
    };
  });
}
