/**
 * The template language of messages: a small, safe subset of Liquid. No code runs, nothing is
 * looked up outside the context handed in, and every template is parsed once into a tree that the
 * validator and the renderer walk. Pure.
 *
 *   {{ customer.firstName | default: "there" }}      output, with filters
 *   {% if customer.tier %}…{% else %}…{% endif %}       a branch on whether a value is present
 *   {% for p in products limit: 3 %}{{ p.name }}{% endfor %}   a loop over a list
 *
 * Filters: default, upcase, downcase, capitalize, truncate: n, join: ", " (lists), url_encode.
 * Output is escaped by the renderer's `escape` (HTML-escaped in an e-mail's html part).
 */
export interface Pos {
  line: number;
  column: number;
}

export interface Filter {
  name: string;
  args: (string | number)[];
}

export type Node =
  | { kind: 'text'; value: string }
  | { kind: 'output'; path: string; filters: Filter[]; pos: Pos }
  | { kind: 'if'; path: string; negate: boolean; then: Node[]; else: Node[]; pos: Pos }
  | { kind: 'for'; item: string; path: string; limit?: number; body: Node[]; pos: Pos };

export const FILTERS = ['default', 'upcase', 'downcase', 'capitalize', 'truncate', 'join', 'url_encode'] as const;
export type FilterName = (typeof FILTERS)[number];

export class TemplateSyntaxError extends Error {
  constructor(
    message: string,
    readonly pos: Pos,
  ) {
    super(message);
  }
}

export const MAX_LOOP_ITEMS = 50;
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Positions of indexes met in increasing order, counted incrementally (linear in the text). */
function positions(src: string): (index: number) => Pos {
  let line = 1;
  let lastNewline = -1;
  let scanned = 0;
  return (index) => {
    for (; scanned < index; scanned++) {
      if (src.charCodeAt(scanned) === 10) {
        line++;
        lastNewline = scanned;
      }
    }
    return { line, column: index - lastNewline };
  };
}

export const where = (p: Pos) => `line ${p.line}, column ${p.column}`;

/** Splits `a | f: "x, y", 2 | g` at the pipes and commas that are outside quotes. */
function splitOutside(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quote: string | undefined;
  for (const ch of s) {
    if (quote) {
      cur += ch;
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      cur += ch;
    } else if (ch === sep) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (quote) throw new Error('a quoted text is not closed');
  parts.push(cur);
  return parts.map((p) => p.trim());
}

function parseArg(raw: string): string | number {
  if (/^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  const q = raw[0];
  if ((q === '"' || q === "'") && raw.length >= 2 && raw.endsWith(q)) return raw.slice(1, -1);
  throw new Error(`${JSON.stringify(raw)} is not a quoted text or a number`);
}

function parseOutput(expr: string, pos: Pos): Node {
  let parts: string[];
  try {
    parts = splitOutside(expr, '|');
  } catch (e) {
    throw new TemplateSyntaxError((e as Error).message, pos);
  }
  const path = parts[0] ?? '';
  if (!PATH.test(path)) throw new TemplateSyntaxError(`${JSON.stringify(path)} is not a variable name (like customer.firstName)`, pos);
  const filters = parts.slice(1).map((f): Filter => {
    const colon = f.indexOf(':');
    const name = (colon < 0 ? f : f.slice(0, colon)).trim();
    if (!(FILTERS as readonly string[]).includes(name)) throw new TemplateSyntaxError(`unknown filter ${JSON.stringify(name)} (known: ${FILTERS.join(', ')})`, pos);
    let args: (string | number)[] = [];
    if (colon >= 0) {
      try {
        args = splitOutside(f.slice(colon + 1), ',').map(parseArg);
      } catch (e) {
        throw new TemplateSyntaxError(`filter ${name}: ${(e as Error).message}`, pos);
      }
    }
    const want = name === 'default' || name === 'truncate' || name === 'join' ? 1 : 0;
    if (args.length !== want && !(name === 'join' && args.length === 0)) throw new TemplateSyntaxError(`filter ${name} takes ${want === 1 ? 'one argument' : 'no argument'}`, pos);
    if (name === 'truncate' && (typeof args[0] !== 'number' || !Number.isInteger(args[0]) || args[0] < 1)) throw new TemplateSyntaxError('filter truncate takes a whole number of characters, like truncate: 40', pos);
    if (name === 'default' && typeof args[0] !== 'string') throw new TemplateSyntaxError('filter default takes a quoted text, like default: "there"', pos);
    return { name, args };
  });
  return { kind: 'output', path, filters, pos };
}

type Frame = { kind: 'root'; nodes: Node[] } | { kind: 'if'; node: Extract<Node, { kind: 'if' }>; inElse: boolean; pos: Pos } | { kind: 'for'; node: Extract<Node, { kind: 'for' }>; pos: Pos };

/** Parses a template; throws a TemplateSyntaxError naming the line and column. */
export function parseTemplate(src: string): Node[] {
  const root: Frame = { kind: 'root', nodes: [] };
  const stack: Frame[] = [root];
  const target = (): Node[] => {
    const f = stack[stack.length - 1]!;
    return f.kind === 'root' ? f.nodes : f.kind === 'for' ? f.node.body : f.inElse ? f.node.else : f.node.then;
  };
  const TAG = /\{\{([\s\S]*?)\}\}|\{%([\s\S]*?)%\}/g;
  const posAt = positions(src);
  let last = 0;
  for (let m = TAG.exec(src); m; m = TAG.exec(src)) {
    if (m.index > last) target().push({ kind: 'text', value: src.slice(last, m.index) });
    last = TAG.lastIndex;
    const pos = posAt(m.index);
    if (m[1] !== undefined) {
      target().push(parseOutput(m[1].trim(), pos));
      continue;
    }
    const words = m[2]!.trim().split(/\s+/);
    const tag = words[0] ?? '';
    if (tag === 'if' || tag === 'unless') {
      const path = words[1] ?? '';
      if (words.length !== 2 || !PATH.test(path)) throw new TemplateSyntaxError(`{% ${tag} %} takes one variable name, like {% ${tag} customer.tier %}`, pos);
      const node: Extract<Node, { kind: 'if' }> = { kind: 'if', path, negate: tag === 'unless', then: [], else: [], pos };
      target().push(node);
      stack.push({ kind: 'if', node, inElse: false, pos });
    } else if (tag === 'else') {
      const f = stack[stack.length - 1]!;
      if (f.kind !== 'if' || f.inElse) throw new TemplateSyntaxError('{% else %} without an open {% if %}', pos);
      f.inElse = true;
    } else if (tag === 'endif' || tag === 'endunless') {
      if (stack[stack.length - 1]!.kind !== 'if') throw new TemplateSyntaxError(`{% ${tag} %} without an open {% if %}`, pos);
      stack.pop();
    } else if (tag === 'for') {
      const [, item, inWord, path, limitWord, limitValue] = words;
      const limit = limitWord === 'limit:' ? Number(limitValue) : undefined;
      const ok = item && IDENT.test(item) && inWord === 'in' && path && PATH.test(path) && (words.length === 4 || (words.length === 6 && limit !== undefined && Number.isInteger(limit) && limit >= 1));
      if (!ok) throw new TemplateSyntaxError('{% for %} reads {% for p in products %} (optionally limit: n)', pos);
      const node: Extract<Node, { kind: 'for' }> = { kind: 'for', item: item!, path: path!, ...(limit !== undefined ? { limit } : {}), body: [], pos };
      target().push(node);
      stack.push({ kind: 'for', node, pos });
    } else if (tag === 'endfor') {
      if (stack[stack.length - 1]!.kind !== 'for') throw new TemplateSyntaxError('{% endfor %} without an open {% for %}', pos);
      stack.pop();
    } else throw new TemplateSyntaxError(`unknown tag {% ${tag} %} (known: if, unless, else, endif, endunless, for, endfor)`, pos);
  }
  const tail = src.slice(last);
  const stray = /\{\{|\{%|%\}|\}\}/.exec(tail);
  if (stray) throw new TemplateSyntaxError(`"${stray[0]}" is not closed or not opened`, posAt(last + stray.index));
  if (tail) target().push({ kind: 'text', value: tail });
  const open = stack[stack.length - 1]!;
  if (open.kind !== 'root') throw new TemplateSyntaxError(`{% ${open.kind} %} is not closed`, open.pos);
  return root.nodes;
}

// ---- rendering

/** A value in the render context: text, a number, a list of records, a record, or missing. */
export type Value = string | number | boolean | null | undefined | Value[] | { [k: string]: Value };
export type Scope = Record<string, Value>;

function lookup(scope: Scope, path: string): Value {
  let v: Value = scope;
  for (const part of path.split('.')) {
    if (v === null || v === undefined || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = Object.hasOwn(v, part) ? v[part] : undefined;
  }
  return v;
}

export const isMissing = (v: Value) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

function asText(v: Value): string {
  if (isMissing(v)) return '';
  if (Array.isArray(v)) return v.map((x) => (x && typeof x === 'object' && !Array.isArray(x) ? asText(x.name) : asText(x))).join(', ');
  if (typeof v === 'object') return asText(v!.name);
  return String(v);
}

function applyFilter(v: Value, f: Filter): Value {
  switch (f.name as FilterName) {
    case 'default':
      return isMissing(v) ? String(f.args[0]) : v;
    case 'upcase':
      return asText(v).toUpperCase();
    case 'downcase':
      return asText(v).toLowerCase();
    case 'capitalize': {
      const s = asText(v);
      return s ? s[0]!.toUpperCase() + s.slice(1) : s;
    }
    case 'truncate': {
      const n = Number(f.args[0]);
      const chars = [...asText(v)];
      return chars.length > n ? `${chars.slice(0, Math.max(0, n - 1)).join('')}…` : chars.join('');
    }
    case 'join':
      return Array.isArray(v) ? v.map(asText).filter(Boolean).join(String(f.args[0] ?? ', ')) : asText(v);
    case 'url_encode':
      return encodeURIComponent(asText(v));
  }
}

export function renderNodes(nodes: readonly Node[], scope: Scope, escape: (s: string) => string): string {
  let out = '';
  for (const n of nodes) {
    if (n.kind === 'text') out += n.value;
    else if (n.kind === 'output') out += escape(asText(n.filters.reduce(applyFilter, lookup(scope, n.path))));
    else if (n.kind === 'if') {
      const present = !isMissing(lookup(scope, n.path));
      out += renderNodes(present !== n.negate ? n.then : n.else, scope, escape);
    } else {
      const list = lookup(scope, n.path);
      const items = Array.isArray(list) ? list.slice(0, Math.min(n.limit ?? MAX_LOOP_ITEMS, MAX_LOOP_ITEMS)) : [];
      for (const item of items) out += renderNodes(n.body, { ...scope, [n.item]: item }, escape);
    }
  }
  return out;
}

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
export const noEscape = (s: string) => s;
