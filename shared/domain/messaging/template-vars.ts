import { parseTemplate, TemplateSyntaxError, where, type Node } from './template-language';

/**
 * The personalization variables a template may name, and the validation of a template against
 * them: every variable must be known, and a variable that can be missing for some customer (no
 * first name, no tier yet, no coupon in this send) needs a fallback — a `default` filter, or an
 * enclosing `{% if %}` on it. Pure.
 */
export interface VarDef {
  /** Can be missing for some customers or sends. */
  optional: boolean;
  description: string;
}

export interface ListDef {
  list: true;
  description: string;
  item: Record<string, VarDef>;
}

export const TEMPLATE_VARIABLES: Record<string, VarDef | ListDef> = {
  'customer.id': { optional: false, description: 'the customer id' },
  'customer.name': { optional: true, description: 'full name' },
  'customer.firstName': { optional: true, description: 'first name (the given name; for a Chinese name, the name without the family name)' },
  'customer.lastName': { optional: true, description: 'family name' },
  'customer.email': { optional: true, description: 'e-mail address' },
  'customer.phone': { optional: true, description: 'phone (E.164)' },
  'customer.city': { optional: true, description: 'city' },
  'customer.country': { optional: true, description: 'country (ISO code)' },
  'customer.birthday': { optional: true, description: 'birthday (YYYY-MM-DD)' },
  'customer.tier': { optional: true, description: 'membership tier (from the value settings)' },
  'customer.lifecycle': { optional: true, description: 'lifecycle stage' },
  'customer.points': { optional: true, description: 'loyalty points (the `points` custom attribute)' },
  'coupon.code': { optional: true, description: 'the coupon code of this send (campaign coupon pools, journey coupons)' },
  'brand.name': { optional: false, description: 'the sender name of the messaging settings' },
  'unsubscribe.url': { optional: false, description: 'the one-click unsubscribe link of this message' },
  'message.id': { optional: false, description: 'the id of this message' },
  products: {
    list: true,
    description: 'recommended products of this send (may be empty)',
    item: {
      name: { optional: false, description: 'product name' },
      url: { optional: true, description: 'product page' },
      price: { optional: true, description: 'price as displayed' },
      imageUrl: { optional: true, description: 'image' },
      sku: { optional: true, description: 'SKU' },
    },
  },
};

/** `vars.<name>`: free variables a sender passes (e.g. `vars.orderNumber`); always optional. */
export const FREE_VARS_PREFIX = 'vars.';

export interface TemplateIssue {
  /** The content field, e.g. `content.html`. */
  field: string;
  message: string;
}

const isList = (d: VarDef | ListDef | undefined): d is ListDef => !!d && 'list' in d;
const GROUPS = new Set(Object.keys(TEMPLATE_VARIABLES).filter((k) => k.includes('.')).map((k) => k.slice(0, k.indexOf('.'))));

type Resolved = { kind: 'scalar'; optional: boolean } | { kind: 'list'; def: ListDef } | { kind: 'group' } | { kind: 'unknown'; hint?: string };

function resolve(path: string, loops: Map<string, ListDef>): Resolved {
  const dot = path.indexOf('.');
  const head = dot < 0 ? path : path.slice(0, dot);
  const loop = loops.get(head);
  if (loop) {
    if (dot < 0) return { kind: 'scalar', optional: false };
    const field = path.slice(dot + 1);
    const def = loop.item[field];
    return def ? { kind: 'scalar', optional: def.optional } : { kind: 'unknown', hint: `fields of ${head}: ${Object.keys(loop.item).join(', ')}` };
  }
  if (path.startsWith(FREE_VARS_PREFIX) && path.length > FREE_VARS_PREFIX.length && !path.slice(FREE_VARS_PREFIX.length).includes('.')) return { kind: 'scalar', optional: true };
  const def = TEMPLATE_VARIABLES[path];
  if (isList(def)) return { kind: 'list', def };
  if (def) return { kind: 'scalar', optional: def.optional };
  if (GROUPS.has(path) || path === 'vars') return { kind: 'group' };
  const close = Object.keys(TEMPLATE_VARIABLES).filter((k) => k.startsWith(`${head}.`));
  return { kind: 'unknown', ...(close.length ? { hint: `known: ${close.join(', ')}` } : {}) };
}

/** Every problem of one template text (syntax, unknown variables, missing fallbacks), naming where. */
export function templateIssues(field: string, src: string): TemplateIssue[] {
  let nodes: Node[];
  try {
    nodes = parseTemplate(src);
  } catch (e) {
    if (e instanceof TemplateSyntaxError) return [{ field, message: `${where(e.pos)}: ${e.message}` }];
    throw e;
  }
  const issues: TemplateIssue[] = [];
  const add = (n: { pos: { line: number; column: number } }, message: string) => issues.push({ field, message: `${where(n.pos)}: ${message}` });
  const walk = (list: readonly Node[], loops: Map<string, ListDef>, guarded: ReadonlySet<string>) => {
    for (const n of list) {
      if (n.kind === 'text') continue;
      const r = resolve(n.path, loops);
      if (r.kind === 'unknown') {
        add(n, `unknown variable "${n.path}"${r.hint ? ` (${r.hint})` : ''}`);
      } else if (n.kind === 'output') {
        if (r.kind === 'group') add(n, `"${n.path}" is a group of variables; name one, like ${n.path}.${n.path === 'vars' ? 'orderNumber' : Object.keys(TEMPLATE_VARIABLES).find((k) => k.startsWith(`${n.path}.`))!.split('.')[1]}`);
        const hasDefault = n.filters.some((f) => f.name === 'default');
        if (r.kind === 'scalar' && r.optional && !hasDefault && !guarded.has(n.path)) {
          add(n, `"${n.path}" can be missing; give it a fallback, like {{ ${n.path} | default: "…" }}, or put it inside {% if ${n.path} %}`);
        }
      }
      if (n.kind === 'if') {
        if (r.kind === 'group') add(n, `{% if %} needs a variable, not the group "${n.path}"`);
        const inThen = new Set(guarded);
        const inElse = new Set(guarded);
        (n.negate ? inElse : inThen).add(n.path);
        walk(n.then, loops, inThen);
        walk(n.else, loops, inElse);
      } else if (n.kind === 'for') {
        if (r.kind !== 'list' && r.kind !== 'unknown') add(n, `"${n.path}" is not a list (lists: ${Object.keys(TEMPLATE_VARIABLES).filter((k) => isList(TEMPLATE_VARIABLES[k])).join(', ')})`);
        const inner = new Map(loops);
        if (r.kind === 'list') inner.set(n.item, r.def);
        walk(n.body, inner, guarded);
      }
    }
  };
  walk(nodes, new Map(), new Set());
  return issues;
}
