import { LOCAL_ACCOUNT, LOCAL_REGION } from '../contracts.ts';
import type { StackArtifact } from './assembly.ts';
import { UnsupportedTemplateError } from './errors.ts';
import { resolveIntrinsics, type IntrinsicContext } from './intrinsics.ts';
import { RESOURCE_TYPES, SKIPPED_PARAMETERS, type ResourceTypeSpec } from './resource-types.ts';

export interface ResolvedResource {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  /** The physical name: the template's name property, or `<stack>-<logicalId>` like CloudFormation's generated names. */
  readonly name: string;
  readonly properties: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
  readonly stack: StackArtifact;
}

const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::AccountId': LOCAL_ACCOUNT,
  'AWS::Region': LOCAL_REGION,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
};

/**
 * Checks every stack against what the local cloud supports and resolves every intrinsic, in
 * deployment order so `Fn::ImportValue` finds the exports of earlier stacks.
 */
export function resolveStacks(stacks: readonly StackArtifact[], endpointUrl: string): ResolvedResource[] {
  const exports = new Map<string, string>();
  const resolved: ResolvedResource[] = [];
  for (const stack of stacks) {
    const { stackName, template } = stack;
    rejectUnsupported(stack);
    const names = new Map<string, string>();
    const context: IntrinsicContext = {
      stackName,
      ref: (name) => {
        if (name in PSEUDO_PARAMETERS) return PSEUDO_PARAMETERS[name]!;
        if (name === 'AWS::StackName') return stackName;
        const parameter = template.Parameters?.[name];
        if (parameter) {
          if (parameter.Default === undefined) throw new UnsupportedTemplateError(stackName, name, 'a parameter without a default');
          return String(parameter.Default);
        }
        const resource = template.Resources[name];
        if (!resource) throw new UnsupportedTemplateError(stackName, name, 'Ref to an unknown logical id');
        return specOf(stackName, name, resource.Type).ref(nameOf(name), endpointUrl);
      },
      getAtt: (logicalId, attribute) => {
        const resource = template.Resources[logicalId];
        if (!resource) throw new UnsupportedTemplateError(stackName, logicalId, 'Fn::GetAtt of an unknown logical id');
        const read = specOf(stackName, logicalId, resource.Type).attributes[attribute];
        if (!read) throw new UnsupportedTemplateError(stackName, logicalId, `attribute ${attribute} of ${resource.Type}`);
        return read(nameOf(logicalId), endpointUrl);
      },
      importValue: (exportName) => {
        const value = exports.get(exportName);
        if (value === undefined) throw new UnsupportedTemplateError(stackName, exportName, 'Fn::ImportValue of an export no earlier stack has');
        return value;
      },
    };
    const resolving = new Set<string>();
    function nameOf(logicalId: string): string {
      const known = names.get(logicalId);
      if (known) return known;
      if (resolving.has(logicalId)) throw new UnsupportedTemplateError(stackName, logicalId, 'a name that refers to itself');
      resolving.add(logicalId);
      const resource = template.Resources[logicalId]!;
      const spec = specOf(stackName, logicalId, resource.Type);
      const declared = spec.nameProperty ? resource.Properties?.[spec.nameProperty] : undefined;
      const generated = spec.generatedName?.(stackName, logicalId) ?? `${stackName}-${logicalId}`;
      const name = declared === undefined ? generated : String(resolveIntrinsics(declared, context, logicalId));
      names.set(logicalId, name);
      resolving.delete(logicalId);
      return name;
    }

    for (const [logicalId, resource] of Object.entries(template.Resources)) {
      resolved.push({
        stackName,
        logicalId,
        type: resource.Type,
        name: nameOf(logicalId),
        properties: resolveIntrinsics(resource.Properties ?? {}, context, logicalId) as Record<string, unknown>,
        metadata: resource.Metadata ?? {},
        stack,
      });
    }
    for (const [outputId, output] of Object.entries(template.Outputs ?? {})) {
      if (!output.Export) continue;
      const exportName = String(resolveIntrinsics(output.Export.Name, context, outputId));
      exports.set(exportName, String(resolveIntrinsics(output.Value, context, outputId)));
    }
  }
  return resolved;
}

function specOf(stackName: string, logicalId: string, type: string): ResourceTypeSpec {
  const spec = RESOURCE_TYPES[type];
  if (!spec) throw new UnsupportedTemplateError(stackName, logicalId, `resource type ${type}`);
  return spec;
}

function rejectUnsupported({ stackName, template }: StackArtifact): void {
  if (template.Conditions && Object.keys(template.Conditions).length > 0) {
    throw new UnsupportedTemplateError(stackName, Object.keys(template.Conditions)[0]!, 'a template Condition');
  }
  for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
    if (!SKIPPED_PARAMETERS.has(name) && parameter.Default === undefined) {
      throw new UnsupportedTemplateError(stackName, name, 'a parameter without a default');
    }
  }
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const spec = specOf(stackName, logicalId, resource.Type);
    if (resource.Condition) throw new UnsupportedTemplateError(stackName, logicalId, `Condition on ${resource.Type}`);
    for (const property of Object.keys(resource.Properties ?? {})) {
      if (!spec.honoured.includes(property) && !(property in (spec.noLocalEffect ?? {}))) {
        throw new UnsupportedTemplateError(stackName, logicalId, `property ${property} of ${resource.Type}`);
      }
    }
  }
}
