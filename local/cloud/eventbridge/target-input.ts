import type { EventEnvelope } from './envelope.ts';

/** What a target receives: the whole event, a constant `Input`, or the part `InputPath` selects. */
export function targetInput(target: { readonly input?: string; readonly inputPath?: string }, event: EventEnvelope): string {
  if (target.input !== undefined) return target.input;
  if (target.inputPath !== undefined) return JSON.stringify(selectJsonPath(event, target.inputPath) ?? null);
  return JSON.stringify(event);
}

/**
 * The JSONPath subset InputPath is used with: `$`, `$.a.b`, `$.a[0]` and `$['a-b']`.
 * Filters and wildcards are not supported and throw, so a template using them fails loudly.
 */
export function selectJsonPath(document: unknown, path: string): unknown {
  if (!path.startsWith('$')) throw new Error(`InputPath must start with $: ${path}`);
  const segmentPattern = /\.([^.[\]]+)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/y;
  let current: unknown = document;
  let index = 1;
  while (index < path.length) {
    segmentPattern.lastIndex = index;
    const match = segmentPattern.exec(path);
    if (!match) throw new Error(`unsupported InputPath ${path} at position ${index}`);
    index = segmentPattern.lastIndex;
    const key = match[1] ?? match[3] ?? match[4];
    if (key !== undefined) {
      if (key === '*') throw new Error(`unsupported InputPath ${path}: wildcards are not supported`);
      current = typeof current === 'object' && current !== null && Object.hasOwn(current, key) ? (current as Record<string, unknown>)[key] : undefined;
    } else {
      current = Array.isArray(current) ? current[Number(match[2])] : undefined;
    }
  }
  return current;
}
