import { IngestError } from '../../shared/domain/ingest';
import { parseJsonLossless } from '../../shared/domain/lossless-json';
import { readFixture } from '../support/shared-data';

describe('parseJsonLossless', () => {
  it('keeps every digit of integers beyond 2^53 as strings, the rest as JSON.parse does', () => {
    const v = parseJsonLossless('{"id": 9223372036854775807, "neg": -9007199254740993, "safe": 9007199254740991, "f": 1.5, "e": 1e400, "z": -0, "a": [18446744073709551616, 2]}');
    expect(v).toEqual({ id: '9223372036854775807', neg: '-9007199254740993', safe: 9007199254740991, f: 1.5, e: Infinity, z: -0, a: ['18446744073709551616', 2] });
    expect(String(JSON.parse('9223372036854775807'))).not.toBe('9223372036854775807'); // why this exists
  });

  it('gives what JSON.parse gives for the real Shopify order (its ids fit in 2^53)', () => {
    const text = readFixture('shopify', 'orders-create.json');
    expect(parseJsonLossless(text)).toEqual(JSON.parse(text));
  });

  it.each([
    ['"a\\"b\\\\c\\n\\u00e9\\ud83d\\ude00"', 'a"b\\c\né😀'],
    ['"日本語"', '日本語'],
    ['[]', []],
    ['{}', {}],
    [' \n\t[true, false, null] ', [true, false, null]],
    ['\ufeff{"a":1}', { a: 1 }],
    ['0', 0],
    ['-12.5e-3', -0.0125],
  ])('parses %p', (text, value) => {
    expect(parseJsonLossless(text)).toEqual(value);
  });

  it('makes an own __proto__ property, never a prototype', () => {
    const v = parseJsonLossless('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(['', ' ', '{', '{"a":1,}', '[1,]', '[1 2]', "{'a':1}", '{a:1}', '01', '1.', '.5', '+1', '-', 'NaN', 'tru', 'nul', '"abc', '"a\u0001b"', '"\\x"', '"\\u12"', '{"a":1}x', '[1]]', '{"a" 1}', '// c\n{}'])(
    'refuses %p',
    (text) => {
      expect(() => parseJsonLossless(text)).toThrow(new IngestError('malformed JSON'));
    },
  );

  it('refuses absurd nesting instead of overflowing the stack', () => {
    expect(() => parseJsonLossless('['.repeat(10000) + ']'.repeat(10000))).toThrow(IngestError);
  });
});
