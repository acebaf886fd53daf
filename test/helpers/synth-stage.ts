import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll } from 'vitest';
import { loadEnvironments, type EnvironmentConfig, type EnvironmentName } from '../../lib/config/environments.ts';
import { OrderAutomationStage } from '../../lib/stages/order-automation-stage.ts';

export type StackName = 'platform' | 'intake' | 'fulfilment' | 'inventory' | 'orders' | 'notifications';

/** The templates of one environment's stacks, as CloudFormation would receive them. */
export interface SynthesizedStage {
  readonly config: EnvironmentConfig;
  readonly stage: OrderAutomationStage;
  readonly platform: Template;
  readonly intake: Template;
  readonly fulfilment: Template;
  readonly inventory: Template;
  readonly orders: Template;
  readonly notifications: Template;
  /** Every stack of the stage, for checks that must hold across all of them. */
  readonly stacks: readonly { readonly name: StackName; readonly template: Template }[];
}

/** One resource of a synthesized template, named by its construct path for readable failures. */
export interface FoundResource<P = Record<string, unknown>> {
  readonly stack: StackName;
  readonly template: Template;
  readonly logicalId: string;
  /** e.g. `dev/Orders/OrderEvents/Rule/Resource` */
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
  const fulfilment = Template.fromStack(stage.fulfilment);
  const inventory = Template.fromStack(stage.inventory);
  const orders = Template.fromStack(stage.orders);
  const notifications = Template.fromStack(stage.notifications);
  const result: SynthesizedStage = {
    config,
    stage,
    platform,
    intake,
    fulfilment,
    inventory,
    orders,
    notifications,
    stacks: [
      { name: 'platform', template: platform },
      { name: 'intake', template: intake },
      { name: 'fulfilment', template: fulfilment },
      { name: 'inventory', template: inventory },
      { name: 'orders', template: orders },
      { name: 'notifications', template: notifications },
    ],
  };
  synthesized.set(name, result);
  return result;
}

type Resources = Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown>; readonly Metadata?: Record<string, unknown> }>;
type Outputs = Record<string, { readonly Value: unknown; readonly Export?: { readonly Name?: unknown } }>;

function found<P>(name: StackName, template: Template, logicalId: string, resource: Resources[string]): FoundResource<P> {
  return {
    stack: name,
    template,
    logicalId,
    path: (resource.Metadata?.['aws:cdk:path'] as string | undefined) ?? `${name}/${logicalId}`,
    properties: (resource.Properties ?? {}) as P,
  };
}

/** Every resource of `type` across the stage's stacks. */
export function resourcesOfType<P = Record<string, unknown>>(synth: SynthesizedStage, type: string): FoundResource<P>[] {
  return synth.stacks.flatMap(({ name, template }) =>
    Object.entries(template.findResources(type)).map(([logicalId, resource]) => found<P>(name, template, logicalId, resource as Resources[string])),
  );
}

/**
 * The one resource of `type` whose construct path ends with `pathSuffix` (e.g.
 * `/ApplyOrderEvent/Function/Resource`); throws when there is none or more than one, so a renamed
 * construct fails the test that looks for it instead of silently checking nothing.
 */
export function resourceAt<P = Record<string, unknown>>(synth: SynthesizedStage, type: string, pathSuffix: string): FoundResource<P> {
  const matches = resourcesOfType<P>(synth, type).filter((resource) => resource.path.endsWith(pathSuffix));
  if (matches.length !== 1) {
    throw new Error(`expected one ${type} at *${pathSuffix}, found ${matches.length}: ${matches.map((m) => m.path).join(', ') || 'none'}`);
  }
  return matches[0] as FoundResource<P>;
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
  const resources = template.toJSON().Resources as Resources | undefined;
  return resources?.[id]?.Type;
}

/**
 * The resource that `value`, written in `stack`'s template, points at: a `{ Ref }` or
 * `{ Fn::GetAtt }` in that stack, or a `{ Fn::ImportValue }` of another stack's export, followed
 * to the resource behind the export. Undefined for literals and pseudo parameters.
 */
export function resolveReference(synth: SynthesizedStage, stack: StackName, value: unknown): FoundResource | undefined {
  const importName = typeof value === 'object' && value !== null ? (value as { 'Fn::ImportValue'?: unknown })['Fn::ImportValue'] : undefined;
  if (typeof importName === 'string') {
    for (const { name, template } of synth.stacks) {
      const outputs = (template.toJSON().Outputs ?? {}) as Outputs;
      const output = Object.values(outputs).find((candidate) => candidate.Export?.Name === importName);
      if (output) return resolveReference(synth, name, output.Value);
    }
    return undefined;
  }
  const id = referencedLogicalId(value);
  const owner = synth.stacks.find(({ name }) => name === stack);
  const resource = id && owner ? (owner.template.toJSON().Resources as Resources | undefined)?.[id] : undefined;
  return id && owner && resource ? found(stack, owner.template, id, resource) : undefined;
}

/**
 * A policy `Resource` entry in words: the construct path of what it points at, with any literal
 * suffix a `Fn::Join` adds (`…/RawArchive/Resource/shopify/*`, `…/Function/Resource:*`), or the
 * literal itself (`*`). Reads across stacks, so a grant on an imported table names that table.
 */
export function describeArn(synth: SynthesizedStage, stack: StackName, value: unknown): string {
  if (typeof value === 'string') return value;
  const join = typeof value === 'object' && value !== null ? (value as { 'Fn::Join'?: unknown })['Fn::Join'] : undefined;
  if (Array.isArray(join) && join[0] === '' && Array.isArray(join[1])) {
    return (join[1] as unknown[]).map((part) => describeArn(synth, stack, part)).join('');
  }
  return resolveReference(synth, stack, value)?.path ?? JSON.stringify(value);
}
