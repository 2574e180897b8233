import { conditionIssues } from '../conditions';
import { ValidationError, type FieldIssue } from '../errors';
import { isValidTimeZone } from '../service/business-hours';
import { matcherIssues, filterIssues, type EventFields } from './events';
import { cyclesWithout, edgesOf, reachable } from './graph';
import { DATE_TRIGGERS, type JourneyDefinition, type Step } from './types';
import { Issues, isObject, JOURNEY_LIMITS, onlyKeys, stepIssues } from './validate-steps';
import { isHHMM, isMonthDay, minimumWaitMs } from './waits';

/**
 * Checks a journey definition, pure: the trigger (a catalog event about a customer, a segment, a
 * date), the steps and their fields, the graph (no dangling edges, every step reachable from the
 * start, a loop only through a wait of at least an hour), exit rules, re-entry and goal. Every
 * problem names its path and the rule; `parseJourney` throws them as a 400. References to other
 * features (templates, segments, tags, agents, secrets) are checked by the use case.
 */
export interface JourneyCheckContext {
  /** Every event type of the catalog (to tell an unknown event from one that names no customer). */
  catalog: readonly string[];
  /** Event types a journey can use, with their data fields. */
  fields: EventFields;
  baseCurrency?: string;
}

const ATTRIBUTE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const int = (v: unknown, lo: number, hi: number) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

function eventName(out: Issues, name: unknown, path: string, ctx: JourneyCheckContext): boolean {
  if (typeof name === 'string' && Object.hasOwn(ctx.fields, name)) return true;
  if (typeof name === 'string' && ctx.catalog.includes(name)) out.add(path, `${name} cannot start or end a journey: its events name no customer`);
  else out.add(path, `${JSON.stringify(name)} is not an event of the catalog (usable: ${Object.keys(ctx.fields).sort().join(', ')})`);
  return false;
}

function condition(out: Issues, tree: unknown, root: string, ctx: JourneyCheckContext): void {
  if (tree !== undefined) out.addAll(conditionIssues(tree, { root, ...(ctx.baseCurrency ? { baseCurrency: ctx.baseCurrency } : {}) }));
}

function checkTrigger(out: Issues, t: unknown, ctx: JourneyCheckContext): void {
  const p = 'trigger';
  if (!isObject(t)) return void out.add(p, 'must be {type: event | segment | date, ...}');
  switch (t.type) {
    case 'event':
      onlyKeys(out, t, ['type', 'event', 'filters', 'condition'], p);
      if (eventName(out, t.event, `${p}.event`, ctx)) out.addAll(filterIssues(t.filters, ctx.fields[t.event as string]!, `${p}.filters`));
      break;
    case 'segment':
      onlyKeys(out, t, ['type', 'segmentId', 'condition'], p);
      if (typeof t.segmentId !== 'string' || !t.segmentId) out.add(`${p}.segmentId`, 'must name a segment');
      break;
    case 'date':
      onlyKeys(out, t, ['type', 'on', 'attribute', 'day', 'offsetDays', 'time', 'condition'], p);
      if (!DATE_TRIGGERS.includes(t.on as never)) out.add(`${p}.on`, `must be one of ${DATE_TRIGGERS.join(', ')}`);
      if (t.on === 'attribute' && (typeof t.attribute !== 'string' || !ATTRIBUTE.test(t.attribute))) out.add(`${p}.attribute`, 'must name a custom date attribute (letters, digits, _)');
      if (t.on !== 'attribute' && t.attribute !== undefined) out.add(`${p}.attribute`, 'is only for on: attribute');
      if (t.on === 'holiday' && !isMonthDay(t.day)) out.add(`${p}.day`, 'must be a day of the year MM-DD, e.g. 12-25');
      if (t.on !== 'holiday' && t.day !== undefined) out.add(`${p}.day`, 'is only for on: holiday');
      if (t.offsetDays !== undefined && !int(t.offsetDays, t.on === 'last-order' ? 1 : -366, 366)) out.add(`${p}.offsetDays`, t.on === 'last-order' ? 'must be the days after the last order, 1 to 366' : 'must be a whole number from -366 to 366');
      if (t.on === 'last-order' && t.offsetDays === undefined) out.add(`${p}.offsetDays`, 'is required: how many days after the last order');
      if (t.time !== undefined && !isHHMM(t.time)) out.add(`${p}.time`, 'must be a local time HH:MM');
      break;
    default:
      return void out.add(`${p}.type`, 'must be event, segment or date');
  }
  condition(out, t.condition, `${p}.condition`, ctx);
}

function checkRules(out: Issues, d: Record<string, unknown>, ctx: JourneyCheckContext): void {
  const r = d.reentry;
  if (!isObject(r)) out.add('reentry', 'must be {mode: never | always | after, days?}');
  else if (r.mode === 'after') {
    onlyKeys(out, r, ['mode', 'days'], 'reentry');
    if (!int(r.days, 1, 3650)) out.add('reentry.days', 'must be a whole number of days from 1 to 3650');
  } else if (r.mode === 'never' || r.mode === 'always') onlyKeys(out, r, ['mode'], 'reentry');
  else out.add('reentry.mode', 'must be never, always or after');

  if (d.exit !== undefined) {
    const x = d.exit;
    if (!isObject(x)) out.add('exit', 'must be {events?, condition?}');
    else {
      onlyKeys(out, x, ['events', 'condition'], 'exit');
      if (x.events !== undefined) {
        if (!Array.isArray(x.events) || x.events.length > 10) out.add('exit.events', 'must be a list of at most 10 {event, filters?}');
        else x.events.forEach((m, i) => out.addAll(matcherIssues(m, ctx.fields, `exit.events[${i}]`)));
      }
      condition(out, x.condition, 'exit.condition', ctx);
    }
  }
  if (d.goal !== undefined) {
    const g = d.goal;
    if (!isObject(g)) out.add('goal', 'must be {event, filters?, withinDays?, exit?}');
    else {
      onlyKeys(out, g, ['event', 'filters', 'withinDays', 'exit'], 'goal');
      out.addAll(matcherIssues({ event: g.event, filters: g.filters }, ctx.fields, 'goal'));
      if (g.withinDays !== undefined && !int(g.withinDays, 1, 365)) out.add('goal.withinDays', 'must be a whole number of days from 1 to 365');
      if (g.exit !== undefined && typeof g.exit !== 'boolean') out.add('goal.exit', 'must be true or false');
    }
  }
  if (d.timeZone !== undefined && (typeof d.timeZone !== 'string' || !isValidTimeZone(d.timeZone))) out.add('timeZone', `is not an IANA time zone: ${JSON.stringify(d.timeZone)}`);
}

function checkGraph(out: Issues, steps: Step[], start: unknown): void {
  const byId = new Map<string, Step>();
  const at = new Map<string, number>();
  steps.forEach((s, i) => {
    if (!isObject(s) || typeof s.id !== 'string') return;
    if (byId.has(s.id)) out.add(`steps[${i}].id`, `repeats the id "${s.id}" of steps[${at.get(s.id)}]`);
    else {
      byId.set(s.id, s);
      at.set(s.id, i);
    }
  });
  const first = start ?? steps[0]?.id;
  if (typeof first !== 'string' || !byId.has(first)) return void out.add('start', `names no step: ${JSON.stringify(first)}`);
  let dangling = false;
  for (const [id, s] of byId) {
    if (typeof s.type !== 'string') continue;
    for (const e of edgesOf(s)) {
      if (!byId.has(e.to)) {
        dangling = true;
        out.add(`steps[${at.get(id)}].${e.label}`, `step "${id}" points at "${e.to}", which is no step of this journey (a dangling edge)`);
      }
    }
  }
  const seen = reachable(first, byId);
  for (const [id] of byId) if (!seen.has(id)) out.add(`steps[${at.get(id)}]`, `step "${id}" cannot be reached from the start "${first}" (an unreachable step)`);
  if (dangling) return;
  const breaks = (s: Step) => s.type === 'wait' && isObject(s.wait) && (minimumWaitMs(s.wait) ?? 0) >= JOURNEY_LIMITS.cycleWaitMs;
  for (const cycle of cyclesWithout(byId, breaks)) {
    out.add(`steps[${at.get(cycle[0]!)}]`, `steps ${cycle.join(' → ')} form a loop without a wait of at least an hour (a cycle must pass through a wait)`);
  }
}

/** Every problem of a definition (at most 100), each naming its path. */
export function journeyIssues(input: unknown, ctx: JourneyCheckContext): FieldIssue[] {
  const out = new Issues();
  if (!isObject(input)) return [{ field: 'definition', message: 'must be an object {trigger, steps, reentry, ...}' }];
  onlyKeys(out, input, ['trigger', 'start', 'steps', 'exit', 'reentry', 'goal', 'timeZone'], 'definition');
  checkTrigger(out, input.trigger, ctx);
  checkRules(out, input, ctx);
  const steps = input.steps;
  if (!Array.isArray(steps) || steps.length === 0) out.add('steps', 'must be a list of at least one step');
  else if (steps.length > JOURNEY_LIMITS.steps) out.add('steps', `a journey has at most ${JOURNEY_LIMITS.steps} steps (it has ${steps.length})`);
  else {
    const trig = isObject(input.trigger) && input.trigger.type === 'event' && typeof input.trigger.event === 'string' && Object.hasOwn(ctx.fields, input.trigger.event) ? ctx.fields[input.trigger.event] : undefined;
    steps.forEach((s, i) => stepIssues(out, s, `steps[${i}]`, { ...(ctx.baseCurrency ? { baseCurrency: ctx.baseCurrency } : {}), ...(trig ? { triggerFields: trig } : {}) }));
    if (input.start !== undefined && typeof input.start !== 'string') out.add('start', 'must be a step id');
    else checkGraph(out, steps as Step[], input.start);
  }
  return out.list;
}

/** The definition, checked; a ValidationError (400) naming each problem otherwise. */
export function parseJourney(input: unknown, ctx: JourneyCheckContext): JourneyDefinition {
  const issues = journeyIssues(input, ctx);
  if (issues.length === 0) return input as JourneyDefinition;
  throw invalid(issues);
}

export function invalid(issues: FieldIssue[]): ValidationError {
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return new ValidationError(issues, `${first.field}: ${first.message}${more}`);
}

/** The first step of a definition. */
export const startOf = (d: JourneyDefinition) => d.start ?? d.steps[0]!.id;
