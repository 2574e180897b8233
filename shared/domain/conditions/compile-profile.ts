import type { AttributeValue } from '../customer';
import { profileFieldType } from './check-leaves';
import { birthdayMonthDay, civilFromDays, DAY_MS, dayOf, monthStart, nextBirthday, parseInstant } from './dates';
import type { CustomerFacts } from './facts';
import type { ProfileLeaf, Scalar } from './grammar';
import { leaf, member, type Compiled, type NextChange } from './node';
import { numTest } from './numeric';

type Profile = CustomerFacts['profile'];
type Get = (p: Profile) => unknown;

/** One reader per field: a property load the engine can inline, no keyed lookup. */
const GETTERS: Record<string, Get> = {
  name: (p) => p.name,
  email: (p) => p.email,
  phone: (p) => p.phone,
  gender: (p) => p.gender,
  birthday: (p) => p.birthday,
  country: (p) => p.country,
  region: (p) => p.region,
  city: (p) => p.city,
  sourceChannel: (p) => p.sourceChannel,
  store: (p) => p.store,
  createdAt: (p) => p.createdAt,
  tags: (p) => p.tags,
};

function getter(field: string): Get {
  const g = GETTERS[field];
  if (g) return g;
  const key = field.slice('attributes.'.length);
  const has = Object.hasOwn;
  return (p) => (has(p.attributes, key) ? (p.attributes[key] as AttributeValue) : undefined);
}

const present = (v: unknown) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
const instant = (v: unknown) => (typeof v === 'string' ? parseInstant(v) : NaN);

/** The instants [from, to) a date comparison accepts; a plain date stands for its whole UTC day. */
function window(op: string, value: unknown): [number, number] {
  const start = (s: string) => parseInstant(s);
  const end = (s: string) => parseInstant(s) + (s.length === 10 ? DAY_MS : 1);
  const v = value as string;
  switch (op) {
    case 'gt':
    case 'after':
      return [end(v), Infinity];
    case 'gte':
      return [start(v), Infinity];
    case 'lt':
    case 'before':
      return [-Infinity, start(v)];
    case 'lte':
      return [-Infinity, end(v)];
    default: {
      const [a, b] = value as [string, string];
      return [start(a), end(b)];
    }
  }
}

export function compileProfile(n: ProfileLeaf): Compiled {
  const get = getter(n.field);
  const type = profileFieldType(n.field)!;
  const value = n.value;
  switch (n.op) {
    case 'exists':
      return leaf((f) => present(get(f.profile)), 1);
    case 'notExists':
      return leaf((f) => !present(get(f.profile)), 1);
    case 'eq':
      return leaf((f) => get(f.profile) === value, 1);
    case 'neq':
      return leaf((f) => get(f.profile) !== value, 1);
    case 'in': {
      const has = member(value as Scalar[]);
      return leaf((f) => has(get(f.profile) as Scalar), 2);
    }
    case 'nin': {
      const has = member(value as Scalar[]);
      return leaf((f) => !has(get(f.profile) as Scalar), 2);
    }
    case 'contains': {
      const s = value as string;
      if (type === 'list') return leaf((f) => (get(f.profile) as string[] | undefined)?.includes(s) === true, 2);
      return leaf((f) => {
        const v = get(f.profile);
        return typeof v === 'string' && v.includes(s);
      }, 2);
    }
    case 'withinLastDays':
    case 'notWithinLastDays':
      return lastDays(get, n.op, value as number);
    case 'birthdayInNextDays':
      return birthdayWithin(get, value as number);
    case 'birthdayThisMonth':
      return birthdayThisMonth(get);
    default: {
      // gt gte lt lte between before after: numbers (attributes) or instants.
      const numeric = typeof value === 'number' || (Array.isArray(value) && typeof value[0] === 'number');
      if (numeric) {
        const t = numTest(n.op as 'gt', value as number);
        return leaf((f) => {
          const v = get(f.profile);
          return typeof v === 'number' && t(v);
        }, 1);
      }
      const [from, to] = window(n.op, value);
      return leaf((f) => {
        const t = instant(get(f.profile));
        return t >= from && t < to;
      }, 3);
    }
  }
}

/** withinLastDays N: 0 <= now - t < N days. notWithinLastDays N: now - t >= N days. */
function lastDays(get: Get, op: 'withinLastDays' | 'notWithinLastDays', days: number): Compiled {
  const span = days * DAY_MS;
  if (op === 'withinLastDays') {
    const next: NextChange = (f, now) => {
      const t = instant(get(f.profile));
      return t > now ? t : t + span > now ? t + span : undefined;
    };
    return leaf((f, now) => {
      const t = instant(get(f.profile));
      return t <= now && t > now - span;
    }, 3, next);
  }
  const next: NextChange = (f, now) => {
    const t = instant(get(f.profile));
    return t + span > now ? t + span : undefined;
  };
  return leaf((f, now) => instant(get(f.profile)) <= now - span, 3, next);
}

const bday = (get: Get, f: CustomerFacts) => {
  const v = get(f.profile);
  return typeof v === 'string' ? birthdayMonthDay(v) : -1;
};

/** True on the days d with a birthday in [d, d + N] (Feb 29 is kept on Feb 28 in common years). */
function birthdayWithin(get: Get, days: number): Compiled {
  const on = (day: number, md: number) => nextBirthday(day, md) - day <= days;
  const next: NextChange = (f, now) => {
    const md = bday(get, f);
    if (md < 0) return undefined;
    const today = dayOf(now);
    const was = on(today, md);
    // The value can only change on a day B - N (birthday B enters the window) or B + 1 (it has
    // passed). Birthdays are 365 or 366 days apart and any 8 gaps in a row include a 366 one, so
    // a value that holds over the next 9 birthdays holds for ever (N >= 365).
    const candidates: number[] = [];
    for (let k = 0, b = nextBirthday(today, md); k < 9; k++, b = nextBirthday(b + 1, md)) candidates.push(b - days, b + 1);
    candidates.sort((a, b) => a - b);
    for (const d of candidates) if (d > today && on(d, md) !== was) return d * DAY_MS;
    return undefined;
  };
  return leaf((f, now) => {
    const md = bday(get, f);
    return md >= 0 && on(dayOf(now), md);
  }, 3, next);
}

const monthOf = (now: number) => Math.floor(civilFromDays(dayOf(now)) / 100) % 100;

function birthdayThisMonth(get: Get): Compiled {
  const next: NextChange = (f, now) => {
    const md = bday(get, f);
    if (md < 0) return undefined;
    const c = civilFromDays(dayOf(now));
    const y = Math.floor(c / 10_000);
    const m = Math.floor(c / 100) % 100;
    const bm = Math.floor(md / 100);
    // Turns true when the birthday month starts, false when the month after it starts.
    return bm === m ? monthStart(y, m + 1) : bm > m ? monthStart(y, bm) : monthStart(y + 1, bm);
  };
  return leaf((f, now) => {
    const md = bday(get, f);
    return md >= 0 && Math.floor(md / 100) === monthOf(now);
  }, 3, next);
}
