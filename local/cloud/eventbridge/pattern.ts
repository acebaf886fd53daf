import { compileLeafMatchers, type LeafTest, type LeafValue } from './leaf-matchers.ts';
import { InvalidEventPatternError } from './pattern-error.ts';

export { InvalidEventPatternError } from './pattern-error.ts';

/**
 * EventBridge event-pattern matching, compiled once per rule.
 *
 * A pattern mirrors the event's shape: object fields are ANDed, each leaf is an array of
 * alternatives (ORed) and `$or` ORs whole sub-patterns at its level. A pattern object applied to
 * an array of objects in the event matches when one element matches all of it, so fields from
 * different elements are never combined.
 */
export type EventMatcher = (event: unknown) => boolean;

/** Matches the JSON found at one pattern position; `undefined` means the field is absent. */
type NodeTest = (value: unknown) => boolean;

const OR_KEY = '$or';

export function compileEventPattern(pattern: unknown): EventMatcher {
  if (!isPlainObject(pattern)) throw new InvalidEventPatternError('(root)', 'an event pattern must be a JSON object');
  const test = compileObject(pattern, '');
  return (event) => test(event);
}

export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  return compileEventPattern(pattern)(event);
}

function compileObject(pattern: Record<string, unknown>, path: string): NodeTest {
  const keys = Object.keys(pattern);
  if (keys.length === 0) throw new InvalidEventPatternError(path || '(root)', 'a pattern object must have at least one field');
  const fieldTests = keys.map((key): NodeTest => {
    const fieldPattern = pattern[key];
    if (key === OR_KEY) return compileOr(fieldPattern, path);
    const fieldPath = path ? `${path}.${key}` : key;
    const test = compileField(fieldPattern, fieldPath);
    return (value) => test(childOf(value, key));
  });
  return (value) => fieldTests.every((test) => test(value));
}

function compileOr(alternatives: unknown, path: string): NodeTest {
  const field = path ? `${path}.${OR_KEY}` : OR_KEY;
  if (!Array.isArray(alternatives) || alternatives.length < 2 || !alternatives.every(isPlainObject)) {
    throw new InvalidEventPatternError(field, `${OR_KEY} must be an array of at least two pattern objects`);
  }
  const tests = alternatives.map((alternative) => compileObject(alternative, path));
  return (value) => tests.some((test) => test(value));
}

function compileField(fieldPattern: unknown, path: string): NodeTest {
  if (Array.isArray(fieldPattern)) {
    const leafTest: LeafTest = compileLeafMatchers(path, fieldPattern);
    return (value) => leafTest(leafValuesOf(value));
  }
  if (isPlainObject(fieldPattern)) return compileNested(compileObject(fieldPattern, path));
  throw new InvalidEventPatternError(path, 'the value of a leaf in a pattern must be an array');
}

/**
 * A nested pattern looks inside objects. An array holding objects matches through any one of
 * them; anything else (missing, a scalar, an array of scalars) has none of the nested fields,
 * which only patterns such as `exists: false` accept.
 */
function compileNested(test: NodeTest): NodeTest {
  return (value) => {
    if (!Array.isArray(value)) return test(isPlainObject(value) ? value : undefined);
    const objects = flatten(value).filter(isPlainObject);
    return objects.length === 0 ? test(undefined) : objects.some(test);
  };
}

/** The scalars at a field; an object is not a leaf, so it holds none (exists matches leaves only). */
function leafValuesOf(value: unknown): LeafValue[] {
  if (value === undefined || isPlainObject(value)) return [];
  if (Array.isArray(value)) return flatten(value).filter(isLeafValue);
  return isLeafValue(value) ? [value] : [];
}

function childOf(value: unknown, key: string): unknown {
  // Own properties only: "constructor" or "__proto__" in a pattern must not find Object.prototype.
  return isPlainObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

function flatten(values: readonly unknown[]): unknown[] {
  return values.flatMap((item) => (Array.isArray(item) ? flatten(item) : [item]));
}

function isLeafValue(value: unknown): value is LeafValue {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
