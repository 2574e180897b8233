import { ValidationError, type FieldIssue } from '../errors';
import { instantOf, localDate } from './business-hours';
import type { TaskPriority } from './tasks';

/**
 * Care and follow-up cadences: rules that turn something that happened (a new lead, an order, a
 * contract about to expire, a birthday, a holiday) into a task for someone or a message to the
 * customer, at the right time. Examples the manuals give: contact a new lead within 24 hours,
 * follow up 3 and 15 days after a purchase (3天内交付产品,15天内回访), renew 7 days before the
 * contract ends, birthday and holiday care. Pure: when a rule fires, and what it produces.
 */
export const CADENCE_TRIGGERS = ['customer-created', 'order-placed', 'date-attribute', 'birthday', 'holiday'] as const;
export type CadenceTriggerKind = (typeof CADENCE_TRIGGERS)[number];
export const CARE_CHANNELS = ['email', 'sms', 'wechat'] as const;
export type CareChannel = (typeof CARE_CHANNELS)[number];

export type CadenceTrigger =
  | { on: 'customer-created'; afterMinutes: number; sourceChannels?: string[] }
  | { on: 'order-placed'; afterDays: number }
  | { on: 'date-attribute'; attribute: string; daysBefore: number }
  | { on: 'birthday' }
  | { on: 'holiday'; date: string; name: string };

export type CadenceAction =
  | { kind: 'task'; title: string; description?: string; priority: TaskPriority; dueInHours: number; assigneeId?: string; groupId?: string }
  | { kind: 'message'; channel: CareChannel; subject?: string; body: string };

export interface CadenceRule {
  id: string;
  name: string;
  active: boolean;
  trigger: CadenceTrigger;
  action: CadenceAction;
  createdAt: string;
  updatedAt: string;
  version: number;
}

const DAY = 86_400_000;
const MMDD = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
export const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

export function cadenceIssues(r: Pick<CadenceRule, 'trigger' | 'action'>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const t = r.trigger;
  const int = (field: string, v: number, lo: number, hi: number) => {
    if (!Number.isInteger(v) || v < lo || v > hi) issues.push({ field, message: `must be a whole number from ${lo} to ${hi}` });
  };
  if (t.on === 'customer-created') int('trigger.afterMinutes', t.afterMinutes, 0, 30 * 24 * 60);
  if (t.on === 'order-placed') int('trigger.afterDays', t.afterDays, 0, 365);
  if (t.on === 'date-attribute') {
    int('trigger.daysBefore', t.daysBefore, 0, 365);
    if (!ATTRIBUTE_NAME.test(t.attribute)) issues.push({ field: 'trigger.attribute', message: 'must be a custom attribute name (letters, digits, _)' });
  }
  if (t.on === 'holiday') {
    const [m, d] = t.date.split('-').map(Number) as [number, number];
    const max = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
    if (!MMDD.test(t.date) || d > max) issues.push({ field: 'trigger.date', message: 'must be a day of the year MM-DD, e.g. 02-14' });
  }
  const a = r.action;
  if (a.kind === 'task') {
    int('action.dueInHours', a.dueInHours, 1, 30 * 24);
    if (a.assigneeId && a.groupId) issues.push({ field: 'action.groupId', message: 'give an assignee or a group, not both' });
    if (!a.assigneeId && !a.groupId) issues.push({ field: 'action.assigneeId', message: 'a task rule needs an assignee or a group (its assignment mode picks the agent)' });
  }
  if (a.kind === 'message' && a.channel === 'email' && !a.subject) issues.push({ field: 'action.subject', message: 'is required for email' });
  return issues;
}

export function assertCadence<T extends Pick<CadenceRule, 'trigger' | 'action'>>(r: T): T {
  const issues = cadenceIssues(r);
  if (issues.length) throw new ValidationError(issues);
  return r;
}

/** `date` (YYYY-MM-DD) at `hour`:00 local time in `tz`. */
export function atLocalHour(date: string, hour: number, tz: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return instantOf(y, m, d, hour * 60, tz);
}

const pad = (n: number) => String(n).padStart(2, '0');
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** The next instant (at or after `now`) of the day `MM-DD` at `hour` local; 02-29 is 02-28 in other years. */
export function nextAnnual(mmdd: string, now: number, hour: number, tz: string): number {
  const year = Number(localDate(now, tz).slice(0, 4));
  for (let y = year; y <= year + 2; y++) {
    const day = mmdd === '02-29' && !isLeap(y) ? '02-28' : mmdd;
    const at = atLocalHour(`${y}-${day}`, hour, tz);
    if (at >= now) return at;
  }
  throw new Error(`no next occurrence of ${mmdd}`);
}

/** When a rule fires for its trigger, or undefined when it does not apply (yet). */
export function fireTime(
  t: CadenceTrigger,
  facts: { now: number; createdAt?: string; sourceChannel?: string; placedAt?: string; birthday?: string; attributes?: Record<string, unknown> },
  care: { hour: number; timeZone: string },
): number | undefined {
  switch (t.on) {
    case 'customer-created': {
      if (!facts.createdAt) return undefined;
      if (t.sourceChannels && !t.sourceChannels.includes(facts.sourceChannel ?? '')) return undefined;
      return Date.parse(facts.createdAt) + t.afterMinutes * 60_000;
    }
    case 'order-placed': {
      if (!facts.placedAt) return undefined;
      return atLocalHour(localDate(Date.parse(facts.placedAt) + t.afterDays * DAY, care.timeZone), care.hour, care.timeZone);
    }
    case 'date-attribute': {
      const v = facts.attributes?.[t.attribute];
      if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(v)) return undefined;
      const date = v.slice(0, 10);
      if (Number.isNaN(Date.parse(`${date}T00:00:00Z`))) return undefined;
      const day = new Date(Date.parse(`${date}T00:00:00Z`) - t.daysBefore * DAY).toISOString().slice(0, 10);
      const at = atLocalHour(day, care.hour, care.timeZone);
      return at >= facts.now - DAY ? at : undefined;
    }
    case 'birthday': {
      if (!facts.birthday || !/^\d{4}-\d{2}-\d{2}$/.test(facts.birthday)) return undefined;
      return nextAnnual(facts.birthday.slice(5), facts.now, care.hour, care.timeZone);
    }
    case 'holiday':
      return nextAnnual(t.date, facts.now, care.hour, care.timeZone);
  }
}

/** `{{name}}` in a message template, with a neutral greeting when the name is unknown. */
export function renderTemplate(template: string, vars: { name?: string }): string {
  return template.replace(/\{\{\s*name\s*\}\}/g, vars.name ?? 'there');
}

export const padDate = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
