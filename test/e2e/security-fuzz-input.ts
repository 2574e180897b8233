import fc from 'fast-check';
import { defOfEnum, kindOf, shapeOf, SAMPLE_ULID, type FieldKind, type RouteCase } from './security-routes';

/**
 * The hostile inputs of the fuzz test, as fast-check arbitraries built from a route's contract:
 * its body fields (from the zod schema), path parameters and query keys.
 */
export const INJECTIONS = [
  "' OR '1'='1' --",
  '1; DROP TABLE customers;--',
  '{"$where": "sleep(5000) || true"}',
  '$where',
  '{"$gt": ""}',
  '{{7*7}}',
  '${7*7}',
  '#{7*7}',
  '<%= 7*7 %>',
  '<script>alert(document.cookie)</script>',
  '"><img src=x onerror=alert(1)>',
  '../../etc/passwd',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  'a\r\nSet-Cookie: session=evil',
  '%0d%0aX-Injected: 1',
  '__proto__',
  'constructor.prototype',
  '"; cat /etc/passwd; echo "',
  'attribute_exists(PK) OR begins_with(PK, :p)',
  'CUST#01JZZZZZZZZZZZZZZZZZZZZZZZ',
  '=HYPERLINK("http://evil.example","x")',
];

export const UNICODE = [
  '\ud800',
  'a\udfffb',
  '\udbff\udfff',
  '\u202eevil\u202c',
  '\u200b\u200c\u200d\ufeff',
  '\u0000',
  'nul\u0000inside',
  '👩‍👩‍👧‍👦🏳️‍🌈🇨🇳',
  'e\u0301\u0301\u0301',
  '\u{10ffff}',
  'ＡＢＣ＠ｅｘａｍｐｌｅ．ｃｏｍ',
  'İıſ',
  '\u0085\u2028\u2029',
  '𝕏'.repeat(64),
];

const huge = fc.constantFrom(300, 2_049, 5_000, 70_000).map((n) => 'x'.repeat(n));
/** 1000 levels: plain arrays or objects, the field nested in itself, or group shapes a tree grammar might recurse into. */
const NESTINGS = ['array', 'object', 'self', 'not', 'all', 'any'] as const;
const nest = (depth: number, kind: (typeof NESTINGS)[number], field: string): unknown => {
  let v: unknown = kind === 'array' || kind === 'object' ? 'bottom' : { kind: 'tag', op: 'has', value: 'x' };
  for (let i = 0; i < depth; i++) v = kind === 'array' ? [v] : kind === 'object' ? { a: v } : kind === 'self' ? { [field]: v } : kind === 'not' ? { not: v } : { [kind]: [v] };
  return v;
};
export const deep = (field = 'a') => fc.constantFrom(...NESTINGS).map((k) => nest(1000, k, field));

export const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...INJECTIONS) },
  { weight: 3, arbitrary: fc.constantFrom(...UNICODE) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: huge },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...INJECTIONS), fc.constantFrom(...UNICODE)).map(([a, b]) => `${a}${b}`) },
);
const shortHostile = fc.oneof(fc.constantFrom(...INJECTIONS, ...UNICODE), fc.string({ unit: 'binary', maxLength: 20 }), fc.constant('x'.repeat(3_000)));

const wrongFor: Record<FieldKind, unknown[]> = {
  string: [123, -1.5, true, [], {}, null, ['a'], { $ne: null }],
  number: ['12', '1e999', true, [], {}, null, 1e308, -0, 2 ** 53 + 1, 0.1],
  boolean: ['true', 1, 0, [], {}, null],
  array: ['a,b', 1, {}, null, true, { 0: 'a', length: 1 }],
  object: ['{}', 1, [], null, true],
  enum: ['NOT_A_VALUE', 1, [], null, ''],
  other: [null, 1, 'x', [], {}],
};

export type HostileBody = { raw: string | Buffer; contentType: string } | undefined;
const json = (v: unknown): HostileBody => ({ raw: JSON.stringify(v), contentType: 'application/json' });

/** A value of the field's own kind carrying hostile content, so it gets past type checks into the use case. */
function typedHostile(kind: FieldKind, values: string[] | undefined): fc.Arbitrary<unknown> {
  switch (kind) {
    case 'string':
      return hostileString;
    case 'enum':
      return fc.constantFrom(...(values?.length ? values : ['x']));
    case 'number':
      return fc.constantFrom(0, 1, -1, 1e308, 2 ** 53 + 1, 0.000001);
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(shortHostile, { maxLength: 3 });
    case 'object':
      return fc.dictionary(fc.constantFrom('a', '$where', '__proto__', 'toString'), shortHostile, { maxKeys: 2 });
    default:
      return shortHostile;
  }
}

export function hostileBody(c: RouteCase): fc.Arbitrary<HostileBody> {
  const shape = shapeOf(c.contract.body);
  const names = Object.keys(shape).length ? Object.keys(shape) : ['name', 'id'];
  const kinds = Object.fromEntries(names.map((n) => [n, shape[n] ? kindOf(shape[n]!) : 'other'])) as Record<string, FieldKind>;
  const field = fc.constantFrom(...names);
  const variants: fc.Arbitrary<HostileBody>[] = [
    // Wrong JSON types, one field at a time.
    field.chain((f) => fc.constantFrom(...wrongFor[kinds[f]!]).map((v) => json({ [f]: v }))),
    // One field of its own kind with injection or unicode content, the rest left out (gets furthest into the use case).
    field.chain((f) => typedHostile(kinds[f]!, shape[f] ? defOfEnum(shape[f]!) : undefined).map((v) => json({ [f]: v }))),
    // Every field of its own kind, with injection and unicode content.
    fc.record(Object.fromEntries(names.map((n) => [n, typedHostile(kinds[n]!, shape[n] ? defOfEnum(shape[n]!) : undefined)]))).map(json),
    // Oversized strings (over field limits; 70 000 chars is over the body limit).
    fc.tuple(field, huge).map(([f, s]) => json({ [f]: s })),
    // 1000 levels of nesting, in a field or as the body.
    fc.tuple(fc.option(field, { nil: undefined }), field).chain(([f, inner]) => deep(inner).map((d) => json(f ? { [f]: d } : d))),
    // Unknown and dangerous keys next to the real ones.
    fc.constantFrom(
      `{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"polluted":1}},"${names[0]}":"x"}`,
      `{"$where":"this.isAdmin","${names[0]}":{"$ne":null}}`,
      `{"${names[0]}":"a","${names[0]}":"duplicate key"}`,
    ).map((raw) => ({ raw, contentType: 'application/json' })),
    // Not a JSON object, not JSON at all, or not declared as JSON.
    fc.constantFrom('{"a":', 'null', '[]', '"text"', '123', 'true', '{"a":1}{"b":2}', '\u0000', ' ').map((raw) => ({ raw, contentType: 'application/json' })),
    fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/xml').map((contentType) => ({ raw: '{"a":1}', contentType })),
    // Overlong and invalid UTF-8 byte sequences inside a JSON string.
    fc.constantFrom([0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xff, 0xfe]).map((bytes) => ({ raw: Buffer.concat([Buffer.from(`{"${names[0]}":"`), Buffer.from(bytes), Buffer.from('"}')]), contentType: 'application/json' })),
  ];
  const arb = fc.oneof(...variants);
  return c.contract.body ? arb : fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
}

/** Path parameters: a well-formed id (weighted) or hostile text, percent-encoded into the path. */
export function hostileParam(c: RouteCase, seeded: Record<string, string> = {}): fc.Arbitrary<Record<string, string>> {
  const one = (p: string) =>
    fc.oneof(
      { weight: 2, arbitrary: fc.constantFrom(SAMPLE_ULID, '00000000000000000000000000', SAMPLE_ULID.toLowerCase()) },
      { weight: 3, arbitrary: fc.oneof(fc.constantFrom(...INJECTIONS, ...UNICODE, '..', '.', '%', '%00', '{id}', ' '), fc.constant('y'.repeat(3_000))) },
      ...(seeded[p] ? [{ weight: 3, arbitrary: fc.constant(seeded[p]) }] : []),
    );
  return fc.record(Object.fromEntries(c.params.map((p) => [p, one(p)])) as Record<string, fc.Arbitrary<string>>);
}

/** Query strings: known keys with hostile values, unknown keys, repeated and bracketed keys. */
export function hostileQuery(c: RouteCase): fc.Arbitrary<string> {
  const known = Object.keys(shapeOf(c.contract.query));
  const key = fc.oneof(fc.constantFrom(...known, 'limit', 'cursor'), fc.constantFrom('$where', '__proto__', 'constructor', 'a[b]', 'unknownParam', 'limit[]', ''));
  return fc.array(fc.tuple(key, shortHostile), { maxLength: 4 }).map((pairs) => {
    const q = new URLSearchParams();
    for (const [k, v] of pairs) q.append(k, v);
    return q.toString();
  });
}

/** Headers a client may send (Latin-1, no line breaks: fetch refuses others): a hostile correlation id and Idempotency-Key. */
const headerText = fc.oneof(
  fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff })).map((n) => String.fromCharCode(n)), maxLength: 60 }),
  fc.constant('k'.repeat(300)),
  fc.constantFrom('{{7*7}}', '../../etc/passwd', "' OR 1=1 --", '$where'),
);
export const hostileHeaders = fc.record({ 'x-correlation-id': headerText, 'idempotency-key': headerText }, { requiredKeys: [] });
