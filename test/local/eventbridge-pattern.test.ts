import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileEventPattern, InvalidEventPatternError, matchesEventPattern } from '../../local/cloud/eventbridge/pattern.ts';

/** An event shaped like the ones the app puts on its bus. */
function orderEvent(detail: Record<string, unknown>): Record<string, unknown> {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': 'OrderPlaced',
    source: 'shop.orders',
    account: '000000000000',
    time: '2024-05-01T10:00:00Z',
    region: 'ap-south-1',
    resources: [],
    detail,
  };
}

/** Whether a `detail` pattern matches an order event with this `detail`. */
function detailMatches(detailPattern: Record<string, unknown>, detail: Record<string, unknown>): boolean {
  return matchesEventPattern({ detail: detailPattern }, orderEvent(detail));
}

function expectInvalid(pattern: unknown, fieldInMessage: string): void {
  let thrown: unknown;
  try {
    compileEventPattern(pattern);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InvalidEventPatternError);
  expect((thrown as Error).message).toContain(fieldInMessage);
}

describe('exact values', () => {
  it('matches equal strings, numbers, booleans and null, and nothing of another type', () => {
    expect(matchesEventPattern({ source: ['shop.orders'] }, orderEvent({}))).toBe(true);
    expect(matchesEventPattern({ source: ['shop.refunds'] }, orderEvent({}))).toBe(false);
    expect(detailMatches({ qty: [3] }, { qty: 3 })).toBe(true);
    expect(detailMatches({ qty: [3] }, { qty: 3.0 })).toBe(true);
    expect(detailMatches({ qty: [3] }, { qty: '3' })).toBe(false);
    expect(detailMatches({ paid: [true] }, { paid: true })).toBe(true);
    expect(detailMatches({ paid: [true] }, { paid: 'true' })).toBe(false);
    expect(detailMatches({ note: [null] }, { note: null })).toBe(true);
    expect(detailMatches({ note: [null] }, { note: 'null' })).toBe(false);
  });

  it('is case sensitive', () => {
    expect(detailMatches({ status: ['PAID'] }, { status: 'paid' })).toBe(false);
  });

  it('requires every field of the pattern (fields are ANDed)', () => {
    const pattern = { source: ['shop.orders'], 'detail-type': ['OrderPlaced'], detail: { brand: ['acme'] } };
    expect(matchesEventPattern(pattern, orderEvent({ brand: 'acme' }))).toBe(true);
    expect(matchesEventPattern(pattern, orderEvent({ brand: 'other' }))).toBe(false);
  });

  it('ignores event fields the pattern does not mention', () => {
    expect(detailMatches({ brand: ['acme'] }, { brand: 'acme', total: 10, lines: [{ sku: 'x' }] })).toBe(true);
  });
});

describe('null and empty string', () => {
  it('keeps null and empty string apart, and neither matches a missing field', () => {
    expect(detailMatches({ note: [''] }, { note: '' })).toBe(true);
    expect(detailMatches({ note: [''] }, { note: null })).toBe(false);
    expect(detailMatches({ note: [null] }, { note: '' })).toBe(false);
    expect(detailMatches({ note: [''] }, {})).toBe(false);
    expect(detailMatches({ note: [null] }, {})).toBe(false);
  });
});

describe('arrays', () => {
  it('treats the values of a pattern array as alternatives', () => {
    expect(detailMatches({ status: ['paid', 'refunded'] }, { status: 'refunded' })).toBe(true);
    expect(detailMatches({ status: ['paid', 'refunded'] }, { status: 'pending' })).toBe(false);
  });

  it('matches an event array when any of its elements matches', () => {
    expect(detailMatches({ tags: ['vip'] }, { tags: ['new', 'vip'] })).toBe(true);
    expect(detailMatches({ tags: ['vip'] }, { tags: ['new'] })).toBe(false);
    expect(detailMatches({ tags: ['vip'] }, { tags: [] })).toBe(false);
    expect(matchesEventPattern({ resources: [{ prefix: 'arn:aws:ec2' }] }, { resources: ['arn:aws:s3:::b', 'arn:aws:ec2:x'] })).toBe(
      true,
    );
  });

  it('matches a nested pattern within one element of an array of objects', () => {
    const detail = { lines: [{ sku: 'A', qty: 1 }, { sku: 'B', qty: 2 }] };
    expect(detailMatches({ lines: { sku: ['B'], qty: [2] } }, detail)).toBe(true);
    expect(detailMatches({ lines: { sku: ['A'], qty: [2] } }, detail)).toBe(false);
  });
});

describe('nested objects', () => {
  it('follows the event structure', () => {
    const detail = { customer: { address: { country: 'IN' } } };
    expect(detailMatches({ customer: { address: { country: ['IN'] } } }, detail)).toBe(true);
    expect(detailMatches({ customer: { address: { country: ['MY'] } } }, detail)).toBe(false);
    expect(detailMatches({ customer: { address: { country: ['IN'] } } }, { customer: 'IN' })).toBe(false);
  });

  it('does not treat an object as a leaf value', () => {
    expect(detailMatches({ customer: ['IN'] }, { customer: { country: 'IN' } })).toBe(false);
  });

  it('does not see inherited object properties as fields', () => {
    expect(detailMatches({ constructor: [{ exists: true }] }, {})).toBe(false);
    expect(detailMatches({ toString: [{ exists: false }] }, {})).toBe(true);
  });
});

describe('prefix', () => {
  it('matches strings that start with the prefix', () => {
    expect(matchesEventPattern({ time: [{ prefix: '2024-05' }] }, orderEvent({}))).toBe(true);
    expect(matchesEventPattern({ time: [{ prefix: '2024-06' }] }, orderEvent({}))).toBe(false);
  });

  it('only matches strings', () => {
    expect(detailMatches({ code: [{ prefix: '12' }] }, { code: 123 })).toBe(false);
  });

  it('ignores case with equals-ignore-case', () => {
    const pattern = { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] };
    expect(detailMatches(pattern, { service: 'eventbridge' })).toBe(true);
    expect(detailMatches(pattern, { service: 'EVENTBRIDGE' })).toBe(true);
    expect(detailMatches(pattern, { service: 'sqs' })).toBe(false);
  });
});

describe('suffix', () => {
  it('matches strings that end with the suffix', () => {
    expect(detailMatches({ file: [{ suffix: '.png' }] }, { file: 'invoice.png' })).toBe(true);
    expect(detailMatches({ file: [{ suffix: '.png' }] }, { file: 'invoice.PNG' })).toBe(false);
    expect(detailMatches({ file: [{ suffix: '.png' }] }, { file: 'invoice.pdf' })).toBe(false);
  });

  it('ignores case with equals-ignore-case', () => {
    expect(detailMatches({ file: [{ suffix: { 'equals-ignore-case': '.png' } }] }, { file: 'INVOICE.PNG' })).toBe(true);
    expect(detailMatches({ file: [{ suffix: { 'equals-ignore-case': '.png' } }] }, { file: 'invoice.pdf' })).toBe(false);
  });
});

describe('anything-but', () => {
  it('excludes a single string or number', () => {
    expect(detailMatches({ state: [{ 'anything-but': 'initializing' }] }, { state: 'running' })).toBe(true);
    expect(detailMatches({ state: [{ 'anything-but': 'initializing' }] }, { state: 'initializing' })).toBe(false);
    expect(detailMatches({ limit: [{ 'anything-but': 123 }] }, { limit: 124 })).toBe(true);
    expect(detailMatches({ limit: [{ 'anything-but': 123 }] }, { limit: 123 })).toBe(false);
  });

  it('excludes every value of a list', () => {
    const pattern = { state: [{ 'anything-but': ['stopped', 'overloaded'] }] };
    expect(detailMatches(pattern, { state: 'running' })).toBe(true);
    expect(detailMatches(pattern, { state: 'overloaded' })).toBe(false);
    expect(detailMatches({ limit: [{ 'anything-but': [100, 200] }] }, { limit: 200 })).toBe(false);
  });

  it('does not match a missing field', () => {
    expect(detailMatches({ state: [{ 'anything-but': 'initializing' }] }, {})).toBe(false);
  });

  it('excludes by prefix and by suffix', () => {
    expect(detailMatches({ region: [{ 'anything-but': { prefix: 'us-' } }] }, { region: 'ap-south-1' })).toBe(true);
    expect(detailMatches({ region: [{ 'anything-but': { prefix: 'us-' } }] }, { region: 'us-east-1' })).toBe(false);
    expect(detailMatches({ file: [{ 'anything-but': { suffix: '.png' } }] }, { file: 'a.jpg' })).toBe(true);
    expect(detailMatches({ file: [{ 'anything-but': { suffix: '.png' } }] }, { file: 'a.png' })).toBe(false);
  });

  it('excludes by wildcard, one or several', () => {
    expect(detailMatches({ path: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, { path: 'src/app/x.ts' })).toBe(true);
    expect(detailMatches({ path: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, { path: 'src/lib/x.ts' })).toBe(false);
    const several = { path: [{ 'anything-but': { wildcard: ['*/lib/*', '*.md'] } }] };
    expect(detailMatches(several, { path: 'README.md' })).toBe(false);
    expect(detailMatches(several, { path: 'src/x.ts' })).toBe(true);
  });

  it('excludes ignoring case, one or several', () => {
    expect(detailMatches({ state: [{ 'anything-but': { 'equals-ignore-case': 'paid' } }] }, { state: 'PAID' })).toBe(false);
    expect(detailMatches({ state: [{ 'anything-but': { 'equals-ignore-case': 'paid' } }] }, { state: 'open' })).toBe(true);
    const several = { state: [{ 'anything-but': { 'equals-ignore-case': ['paid', 'refunded'] } }] };
    expect(detailMatches(several, { state: 'Refunded' })).toBe(false);
    expect(detailMatches(several, { state: 'open' })).toBe(true);
  });

  it('matches an event array when some element is not excluded', () => {
    expect(detailMatches({ tags: [{ 'anything-but': 'test' }] }, { tags: ['test', 'vip'] })).toBe(true);
    expect(detailMatches({ tags: [{ 'anything-but': 'test' }] }, { tags: ['test'] })).toBe(false);
  });
});

describe('numeric', () => {
  it('compares with each operator', () => {
    expect(detailMatches({ total: [{ numeric: ['>', 10] }] }, { total: 10.5 })).toBe(true);
    expect(detailMatches({ total: [{ numeric: ['>', 10] }] }, { total: 10 })).toBe(false);
    expect(detailMatches({ total: [{ numeric: ['>=', 10] }] }, { total: 10 })).toBe(true);
    expect(detailMatches({ total: [{ numeric: ['<', 10] }] }, { total: 10 })).toBe(false);
    expect(detailMatches({ total: [{ numeric: ['<=', 10] }] }, { total: 10 })).toBe(true);
    expect(detailMatches({ total: [{ numeric: ['=', 3.5] }] }, { total: 3.5 })).toBe(true);
    expect(detailMatches({ total: [{ numeric: ['=', 3.5] }] }, { total: 3.6 })).toBe(false);
  });

  it('combines a lower and an upper bound', () => {
    const pattern = { total: [{ numeric: ['>', 0, '<=', 5] }] };
    expect(detailMatches(pattern, { total: 5 })).toBe(true);
    expect(detailMatches(pattern, { total: 0 })).toBe(false);
    expect(detailMatches(pattern, { total: 5.01 })).toBe(false);
    expect(detailMatches({ total: [{ numeric: ['<', 5, '>=', 1] }] }, { total: 1 })).toBe(true);
  });

  it('only matches JSON numbers', () => {
    expect(detailMatches({ total: [{ numeric: ['>', 0] }] }, { total: '7' })).toBe(false);
    expect(detailMatches({ total: [{ numeric: ['>', 0] }] }, {})).toBe(false);
  });
});

describe('exists', () => {
  it('exists: true matches a present leaf, including null and empty string', () => {
    expect(detailMatches({ phone: [{ exists: true }] }, { phone: '+91' })).toBe(true);
    expect(detailMatches({ phone: [{ exists: true }] }, { phone: null })).toBe(true);
    expect(detailMatches({ phone: [{ exists: true }] }, { phone: '' })).toBe(true);
    expect(detailMatches({ phone: [{ exists: true }] }, {})).toBe(false);
  });

  it('exists: false matches a missing field', () => {
    expect(detailMatches({ phone: [{ exists: false }] }, {})).toBe(true);
    expect(detailMatches({ phone: [{ exists: false }] }, { phone: '+91' })).toBe(false);
    expect(detailMatches({ customer: { phone: [{ exists: false }] } }, {})).toBe(true);
  });

  it('exists: false looks through arrays: no element holding the field counts as missing', () => {
    const pattern = { lines: { giftWrap: [{ exists: false }] } };
    expect(detailMatches(pattern, { lines: [] })).toBe(true);
    expect(detailMatches(pattern, { lines: ['plain'] })).toBe(true);
    expect(detailMatches(pattern, { lines: [{ giftWrap: true }] })).toBe(false);
  });

  it('only sees leaf values: an object or an empty array is not a leaf', () => {
    expect(detailMatches({ customer: [{ exists: true }] }, { customer: { name: 'A' } })).toBe(false);
    expect(detailMatches({ customer: [{ exists: false }] }, { customer: { name: 'A' } })).toBe(true);
    expect(detailMatches({ tags: [{ exists: true }] }, { tags: [] })).toBe(false);
  });
});

describe('cidr', () => {
  it('matches IPv4 addresses inside the block', () => {
    const pattern = { sourceIp: [{ cidr: '10.0.0.0/24' }] };
    expect(detailMatches(pattern, { sourceIp: '10.0.0.255' })).toBe(true);
    expect(detailMatches(pattern, { sourceIp: '10.0.1.0' })).toBe(false);
    expect(detailMatches(pattern, { sourceIp: 'not-an-ip' })).toBe(false);
    expect(detailMatches({ sourceIp: [{ cidr: '0.0.0.0/0' }] }, { sourceIp: '203.0.113.9' })).toBe(true);
  });

  it('matches IPv6 addresses inside the block, in any notation', () => {
    const pattern = { sourceIp: [{ cidr: '2001:db8::/32' }] };
    expect(detailMatches(pattern, { sourceIp: '2001:db8:0:0:0:0:0:1' })).toBe(true);
    expect(detailMatches(pattern, { sourceIp: '2001:DB8::ff' })).toBe(true);
    expect(detailMatches(pattern, { sourceIp: '2001:db9::1' })).toBe(false);
    expect(detailMatches({ sourceIp: [{ cidr: '::ffff:10.0.0.0/120' }] }, { sourceIp: '::ffff:10.0.0.7' })).toBe(true);
  });

  it('does not mix address families', () => {
    expect(detailMatches({ sourceIp: [{ cidr: '::/0' }] }, { sourceIp: '10.0.0.1' })).toBe(false);
  });
});

describe('wildcard', () => {
  it('matches any run of characters at each star', () => {
    const pattern = { key: [{ wildcard: 'dir/*.png' }] };
    expect(detailMatches(pattern, { key: 'dir/a.png' })).toBe(true);
    expect(detailMatches(pattern, { key: 'dir/sub/a.png' })).toBe(true);
    expect(detailMatches(pattern, { key: 'dir/.png' })).toBe(true);
    expect(detailMatches(pattern, { key: 'other/a.png' })).toBe(false);
    expect(detailMatches({ key: [{ wildcard: 'a*b*c' }] }, { key: 'aXbYc' })).toBe(true);
  });

  it('treats an escaped star literally, and other regex characters literally', () => {
    expect(detailMatches({ key: [{ wildcard: 'price\\*' }] }, { key: 'price*' })).toBe(true);
    expect(detailMatches({ key: [{ wildcard: 'price\\*' }] }, { key: 'prices' })).toBe(false);
    expect(detailMatches({ key: [{ wildcard: 'a.c' }] }, { key: 'abc' })).toBe(false);
  });
});

describe('equals-ignore-case', () => {
  it('matches strings regardless of case', () => {
    expect(detailMatches({ name: [{ 'equals-ignore-case': 'alice' }] }, { name: 'ALICE' })).toBe(true);
    expect(detailMatches({ name: [{ 'equals-ignore-case': 'alice' }] }, { name: 'alicia' })).toBe(false);
  });
});

describe('$or', () => {
  it('matches when any alternative matches', () => {
    const pattern = { detail: { $or: [{ location: ['New York'] }, { day: ['Monday'] }] } };
    expect(matchesEventPattern(pattern, orderEvent({ day: 'Monday' }))).toBe(true);
    expect(matchesEventPattern(pattern, orderEvent({ location: 'New York' }))).toBe(true);
    expect(matchesEventPattern(pattern, orderEvent({ location: 'Pune', day: 'Friday' }))).toBe(false);
  });

  it('works at the top level and is ANDed with sibling fields', () => {
    const pattern = {
      source: ['shop.orders'],
      $or: [{ 'detail-type': ['OrderPlaced'] }, { detail: { priority: [{ numeric: ['>', 5] }] } }],
    };
    expect(matchesEventPattern(pattern, orderEvent({}))).toBe(true);
    expect(matchesEventPattern(pattern, { ...orderEvent({ priority: 9 }), 'detail-type': 'Other' })).toBe(true);
    expect(matchesEventPattern(pattern, { ...orderEvent({ priority: 1 }), 'detail-type': 'Other' })).toBe(false);
    expect(matchesEventPattern(pattern, { ...orderEvent({}), source: 'elsewhere' })).toBe(false);
  });

  it('nests', () => {
    const pattern = { detail: { $or: [{ a: ['1'] }, { $or: [{ b: ['2'] }, { c: ['3'] }] }] } };
    expect(matchesEventPattern(pattern, orderEvent({ c: '3' }))).toBe(true);
    expect(matchesEventPattern(pattern, orderEvent({ d: '4' }))).toBe(false);
  });
});

describe('invalid patterns', () => {
  it('rejects a pattern that is not an object', () => {
    expectInvalid('source', '(root)');
    expectInvalid(['a'], '(root)');
    expectInvalid(null, '(root)');
    expectInvalid({}, '(root)');
  });

  it('rejects a leaf that is not an array, and empty or nested arrays', () => {
    expectInvalid({ source: 'shop.orders' }, 'source');
    expectInvalid({ detail: { status: 3 } }, 'detail.status');
    expectInvalid({ detail: { status: [] } }, 'detail.status');
    expectInvalid({ detail: { status: [['paid']] } }, 'detail.status');
  });

  it('rejects unknown operators and operator objects with several keys', () => {
    expectInvalid({ detail: { status: [{ contains: 'p' }] } }, 'detail.status');
    expectInvalid({ detail: { status: [{ prefix: 'p', suffix: 'd' }] } }, 'detail.status');
    expectInvalid({ detail: { status: [{ prefix: { 'ignore-case': 'p' } }] } }, 'detail.status');
  });

  it('rejects bad numeric expressions', () => {
    expectInvalid({ n: [{ numeric: [] }] }, 'n');
    expectInvalid({ n: [{ numeric: ['>'] }] }, 'n');
    expectInvalid({ n: [{ numeric: ['!=', 1] }] }, 'n');
    expectInvalid({ n: [{ numeric: ['>', '1'] }] }, 'n');
    expectInvalid({ n: [{ numeric: ['>', 5, '<', 1] }] }, 'n');
    expectInvalid({ n: [{ numeric: ['>', 1, '>', 2] }] }, 'n');
    expectInvalid({ n: [{ numeric: ['=', 1, '<', 2] }] }, 'n');
    expectInvalid({ n: [{ numeric: ['>', 6e9] }] }, 'n');
    expectInvalid({ n: [{ numeric: 5 }] }, 'n');
  });

  it('rejects exists with a non-boolean', () => {
    expectInvalid({ detail: { phone: [{ exists: 'true' }] } }, 'detail.phone');
  });

  it('rejects malformed CIDR blocks', () => {
    expectInvalid({ ip: [{ cidr: '10.0.0.0' }] }, 'ip');
    expectInvalid({ ip: [{ cidr: '10.0.0.0/33' }] }, 'ip');
    expectInvalid({ ip: [{ cidr: '300.0.0.0/8' }] }, 'ip');
    expectInvalid({ ip: [{ cidr: '2001:db8::1::/64' }] }, 'ip');
    expectInvalid({ ip: [{ cidr: 10 }] }, 'ip');
  });

  it('rejects consecutive wildcards and unknown escapes', () => {
    expectInvalid({ key: [{ wildcard: 'a**b' }] }, 'key');
    expectInvalid({ key: [{ wildcard: 'a\\b' }] }, 'key');
    expectInvalid({ key: [{ 'anything-but': { wildcard: ['ok*', 'x**'] } }] }, 'key');
  });

  it('rejects bad anything-but operands', () => {
    expectInvalid({ s: [{ 'anything-but': [] }] }, 's');
    expectInvalid({ s: [{ 'anything-but': ['a', 1] }] }, 's');
    expectInvalid({ s: [{ 'anything-but': true }] }, 's');
    expectInvalid({ s: [{ 'anything-but': { numeric: ['>', 1] } }] }, 's');
    expectInvalid({ s: [{ 'anything-but': { 'equals-ignore-case': [] } }] }, 's');
  });

  it('rejects a malformed $or', () => {
    expectInvalid({ detail: { $or: [{ a: ['1'] }] } }, 'detail.$or');
    expectInvalid({ $or: { a: ['1'] } }, '$or');
    expectInvalid({ $or: [{ a: ['1'] }, 'b'] }, '$or');
  });

  it('rejects non-string operands for string operators', () => {
    expectInvalid({ s: [{ prefix: 1 }] }, 's');
    expectInvalid({ s: [{ suffix: null }] }, 's');
    expectInvalid({ s: [{ 'equals-ignore-case': 1 }] }, 's');
    expectInvalid({ s: [{ wildcard: ['a*'] }] }, 's');
  });
});

describe('patterns built from an event', () => {
  const leaf = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
  const fieldName = fc.string({ minLength: 1 }).filter((name) => name !== '$or');
  const { json } = fc.letrec((tie) => ({
    json: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
    array: fc.array(tie('json'), { maxLength: 4 }),
    object: fc.dictionary(fieldName, tie('json'), { maxKeys: 4 }),
  }));
  const event = fc.dictionary(fieldName, json, { minKeys: 1, maxKeys: 5 }).map((value) => JSON.parse(JSON.stringify(value)));

  /** Picks one leaf per field, the way a user writes a pattern from a sample event. */
  function patternFrom(value: Record<string, unknown>): Record<string, unknown> | undefined {
    const pattern: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      const element = Array.isArray(field) ? field.flat(Infinity).find((item) => item === null || typeof item !== 'object') : field;
      const nested = Array.isArray(field) ? field.flat(Infinity).find((item) => item !== null && typeof item === 'object') : field;
      if (element === null || (typeof element !== 'object' && element !== undefined)) pattern[key] = [element];
      else if (nested !== null && typeof nested === 'object') {
        const inner = patternFrom(nested as Record<string, unknown>);
        if (inner) pattern[key] = inner;
      }
    }
    return Object.keys(pattern).length > 0 ? pattern : undefined;
  }

  it('an event always matches a pattern made of its own leaf values', () => {
    fc.assert(
      fc.property(event, (sample) => {
        const pattern = patternFrom(sample);
        fc.pre(pattern !== undefined);
        expect(matchesEventPattern(pattern, sample)).toBe(true);
      }),
    );
  });

  it('an event never matches that pattern once one of the chosen fields is removed', () => {
    fc.assert(
      fc.property(event, (sample) => {
        const pattern = patternFrom(sample);
        fc.pre(pattern !== undefined);
        const removed = Object.keys(pattern!)[0]!;
        const rest = Object.fromEntries(Object.entries(sample).filter(([key]) => key !== removed));
        expect(matchesEventPattern(pattern, rest)).toBe(false);
      }),
    );
  });
});
