import { compileCidr } from './cidr.ts';
import { InvalidEventPatternError } from './pattern-error.ts';
import { compileWildcard } from './wildcard.ts';

/** A JSON scalar found at a field of the event (arrays are flattened into several of these). */
export type LeafValue = string | number | boolean | null;

/**
 * Tests the leaf values the event holds at one field. Most operators need one value to match,
 * but `exists` is about whether there is any value at all, so a test sees them all.
 */
export type LeafTest = (values: readonly LeafValue[]) => boolean;

type ValueTest = (value: LeafValue) => boolean;

/** EventBridge's numeric matching is limited to this range (with 15 significant digits). */
const NUMERIC_LIMIT = 5e9;

/** Compiles the array of a leaf field, whose entries are ORed. */
export function compileLeafMatchers(field: string, matchers: readonly unknown[]): LeafTest {
  if (matchers.length === 0) throw new InvalidEventPatternError(field, 'an array in a pattern must contain at least one value');
  const tests = matchers.map((matcher) => compileLeafMatcher(field, matcher));
  return (values) => tests.some((test) => test(values));
}

function compileLeafMatcher(field: string, matcher: unknown): LeafTest {
  if (matcher === null || typeof matcher === 'string' || typeof matcher === 'number' || typeof matcher === 'boolean') {
    return anyValue((value) => value === matcher);
  }
  if (Array.isArray(matcher)) throw new InvalidEventPatternError(field, 'arrays cannot be nested in a pattern array');
  if (typeof matcher !== 'object') throw new InvalidEventPatternError(field, `unsupported value ${String(matcher)}`);
  const [operator, operand] = singleEntry(field, matcher as Record<string, unknown>);
  switch (operator) {
    case 'exists': {
      if (typeof operand !== 'boolean') throw new InvalidEventPatternError(field, 'exists must be true or false');
      return (values) => values.length > 0 === operand;
    }
    case 'prefix':
      return anyValue(compileAffix(field, 'prefix', operand));
    case 'suffix':
      return anyValue(compileAffix(field, 'suffix', operand));
    case 'equals-ignore-case':
      return anyValue(equalsIgnoreCase(requireString(field, operator, operand)));
    case 'wildcard': {
      const regExp = compileWildcard(field, requireString(field, operator, operand));
      return anyValue((value) => typeof value === 'string' && regExp.test(value));
    }
    case 'cidr': {
      const inBlock = compileCidr(field, operand);
      return anyValue((value) => typeof value === 'string' && inBlock(value));
    }
    case 'numeric':
      return anyValue(compileNumeric(field, operand));
    case 'anything-but': {
      const excluded = compileAnythingBut(field, operand);
      return anyValue((value) => !excluded(value));
    }
    default:
      throw new InvalidEventPatternError(field, `unrecognized match type ${operator}`);
  }
}

function anyValue(test: ValueTest): LeafTest {
  return (values) => values.some(test);
}

function singleEntry(field: string, matcher: Record<string, unknown>): [string, unknown] {
  const entries = Object.entries(matcher);
  if (entries.length !== 1) {
    throw new InvalidEventPatternError(field, `a match expression must have exactly one operator, found ${entries.length}`);
  }
  return entries[0]!;
}

function requireString(field: string, operator: string, operand: unknown): string {
  if (typeof operand !== 'string') throw new InvalidEventPatternError(field, `${operator} must be a string`);
  return operand;
}

function requireStringOrStrings(field: string, operator: string, operand: unknown): readonly string[] {
  if (typeof operand === 'string') return [operand];
  if (Array.isArray(operand) && operand.length > 0 && operand.every((item) => typeof item === 'string')) return operand;
  throw new InvalidEventPatternError(field, `${operator} must be a string or a non-empty array of strings`);
}

function equalsIgnoreCase(expected: string): ValueTest {
  const folded = foldCase(expected);
  return (value) => typeof value === 'string' && foldCase(value) === folded;
}

function foldCase(text: string): string {
  return text.toLowerCase();
}

/** `prefix` / `suffix`, given a string or `{ "equals-ignore-case": string }`. */
function compileAffix(field: string, operator: 'prefix' | 'suffix', operand: unknown): ValueTest {
  const affixTest = (affix: string, fold: (text: string) => string): ValueTest => {
    const expected = fold(affix);
    return (value) =>
      typeof value === 'string' && (operator === 'prefix' ? fold(value).startsWith(expected) : fold(value).endsWith(expected));
  };
  if (typeof operand === 'string') return affixTest(operand, (text) => text);
  if (operand !== null && typeof operand === 'object' && !Array.isArray(operand)) {
    const [modifier, affix] = singleEntry(field, operand as Record<string, unknown>);
    if (modifier === 'equals-ignore-case') return affixTest(requireString(field, `${operator} ${modifier}`, affix), foldCase);
    throw new InvalidEventPatternError(field, `unsupported ${operator} modifier ${modifier}`);
  }
  throw new InvalidEventPatternError(field, `${operator} must be a string or { "equals-ignore-case": string }`);
}

/** Returns the test for the values anything-but excludes. */
function compileAnythingBut(field: string, operand: unknown): ValueTest {
  if (typeof operand === 'string' || typeof operand === 'number') return (value) => value === operand;
  if (Array.isArray(operand)) {
    const allStrings = operand.every((item) => typeof item === 'string');
    const allNumbers = operand.every((item) => typeof item === 'number');
    if (operand.length === 0 || !(allStrings || allNumbers)) {
      throw new InvalidEventPatternError(field, 'anything-but list must be non-empty and contain only strings or only numbers');
    }
    const excluded = new Set<LeafValue>(operand as LeafValue[]);
    return (value) => excluded.has(value);
  }
  if (operand === null || typeof operand !== 'object') {
    throw new InvalidEventPatternError(field, 'anything-but must be a string, a number, a list or an operator object');
  }
  const [operator, inner] = singleEntry(field, operand as Record<string, unknown>);
  switch (operator) {
    case 'prefix':
    case 'suffix': {
      const affix = requireString(field, `anything-but ${operator}`, inner);
      if (affix === '') throw new InvalidEventPatternError(field, `anything-but ${operator} cannot be empty`);
      return compileAffix(field, operator, affix);
    }
    case 'equals-ignore-case': {
      const tests = requireStringOrStrings(field, `anything-but ${operator}`, inner).map(equalsIgnoreCase);
      return (value) => tests.some((test) => test(value));
    }
    case 'wildcard': {
      const regExps = requireStringOrStrings(field, `anything-but ${operator}`, inner).map((w) => compileWildcard(field, w));
      return (value) => typeof value === 'string' && regExps.some((regExp) => regExp.test(value));
    }
    default:
      throw new InvalidEventPatternError(field, `unsupported anything-but operator ${operator}`);
  }
}

type Bound = { readonly limit: number; readonly inclusive: boolean };

/**
 * `numeric` takes `["=", n]`, a single bound, or one lower and one upper bound in either order,
 * the lower below the upper. Only JSON numbers in the event can match.
 */
function compileNumeric(field: string, operand: unknown): ValueTest {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0 || operand.length > 4) {
    throw new InvalidEventPatternError(field, 'numeric must be an array of one or two [operator, number] pairs');
  }
  let lower: Bound | undefined;
  let upper: Bound | undefined;
  let equals: number | undefined;
  for (let index = 0; index < operand.length; index += 2) {
    const operator: unknown = operand[index];
    const limit: unknown = operand[index + 1];
    if (typeof limit !== 'number' || !Number.isFinite(limit) || Math.abs(limit) > NUMERIC_LIMIT) {
      throw new InvalidEventPatternError(field, `numeric value ${JSON.stringify(limit)} must be a number between -5e9 and 5e9`);
    }
    if (operator === '=') {
      if (operand.length !== 2) throw new InvalidEventPatternError(field, 'numeric "=" cannot be combined with another comparison');
      equals = limit;
    } else if (operator === '>' || operator === '>=') {
      if (lower) throw new InvalidEventPatternError(field, 'numeric can have only one lower bound');
      lower = { limit, inclusive: operator === '>=' };
    } else if (operator === '<' || operator === '<=') {
      if (upper) throw new InvalidEventPatternError(field, 'numeric can have only one upper bound');
      upper = { limit, inclusive: operator === '<=' };
    } else {
      throw new InvalidEventPatternError(field, `unrecognized numeric operator ${JSON.stringify(operator)}`);
    }
  }
  if (lower && upper && !(lower.limit < upper.limit)) {
    throw new InvalidEventPatternError(field, 'numeric lower bound must be less than the upper bound');
  }
  if (equals !== undefined) {
    const expected = equals;
    return (value) => typeof value === 'number' && value === expected;
  }
  return (value) =>
    typeof value === 'number' &&
    (!lower || (lower.inclusive ? value >= lower.limit : value > lower.limit)) &&
    (!upper || (upper.inclusive ? value <= upper.limit : value < upper.limit));
}
