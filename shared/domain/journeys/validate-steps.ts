import { conditionIssues } from '../conditions';
import type { FieldIssue } from '../errors';
import { filterIssues, type FieldKind } from './events';
import { DURATION_UNITS, STEP_TYPES, UNIT_MS, type Step } from './types';
import { isHHMM } from './waits';

/**
 * The fields of each step type, checked one step at a time (the graph is checked in validate.ts).
 * Every problem names its path: `steps[3].wait.value`.
 */
export const JOURNEY_LIMITS = {
  steps: 100,
  branches: 10,
  tags: 20,
  vars: 20,
  payload: 20,
  title: 200,
  text: 4000,
  /** The longest wait. */
  waitMs: 366 * 86_400_000,
  /** A loop must pass through a wait at least this long. */
  cycleWaitMs: 3_600_000,
} as const;

export const STEP_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const SECRET_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const VAR_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const ATTRIBUTE = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const MESSAGE_CHANNELS = ['email', 'sms', 'webhook'];
const PURPOSES = ['marketing', 'transactional'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const TICKET_TYPES = ['return', 'exchange', 'refund', 'repair', 'complaint', 'inquiry', 'other'];

const FIELDS: Record<Step['type'], readonly string[]> = {
  wait: ['wait', 'next'],
  condition: ['condition', 'triggerFilters', 'yes', 'no'],
  split: ['branches'],
  message: ['channel', 'templateId', 'templateVersion', 'purpose', 'vars', 'respectQuietHours', 'next'],
  tag: ['add', 'remove', 'next'],
  task: ['title', 'description', 'assigneeId', 'groupId', 'priority', 'dueInHours', 'next'],
  ticket: ['subject', 'description', 'ticketType', 'priority', 'groupId', 'assigneeId', 'next'],
  webhook: ['url', 'secretRef', 'payload', 'next'],
  exit: [],
};

export class Issues {
  readonly list: FieldIssue[] = [];
  add(field: string, message: string): void {
    if (this.list.length < 100) this.list.push({ field, message });
  }
  addAll(issues: FieldIssue[]): void {
    for (const i of issues) this.add(i.field, i.message);
  }
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, max: number) => typeof v === 'string' && v.trim().length > 0 && v.length <= max;
const int = (v: unknown, lo: number, hi: number) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

export function onlyKeys(out: Issues, v: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(v)) if (!allowed.includes(k)) out.add(`${path}.${k}`, `is not a field here (fields: ${allowed.join(', ')})`);
}

/** A URL a webhook step may call: https (http only to localhost, for the local runtime and tests), no credentials. */
export function isWebhookUrl(url: unknown): boolean {
  if (typeof url !== 'string' || url.length > 2048) return false;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  return u.protocol === 'https:' || (u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1'));
}

function checkWait(out: Issues, w: unknown, p: string): void {
  if (!isObject(w)) return void out.add(p, 'must be {kind: duration | time-of-day | date | instant, ...}');
  switch (w.kind) {
    case 'duration': {
      onlyKeys(out, w, ['kind', 'value', 'unit'], p);
      if (!DURATION_UNITS.includes(w.unit as never)) return void out.add(`${p}.unit`, `must be one of ${DURATION_UNITS.join(', ')}`);
      const ms = typeof w.value === 'number' ? w.value * UNIT_MS[w.unit as keyof typeof UNIT_MS] : NaN;
      if (!int(w.value, 1, Number.MAX_SAFE_INTEGER) || !(ms <= JOURNEY_LIMITS.waitMs)) out.add(`${p}.value`, 'must be a whole number, the wait at most 366 days');
      return;
    }
    case 'time-of-day':
      onlyKeys(out, w, ['kind', 'time', 'weekdays'], p);
      if (!isHHMM(w.time)) out.add(`${p}.time`, 'must be a local time HH:MM');
      if (w.weekdays !== undefined && (!Array.isArray(w.weekdays) || w.weekdays.length === 0 || !w.weekdays.every((d) => int(d, 1, 7)) || new Set(w.weekdays).size !== w.weekdays.length)) {
        out.add(`${p}.weekdays`, 'must be distinct ISO weekdays 1 (Monday) to 7 (Sunday)');
      }
      return;
    case 'date':
      onlyKeys(out, w, ['kind', 'field', 'offsetDays', 'time'], p);
      if (!(w.field === 'birthday' || w.field === 'lastOrderAt' || (typeof w.field === 'string' && w.field.startsWith('attributes.') && ATTRIBUTE.test(w.field.slice(11))))) {
        out.add(`${p}.field`, 'must be birthday, lastOrderAt or attributes.<name> (a date attribute)');
      }
      if (w.offsetDays !== undefined && !int(w.offsetDays, -366, 366)) out.add(`${p}.offsetDays`, 'must be a whole number from -366 to 366');
      if (w.time !== undefined && !isHHMM(w.time)) out.add(`${p}.time`, 'must be a local time HH:MM');
      return;
    case 'instant':
      onlyKeys(out, w, ['kind', 'at'], p);
      if (typeof w.at !== 'string' || !/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/.test(w.at) || Number.isNaN(Date.parse(w.at))) out.add(`${p}.at`, 'must be an ISO date-time with a zone offset');
      return;
    default:
      out.add(`${p}.kind`, 'must be duration, time-of-day, date or instant');
  }
}

export interface StepCheckContext {
  baseCurrency?: string;
  /** Fields of the trigger event's data, when the trigger is an event (condition steps may filter on them). */
  triggerFields?: Readonly<Record<string, FieldKind>>;
}

/** Problems of one step's own fields (not its edges' targets). */
export function stepIssues(out: Issues, s: unknown, p: string, ctx: StepCheckContext): void {
  if (!isObject(s)) return void out.add(p, 'must be a step {id, type, ...}');
  if (typeof s.id !== 'string' || !STEP_ID.test(s.id)) out.add(`${p}.id`, 'must be a lower-case slug (a-z, 0-9, - and _, at most 64)');
  if (s.name !== undefined && !str(s.name, 120)) out.add(`${p}.name`, 'must be text of at most 120 characters');
  if (!STEP_TYPES.includes(s.type as never)) return void out.add(`${p}.type`, `${JSON.stringify(s.type)} is not a step type (${STEP_TYPES.join(', ')})`);
  const type = s.type as Step['type'];
  onlyKeys(out, s, ['id', 'name', 'type', ...FIELDS[type]], p);
  for (const edge of ['next', 'yes', 'no']) if (s[edge] !== undefined && typeof s[edge] !== 'string') out.add(`${p}.${edge}`, 'must be a step id');
  switch (type) {
    case 'wait':
      return checkWait(out, s.wait, `${p}.wait`);
    case 'condition':
      if (s.condition === undefined && s.triggerFilters === undefined) out.add(`${p}.condition`, 'a condition step needs a condition, triggerFilters or both');
      if (s.condition !== undefined) out.addAll(conditionIssues(s.condition, { root: `${p}.condition`, ...(ctx.baseCurrency ? { baseCurrency: ctx.baseCurrency } : {}) }));
      if (s.triggerFilters !== undefined) {
        if (!ctx.triggerFields) out.add(`${p}.triggerFilters`, 'only a journey started by an event can filter on the trigger event');
        else out.addAll(filterIssues(s.triggerFilters, ctx.triggerFields, `${p}.triggerFilters`));
      }
      return;
    case 'split': {
      const b = s.branches;
      if (!Array.isArray(b) || b.length < 2 || b.length > JOURNEY_LIMITS.branches) return void out.add(`${p}.branches`, `must be 2 to ${JOURNEY_LIMITS.branches} branches {name, percent, next?}`);
      const names = new Set<string>();
      b.forEach((x, i) => {
        const bp = `${p}.branches[${i}]`;
        if (!isObject(x)) return void out.add(bp, 'must be {name, percent, next?}');
        onlyKeys(out, x, ['name', 'percent', 'next'], bp);
        if (typeof x.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/.test(x.name)) out.add(`${bp}.name`, 'must be a short name (letters, digits, - and _)');
        else if (names.has(x.name)) out.add(`${bp}.name`, `repeats ${x.name}`);
        else names.add(x.name);
        if (!int(x.percent, 1, 99)) out.add(`${bp}.percent`, 'must be a whole percent from 1 to 99');
        if (x.next !== undefined && typeof x.next !== 'string') out.add(`${bp}.next`, 'must be a step id');
      });
      const sum = b.reduce((n: number, x) => n + (isObject(x) && typeof x.percent === 'number' ? x.percent : 0), 0);
      if (sum !== 100) out.add(`${p}.branches`, `percentages must add up to 100 (they add up to ${sum})`);
      return;
    }
    case 'message':
      if (!MESSAGE_CHANNELS.includes(s.channel as string)) out.add(`${p}.channel`, `must be one of ${MESSAGE_CHANNELS.join(', ')}`);
      if (!str(s.templateId, 128)) out.add(`${p}.templateId`, 'must name a message template');
      if (s.templateVersion !== undefined && !int(s.templateVersion, 1, 1_000_000)) out.add(`${p}.templateVersion`, 'must be a template version number');
      if (!PURPOSES.includes(s.purpose as string)) out.add(`${p}.purpose`, 'must be marketing or transactional');
      if (s.respectQuietHours !== undefined && typeof s.respectQuietHours !== 'boolean') out.add(`${p}.respectQuietHours`, 'must be true or false');
      if (s.vars !== undefined) {
        if (!isObject(s.vars) || Object.keys(s.vars).length > JOURNEY_LIMITS.vars) out.add(`${p}.vars`, `must be at most ${JOURNEY_LIMITS.vars} variables name → text`);
        else for (const [k, v] of Object.entries(s.vars)) if (!VAR_NAME.test(k) || typeof v !== 'string' || v.length > 1000) out.add(`${p}.vars.${k}`, 'must be a variable name with a text value (at most 1000 characters)');
      }
      return;
    case 'tag': {
      const lists = [['add', s.add], ['remove', s.remove]] as const;
      for (const [k, v] of lists) {
        if (v === undefined) continue;
        if (!Array.isArray(v) || v.length > JOURNEY_LIMITS.tags || !v.every((t) => str(t, 64) && !/[/\u0000-\u001f\u007f]/.test(t as string))) out.add(`${p}.${k}`, `must be at most ${JOURNEY_LIMITS.tags} tag names (1-64 characters, no "/")`);
      }
      if ((Array.isArray(s.add) ? s.add.length : 0) + (Array.isArray(s.remove) ? s.remove.length : 0) === 0) out.add(`${p}.add`, 'a tag step adds or removes at least one tag');
      return;
    }
    case 'task':
      if (!str(s.title, JOURNEY_LIMITS.title)) out.add(`${p}.title`, `must be text of at most ${JOURNEY_LIMITS.title} characters`);
      if (s.description !== undefined && !str(s.description, JOURNEY_LIMITS.text)) out.add(`${p}.description`, `must be text of at most ${JOURNEY_LIMITS.text} characters`);
      if (!!s.assigneeId === !!s.groupId) out.add(`${p}.assigneeId`, 'give an assignee or a group (its assignment mode picks the agent), not both');
      for (const k of ['assigneeId', 'groupId']) if (s[k] !== undefined && !str(s[k], 128)) out.add(`${p}.${k}`, 'must be an id');
      if (s.priority !== undefined && !PRIORITIES.includes(s.priority as string)) out.add(`${p}.priority`, `must be one of ${PRIORITIES.join(', ')}`);
      if (!int(s.dueInHours, 1, 30 * 24)) out.add(`${p}.dueInHours`, 'must be a whole number of hours from 1 to 720');
      return;
    case 'ticket':
      if (!str(s.subject, JOURNEY_LIMITS.title)) out.add(`${p}.subject`, `must be text of at most ${JOURNEY_LIMITS.title} characters`);
      if (s.description !== undefined && !str(s.description, JOURNEY_LIMITS.text)) out.add(`${p}.description`, `must be text of at most ${JOURNEY_LIMITS.text} characters`);
      if (!TICKET_TYPES.includes(s.ticketType as string)) out.add(`${p}.ticketType`, `must be one of ${TICKET_TYPES.join(', ')}`);
      if (s.priority !== undefined && !PRIORITIES.includes(s.priority as string)) out.add(`${p}.priority`, `must be one of ${PRIORITIES.join(', ')}`);
      for (const k of ['assigneeId', 'groupId']) if (s[k] !== undefined && !str(s[k], 128)) out.add(`${p}.${k}`, 'must be an id');
      return;
    case 'webhook':
      if (!isWebhookUrl(s.url)) out.add(`${p}.url`, 'must be an https URL without credentials (http only to localhost)');
      if (typeof s.secretRef !== 'string' || !SECRET_NAME.test(s.secretRef)) out.add(`${p}.secretRef`, 'must name a journey webhook secret (a lower-case slug)');
      if (s.payload !== undefined) {
        if (!isObject(s.payload) || Object.keys(s.payload).length > JOURNEY_LIMITS.payload) out.add(`${p}.payload`, `must be at most ${JOURNEY_LIMITS.payload} fields`);
        else for (const [k, v] of Object.entries(s.payload)) if (!VAR_NAME.test(k) || !['string', 'number', 'boolean'].includes(typeof v) || (typeof v === 'string' && v.length > 1000)) out.add(`${p}.payload.${k}`, 'must be a field name with a text, number or boolean value');
      }
      return;
    case 'exit':
      return;
  }
}
