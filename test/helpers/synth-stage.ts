import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll } from 'vitest';
import { loadEnvironments, type EnvironmentConfig, type EnvironmentName } from '../../lib/config/environments.ts';
import { OrderAutomationStage } from '../../lib/stages/order-automation-stage.ts';

export type StackName = 'platform' | 'intake' | 'orders';

/** The templates of one environment's stacks, as CloudFormation would receive them. */
export interface SynthesizedStage {
  readonly config: EnvironmentConfig;
  readonly stage: OrderAutomationStage;
  readonly platform: Template;
  readonly intake: Template;
  readonly orders: Template;
  /** Every stack of the stage, for checks that must hold across all of them. */
  readonly stacks: readonly { readonly name: StackName; readonly template: Template }[];
}

/** One resource of a synthesized template, named by its construct path for readable failures. */
export interface FoundResource<P = Record<string, unknown>> {
  readonly stack: StackName;
  readonly template: Template;
  readonly logicalId: string;
  /** e.g. `dev/Orders/OrderReceived/Rule/Resource` */
  readonly path: string;
  readonly properties: P;
}

/** The context `cdk synth` reads from cdk.json: feature flags and the `environments` block. */
function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> };
  return cdkJson.context;
}

// Cloud assemblies of the in-process apps of one test file, removed after the file's tests (an App
// without `outdir` would leave a /tmp/cdk.outXXXX behind on every run). Module-level, so the hook
// is registered while vitest collects the importing file.
const scratch = mkdtempSync(join(tmpdir(), 'order-automation-infra-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A fresh directory, removed after the test file, for one in-process app's cloud assembly. */
export function assemblyOutdir(name: string): string {
  return mkdtempSync(join(scratch, `${name}-`));
}

const synthesized = new Map<EnvironmentName, SynthesizedStage>();

/**
 * Builds one environment's Stage in-process, the way bin/app.ts does, minus cdk-nag and esbuild.
 * `aws:cdk:bundling-stacks: []` makes NodejsFunction skip bundling and stage a placeholder asset
 * (synthesis ~0.7 s instead of ~4.5 s); the templates are otherwise what `cdk synth` produces.
 * Memoized per environment for the life of a test file (vitest runs each file in its own fork).
 */
export function synthStage(name: EnvironmentName = 'dev'): SynthesizedStage {
  const cached = synthesized.get(name);
  if (cached) return cached;

  const app = new App({
    outdir: assemblyOutdir(name),
    context: {
      ...cdkJsonContext(),
      only: name,
      'aws:cdk:bundling-stacks': [],
      'aws:cdk:enable-path-metadata': true,
      'aws:cdk:disable-stack-trace': true,
    },
  });
  const [config] = loadEnvironments(app);
  if (!config) throw new Error(`loadEnvironments returned no configuration for ${name}`);
  const stage = new OrderAutomationStage(app, name, { config, env: { account: config.account, region: config.region } });

  const platform = Template.fromStack(stage.platform);
  const intake = Template.fromStack(stage.intake);
  const orders = Template.fromStack(stage.orders);
  const result: SynthesizedStage = {
    config,
    stage,
    platform,
    intake,
    orders,
    stacks: [
      { name: 'platform', template: platform },
      { name: 'intake', template: intake },
      { name: 'orders', template: orders },
    ],
  };
  synthesized.set(name, result);
  return result;
}

/** Every resource of `type` across the stage's stacks. */
export function resourcesOfType<P = Record<string, unknown>>(synth: SynthesizedStage, type: string): FoundResource<P>[] {
  return synth.stacks.flatMap(({ name, template }) =>
    Object.entries(template.findResources(type)).map(([logicalId, resource]) => ({
      stack: name,
      template,
      logicalId,
      path: (resource.Metadata?.['aws:cdk:path'] as string | undefined) ?? `${name}/${logicalId}`,
      properties: (resource.Properties ?? {}) as P,
    })),
  );
}

/** The logical id a `{ Ref }` or `{ Fn::GetAtt }` points at, or undefined for anything else. */
export function referencedLogicalId(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const ref = (value as { Ref?: unknown }).Ref;
  if (typeof ref === 'string') return ref;
  const getAtt = (value as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
}

/** The type of the resource a `{ Ref }` / `{ Fn::GetAtt }` points at in `template`, if it is there. */
export function referencedType(template: Template, value: unknown): string | undefined {
  const id = referencedLogicalId(value);
  if (!id) return undefined;
  const resources = template.toJSON().Resources as Record<string, { Type: string }> | undefined;
  return resources?.[id]?.Type;
}
