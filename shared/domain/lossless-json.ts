import { IngestError } from './ingest';

/**
 * JSON.parse that keeps every digit of large integers: an integer literal beyond
 * Number.MAX_SAFE_INTEGER (Shopify and WooCommerce ids are 64-bit) comes back as its decimal
 * string, every other value as JSON.parse would give it. Strict RFC 8259 (no comments, no trailing
 * commas); anything else → IngestError('malformed JSON'). Pure and synchronous.
 *
 * Written here rather than taken from npm: ~100 lines, no dependency to vet or bundle, and it
 * does exactly one thing differently from JSON.parse. Node 20 has no `JSON.parse` source-text
 * access (the reviver `context.source`), which would otherwise make this a one-liner.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

const MAX_DEPTH = 256;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITE = /[ \t\n\r]*/y;

class Parser {
  private i = 0;
  constructor(private readonly text: string) {}

  parse(): JsonValue {
    if (this.text.charCodeAt(0) === 0xfeff) this.i = 1;
    const v = this.value(0);
    this.ws();
    if (this.i !== this.text.length) this.fail();
    return v;
  }

  private fail(): never {
    throw new IngestError('malformed JSON');
  }

  private ws(): void {
    WHITE.lastIndex = this.i;
    WHITE.exec(this.text);
    this.i = WHITE.lastIndex;
  }

  private value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) throw new IngestError(`JSON nested deeper than ${MAX_DEPTH} levels`);
    this.ws();
    const c = this.text[this.i];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    return this.fail();
  }

  private number(): number | string {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.text);
    if (!m) this.fail();
    const token = m[0];
    this.i += token.length;
    const n = Number(token);
    return /[.eE]/.test(token) || Number.isSafeInteger(n) ? n : token;
  }

  private string(): string {
    const start = this.i;
    let escaped = false;
    for (let j = start + 1; j < this.text.length; j++) {
      const code = this.text.charCodeAt(j);
      if (code === 0x22) {
        this.i = j + 1;
        const raw = this.text.slice(start, j + 1);
        if (!escaped) return raw.slice(1, -1);
        try {
          return JSON.parse(raw) as string; // decodes (and checks) the escapes
        } catch {
          return this.fail();
        }
      }
      if (code < 0x20) this.fail();
      if (code === 0x5c) {
        escaped = true;
        j++;
      }
    }
    return this.fail();
  }

  private array(depth: number): JsonValue[] {
    const out: JsonValue[] = [];
    this.i++;
    this.ws();
    if (this.text[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.text[this.i++];
      if (c === ']') return out;
      if (c !== ',') this.fail();
    }
  }

  private object(depth: number): { [key: string]: JsonValue } {
    const out: { [key: string]: JsonValue } = {};
    this.i++;
    this.ws();
    if (this.text[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.text[this.i] !== '"') this.fail();
      const key = this.string();
      this.ws();
      if (this.text[this.i++] !== ':') this.fail();
      const v = this.value(depth + 1);
      // An own `__proto__` key, as JSON.parse makes it, never the object's prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      else out[key] = v;
      this.ws();
      const c = this.text[this.i++];
      if (c === '}') return out;
      if (c !== ',') this.fail();
    }
  }
}

/** Parse a raw JSON body; integers beyond 2^53 stay decimal strings. */
export function parseJsonLossless(text: string): JsonValue {
  if (typeof text !== 'string') throw new IngestError('malformed JSON');
  return new Parser(text).parse();
}
