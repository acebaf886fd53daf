import { UnsupportedTemplateError } from './errors.ts';

/** How the resolver looks up what intrinsics point at; supplied by the boot code per stack. */
export interface IntrinsicContext {
  readonly stackName: string;
  /** `Ref` of a resource, parameter or pseudo parameter (`AWS::Region`, …). */
  ref(name: string): string;
  getAtt(logicalId: string, attribute: string): string;
  importValue(exportName: string): string;
}

type SupportedIntrinsic = 'Ref' | 'Fn::GetAtt' | 'Fn::Join' | 'Fn::Sub' | 'Fn::ImportValue' | 'Fn::Select' | 'Fn::Split';

function isIntrinsic(value: Record<string, unknown>): string | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0]!;
  return key === 'Ref' || key.startsWith('Fn::') || key === 'Condition' ? key : undefined;
}

/**
 * Replaces CloudFormation intrinsic functions in `value` with local values. `logicalId` names the
 * resource being resolved, so an unsupported intrinsic fails the boot with a precise location.
 */
export function resolveIntrinsics(value: unknown, context: IntrinsicContext, logicalId: string): unknown {
  const resolve = (inner: unknown): unknown => resolveIntrinsics(inner, context, logicalId);
  const resolveString = (inner: unknown, what: string): string => {
    const resolved = resolve(inner);
    if (typeof resolved !== 'string' && typeof resolved !== 'number') {
      throw new UnsupportedTemplateError(context.stackName, logicalId, `${what} resolving to ${JSON.stringify(resolved)}`);
    }
    return String(resolved);
  };

  if (Array.isArray(value)) return value.map(resolve);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const intrinsic = isIntrinsic(object);
  if (!intrinsic) return Object.fromEntries(Object.entries(object).map(([key, inner]) => [key, resolve(inner)]));

  const argument = object[intrinsic];
  switch (intrinsic as SupportedIntrinsic) {
    case 'Ref':
      return context.ref(resolveString(argument, 'Ref'));
    case 'Fn::GetAtt': {
      const [target, attribute] = typeof argument === 'string' ? splitOnce(argument, '.') : (argument as [unknown, unknown]);
      return context.getAtt(resolveString(target, 'Fn::GetAtt target'), resolveString(attribute, 'Fn::GetAtt attribute'));
    }
    case 'Fn::Join': {
      const [delimiter, parts] = argument as [string, unknown];
      const list = resolve(parts);
      if (!Array.isArray(list)) throw new UnsupportedTemplateError(context.stackName, logicalId, 'Fn::Join over a non-list');
      return list.map((part) => resolveString(part, 'Fn::Join element')).join(delimiter);
    }
    case 'Fn::Sub': {
      const [template, variables] = typeof argument === 'string' ? [argument, {}] : (argument as [string, Record<string, unknown>]);
      const locals = Object.fromEntries(Object.entries(variables).map(([name, inner]) => [name, resolveString(inner, `Fn::Sub variable ${name}`)]));
      return substitute(template, (name) => {
        if (name in locals) return locals[name]!;
        if (name.includes('.')) {
          const [target, attribute] = splitOnce(name, '.');
          return context.getAtt(target, attribute);
        }
        return context.ref(name);
      });
    }
    case 'Fn::ImportValue':
      return context.importValue(resolveString(argument, 'Fn::ImportValue'));
    case 'Fn::Select': {
      const [index, list] = argument as [unknown, unknown];
      const resolvedList = resolve(list);
      const position = Number(resolve(index));
      if (!Array.isArray(resolvedList) || !(position in resolvedList)) {
        throw new UnsupportedTemplateError(context.stackName, logicalId, `Fn::Select index ${position} outside its list`);
      }
      return resolvedList[position];
    }
    case 'Fn::Split': {
      const [delimiter, source] = argument as [string, unknown];
      return resolveString(source, 'Fn::Split source').split(delimiter);
    }
    default:
      throw new UnsupportedTemplateError(context.stackName, logicalId, `intrinsic ${intrinsic}`);
  }
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

/** `${Name}` is looked up; `${!Literal}` is written as `${Literal}`, as CloudFormation does. */
export function substitute(template: string, lookup: (name: string) => string): string {
  return template.replace(/\$\{([^}]*)\}/g, (_, name: string) => (name.startsWith('!') ? `\${${name.slice(1)}}` : lookup(name.trim())));
}
