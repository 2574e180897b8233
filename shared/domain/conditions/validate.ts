import { ValidationError, type FieldIssue } from '../errors';
import { isCurrency } from '../money';
import { checkLeaf } from './check-leaves';
import { isObject, Issues } from './check-values';
import { CONDITION_LIMITS, type Condition } from './grammar';

export interface CheckOptions {
  /** The path of the tree in the request, the start of every error's field (default `condition`). */
  root?: string;
  /** With it, amounts without a `currency` are checked against the base currency's decimals. */
  baseCurrency?: string;
}

const GROUPS = ['all', 'any', 'not'] as const;

/** Every problem of a condition tree (at most 50), each naming its node: `condition.all[2].any[0].value`. */
export function conditionIssues(input: unknown, opts: CheckOptions = {}): FieldIssue[] {
  const out = new Issues();
  let nodes = 0;
  const visit = (v: unknown, p: string, depth: number): void => {
    nodes++;
    if (nodes === CONDITION_LIMITS.nodes + 1) out.add(p, `makes the condition larger than ${CONDITION_LIMITS.nodes} nodes`);
    if (nodes > CONDITION_LIMITS.nodes) return;
    if (depth > CONDITION_LIMITS.depth) return void out.add(p, `is nested deeper than ${CONDITION_LIMITS.depth} levels`);
    if (!isObject(v)) return void out.add(p, v === undefined ? 'is required' : 'must be an object: a group ({"all": [..]}, {"any": [..]}, {"not": {..}}) or a condition with a "kind"');
    const groups = GROUPS.filter((g) => g in v);
    if ('kind' in v) {
      if (groups.length > 0) return void out.add(`${p}.${groups[0]}`, 'is not allowed in a condition with a "kind" (a group is a node of its own)');
      return checkLeaf(out, v, p, opts.baseCurrency);
    }
    if (groups.length === 0) return void out.add(p, 'must have a "kind", or be a group with "all", "any" or "not"');
    const g = groups[0]!;
    if (groups.length > 1) return void out.add(`${p}.${groups[1]}`, `cannot be combined with "${g}" in one node: nest one group in the other`);
    for (const k of Object.keys(v)) if (k !== g) out.add(`${p}.${k}`, `is not a field of an "${g}" group`);
    const body = v[g];
    if (g === 'not') return visit(body, `${p}.not`, depth + 1);
    if (!Array.isArray(body)) return void out.add(`${p}.${g}`, 'must be a list of conditions');
    if (g === 'any' && body.length === 0) return void out.add(`${p}.any`, 'must have at least one condition (an empty "any" matches nobody)');
    body.forEach((c, i) => visit(c, `${p}.${g}[${i}]`, depth + 1));
  };
  if (opts.baseCurrency !== undefined && !isCurrency(opts.baseCurrency)) out.add('baseCurrency', 'is not an ISO 4217 currency code');
  visit(input, opts.root ?? 'condition', 1);
  return out.list;
}

/** The tree, checked; throws a ValidationError (HTTP 400) naming each bad node otherwise. */
export function parseCondition(input: unknown, opts: CheckOptions = {}): Condition {
  const issues = conditionIssues(input, opts);
  if (issues.length === 0) return input as Condition;
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  throw new ValidationError(issues, `${first.field}: ${first.message}${more}`);
}
