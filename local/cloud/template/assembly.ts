import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
  readonly Condition?: string;
}

export interface CloudFormationTemplate {
  readonly Resources: Record<string, TemplateResource>;
  readonly Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
  readonly Parameters?: Record<string, { Type: string; Default?: unknown }>;
  readonly Conditions?: Record<string, unknown>;
}

export interface StackArtifact {
  /** The CloudFormation stack name, e.g. `dev-Orders`. */
  readonly stackName: string;
  readonly template: CloudFormationTemplate;
  /** The folder the template's relative asset paths start from. */
  readonly assemblyDir: string;
  /** Asset id (S3 key without extension) → absolute path of the built asset. */
  readonly assets: ReadonlyMap<string, string>;
}

interface Manifest {
  artifacts: Record<string, { type: string; properties?: { templateFile?: string; directoryName?: string; stackName?: string; file?: string }; dependencies?: string[]; displayName?: string }>;
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/**
 * The stacks of one Stage in a cloud assembly (`cdk.out`), in deployment order, so the local cloud
 * boots exactly what `cdk deploy` would deploy for that environment.
 */
export function loadStageStacks(cloudAssemblyDir: string, stage: string): StackArtifact[] {
  const root = resolve(cloudAssemblyDir);
  const rootManifest = readJson<Manifest>(join(root, 'manifest.json'));
  const nested = Object.values(rootManifest.artifacts).find(
    (artifact) => artifact.type === 'cdk:cloud-assembly' && artifact.displayName === stage,
  );
  const assemblyDir = join(root, nested?.properties?.directoryName ?? `assembly-${stage}`);
  if (!existsSync(join(assemblyDir, 'manifest.json'))) {
    throw new Error(`stage "${stage}" is not in the cloud assembly at ${root}; synthesize it first (npx cdk synth -c only=${stage})`);
  }
  const manifest = readJson<Manifest>(join(assemblyDir, 'manifest.json'));
  const stacks = Object.entries(manifest.artifacts).filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack');
  const ordered = topologicalOrder(stacks.map(([id, artifact]) => ({ id, dependencies: artifact.dependencies ?? [] })));
  return ordered.map((id) => {
    const artifact = manifest.artifacts[id]!;
    const templateFile = artifact.properties?.templateFile ?? `${id}.template.json`;
    const assetManifest = Object.values(manifest.artifacts).find(
      (candidate) => candidate.type === 'cdk:asset-manifest' && (artifact.dependencies ?? []).includes(`${id}.assets`) && candidate.properties?.file === `${id}.assets.json`,
    );
    return {
      stackName: artifact.properties?.stackName ?? artifact.displayName?.replace('/', '-') ?? id,
      template: readJson<CloudFormationTemplate>(join(assemblyDir, templateFile)),
      assemblyDir,
      assets: assetManifest ? readAssets(join(assemblyDir, `${id}.assets.json`)) : new Map(),
    };
  });
}

function readAssets(path: string): Map<string, string> {
  const manifest = readJson<{ files?: Record<string, { source: { path: string } }> }>(path);
  return new Map(Object.entries(manifest.files ?? {}).map(([id, file]) => [id, resolve(dirname(path), file.source.path)]));
}

function topologicalOrder(nodes: { id: string; dependencies: string[] }[]): string[] {
  const known = new Set(nodes.map((node) => node.id));
  const done = new Set<string>();
  const order: string[] = [];
  const visit = (id: string, path: string[]): void => {
    if (done.has(id)) return;
    if (path.includes(id)) throw new Error(`stacks depend on each other in a cycle: ${[...path, id].join(' → ')}`);
    const node = nodes.find((candidate) => candidate.id === id)!;
    for (const dependency of node.dependencies) if (known.has(dependency)) visit(dependency, [...path, id]);
    done.add(id);
    order.push(id);
  };
  for (const node of nodes) visit(node.id, []);
  return order;
}
