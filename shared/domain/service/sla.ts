import { ValidationError, type FieldIssue } from '../errors';
import { assertCalendar, businessTime, CALENDAR_TIME, calendarIssues, minutesToMs, type BusinessCalendar, type TimeMeasure } from './business-hours';
import type { TicketPriority, TicketType } from './ticket';

/**
 * SLA policies and the clocks they put on a ticket, pure (time is passed in as epoch ms).
 *
 * A policy has conditions (priority, type, customer tier; a missing condition matches anything)
 * and targets in minutes for the first response, each next response and the resolution, measured
 * in calendar time or in the business hours of its calendar. Policies are matched in `position`
 * order; the first whose conditions hold applies. The ticket keeps a snapshot of the policy it got,
 * so a later edit of the policy does not move the deadlines of tickets already running on it.
 *
 * A clock runs, pauses (pending, on-hold: the customer owes us an answer) and stops (the response
 * was given, the ticket was solved). While it runs it has a due time (the breach instant) and,
 * until the warning fired, a warning time (a share of the target, 80 % by default).
 */
export const SLA_METRICS = ['firstResponse', 'nextResponse', 'resolution'] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];

export interface SlaTargets {
  firstResponse?: number;
  nextResponse?: number;
  resolution?: number;
}

export interface SlaConditions {
  priorities?: TicketPriority[];
  types?: TicketType[];
  tiers?: string[];
}

export interface SlaPolicy {
  id: string;
  name: string;
  /** Matching order, lowest first; unique among policies. */
  position: number;
  active: boolean;
  conditions: SlaConditions;
  /** Minutes. */
  targets: SlaTargets;
  hours: 'calendar' | 'business';
  calendar?: BusinessCalendar;
  /** Warn when this share of a target has passed (0.5–0.99); the service settings' share when absent. */
  warnAtShare?: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** What of a policy a ticket keeps (its deadlines do not move when the policy is edited later). */
export interface SlaPolicySnapshot {
  id: string;
  name: string;
  version: number;
  targets: SlaTargets;
  hours: 'calendar' | 'business';
  calendar?: BusinessCalendar;
  warnAtShare: number;
}

export interface SlaClock {
  metric: SlaMetric;
  targetMs: number;
  state: 'running' | 'paused' | 'stopped';
  /** Measured time before `since` (business ms for a business-hours policy). */
  elapsedMs: number;
  /** Running since. */
  since?: string;
  /** Running: the instant it breaches. */
  dueAt?: string;
  /** Running and not yet warned: the instant the warning is due. */
  warnAt?: string;
  startedAt: string;
  stoppedAt?: string;
  warnedAt?: string;
  breachedAt?: string;
  outcome?: 'met' | 'breached';
  /** Next-response clocks count up: each customer reply after an answer starts a new cycle. */
  cycle: number;
}

export interface TicketSla {
  policy: SlaPolicySnapshot;
  clocks: Partial<Record<SlaMetric, SlaClock>>;
  /** Some clock of this ticket breached at some point. */
  breached: boolean;
}

export const DEFAULT_WARN_SHARE = 0.8;
const MAX_TARGET_MINUTES = 365 * 24 * 60;

// ---- policies

export interface PolicyInput {
  name: string;
  position: number;
  active?: boolean;
  conditions?: SlaConditions;
  targets: SlaTargets;
  hours: 'calendar' | 'business';
  calendar?: BusinessCalendar;
  warnAtShare?: number;
}

/** Every problem of a policy, naming its field: targets, calendar (overlapping or invalid hours, bad zone, dates). */
export function policyIssues(p: PolicyInput): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const targets = Object.entries(p.targets ?? {}).filter(([, v]) => v !== undefined);
  if (targets.length === 0) issues.push({ field: 'targets', message: 'must set at least one of firstResponse, nextResponse, resolution (minutes)' });
  for (const [k, v] of targets) {
    if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > MAX_TARGET_MINUTES) issues.push({ field: `targets.${k}`, message: `must be a whole number of minutes from 1 to ${MAX_TARGET_MINUTES}` });
  }
  const { firstResponse, resolution } = p.targets ?? {};
  if (firstResponse !== undefined && resolution !== undefined && resolution < firstResponse) issues.push({ field: 'targets.resolution', message: 'must not be shorter than the first-response target' });
  if (p.hours === 'business') {
    if (!p.calendar) issues.push({ field: 'calendar', message: 'is required for business hours' });
    else issues.push(...calendarIssues(p.calendar));
  } else if (p.calendar) issues.push({ field: 'calendar', message: 'is only used with hours "business"' });
  if (p.warnAtShare !== undefined && !(p.warnAtShare >= 0.5 && p.warnAtShare <= 0.99)) issues.push({ field: 'warnAtShare', message: 'must be between 0.5 and 0.99' });
  if (!Number.isInteger(p.position) || p.position < 0 || p.position > 9999) issues.push({ field: 'position', message: 'must be a whole number from 0 to 9999' });
  for (const [k, list] of Object.entries(p.conditions ?? {})) {
    if (Array.isArray(list) && list.length === 0) issues.push({ field: `conditions.${k}`, message: 'must not be empty (leave it out to match any)' });
  }
  return issues;
}

export function assertPolicy(p: PolicyInput): PolicyInput {
  const issues = policyIssues(p);
  if (issues.length) throw new ValidationError(issues, `The SLA policy is invalid: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`);
  return p.calendar ? { ...p, calendar: assertCalendar(p.calendar) } : p;
}

export interface SlaFacts {
  priority: TicketPriority;
  type: TicketType;
  tier?: string;
}

export function policyMatches(p: Pick<SlaPolicy, 'active' | 'conditions'>, f: SlaFacts): boolean {
  if (!p.active) return false;
  const c = p.conditions;
  if (c.priorities && !c.priorities.includes(f.priority)) return false;
  if (c.types && !c.types.includes(f.type)) return false;
  if (c.tiers && (!f.tier || !c.tiers.includes(f.tier))) return false;
  return true;
}

/** The first active policy, in position order, whose conditions hold. */
export function matchPolicy(policies: readonly SlaPolicy[], f: SlaFacts): SlaPolicy | undefined {
  return [...policies].sort((a, b) => a.position - b.position || (a.id < b.id ? -1 : 1)).find((p) => policyMatches(p, f));
}

export function snapshotOf(p: SlaPolicy, defaultWarnShare: number): SlaPolicySnapshot {
  return { id: p.id, name: p.name, version: p.version, targets: p.targets, hours: p.hours, ...(p.calendar ? { calendar: p.calendar } : {}), warnAtShare: p.warnAtShare ?? defaultWarnShare };
}

export function measureOf(p: Pick<SlaPolicySnapshot, 'hours' | 'calendar'>): TimeMeasure {
  return p.hours === 'business' && p.calendar ? businessTime(p.calendar) : CALENDAR_TIME;
}

// ---- clocks

const iso = (ms: number) => new Date(ms).toISOString();

/** Running: its due and warning instants from `since`, what is measured so far and the target. */
function scheduled(c: SlaClock, m: TimeMeasure, share: number): SlaClock {
  const { dueAt: _d, warnAt: _w, ...rest } = c;
  if (c.state !== 'running' || !c.since) return rest;
  const since = Date.parse(c.since);
  const out: SlaClock = { ...rest, dueAt: iso(m.add(since, c.targetMs - c.elapsedMs)) };
  if (!c.warnedAt && !c.breachedAt) out.warnAt = iso(m.add(since, Math.max(0, Math.floor(c.targetMs * share) - c.elapsedMs)));
  return out;
}

export function startClock(metric: SlaMetric, targetMinutes: number, now: number, m: TimeMeasure, share: number, cycle = 1): SlaClock {
  return scheduled({ metric, targetMs: minutesToMs(targetMinutes), state: 'running', elapsedMs: 0, since: iso(now), startedAt: iso(now), cycle }, m, share);
}

/** Time measured on a clock up to `now`. */
export function elapsedOf(c: SlaClock, now: number, m: TimeMeasure): number {
  return c.elapsedMs + (c.state === 'running' && c.since ? m.between(Date.parse(c.since), now) : 0);
}

export function pauseClock(c: SlaClock, now: number, m: TimeMeasure): SlaClock {
  if (c.state !== 'running') return c;
  const { since: _s, dueAt: _d, warnAt: _w, ...rest } = c;
  return { ...rest, state: 'paused', elapsedMs: elapsedOf(c, now, m) };
}

export function resumeClock(c: SlaClock, now: number, m: TimeMeasure, share: number): SlaClock {
  if (c.state !== 'paused') return c;
  return scheduled({ ...c, state: 'running', since: iso(now) }, m, share);
}

export function stopClock(c: SlaClock, now: number, m: TimeMeasure): SlaClock {
  if (c.state === 'stopped') return c;
  const elapsed = elapsedOf(c, now, m);
  const { since: _s, dueAt: _d, warnAt: _w, ...rest } = c;
  const outcome = c.breachedAt || elapsed > c.targetMs ? 'breached' : 'met';
  return { ...rest, state: 'stopped', elapsedMs: elapsed, stoppedAt: iso(now), outcome, ...(outcome === 'breached' && !c.breachedAt ? { breachedAt: iso(now) } : {}) };
}

/** A stopped clock running again (a solved ticket reopened: its resolution time goes on). */
export function restartClock(c: SlaClock, now: number, m: TimeMeasure, share: number): SlaClock {
  if (c.state !== 'stopped') return c;
  const { stoppedAt: _s, outcome, ...rest } = c;
  return scheduled({ ...rest, state: 'running', since: iso(now), ...(outcome === 'breached' ? { outcome } : {}) }, m, share);
}

const ACTIVE = (c: SlaClock | undefined): boolean => !!c && c.state !== 'stopped';

function mapClocks(sla: TicketSla, fn: (c: SlaClock) => SlaClock, only?: readonly SlaMetric[]): TicketSla {
  const clocks: TicketSla['clocks'] = {};
  for (const k of SLA_METRICS) {
    const c = sla.clocks[k];
    if (c) clocks[k] = !only || only.includes(k) ? fn(c) : c;
  }
  return { ...sla, clocks, breached: sla.breached || SLA_METRICS.some((k) => !!clocks[k]?.breachedAt) };
}

/** The clocks a new ticket gets: first response and resolution start; paused when it starts pending or on hold. */
export function attachSla(policy: SlaPolicySnapshot, now: number, status: string): TicketSla {
  const m = measureOf(policy);
  const clocks: TicketSla['clocks'] = {};
  for (const k of ['firstResponse', 'resolution'] as const) {
    const target = policy.targets[k];
    if (target === undefined) continue;
    const c = startClock(k, target, now, m, policy.warnAtShare);
    clocks[k] = status === 'pending' || status === 'on-hold' ? pauseClock(c, now, m) : c;
  }
  return { policy, clocks, breached: false };
}

const WAITING = ['pending', 'on-hold'];

/** The clocks after a status change. */
export function slaOnStatus(sla: TicketSla, from: string, to: string, now: number): TicketSla {
  const m = measureOf(sla.policy);
  const share = sla.policy.warnAtShare;
  if (WAITING.includes(to)) return mapClocks(sla, (c) => pauseClock(c, now, m));
  if (to === 'solved') return mapClocks(sla, (c) => stopClock(c, now, m));
  if ((to === 'open' || to === 'new') && from === 'solved') return mapClocks(sla, (c) => (c.metric === 'resolution' ? restartClock(c, now, m, share) : c));
  if ((to === 'open' || to === 'new') && WAITING.includes(from)) return mapClocks(sla, (c) => resumeClock(c, now, m, share));
  return sla;
}

/** A public answer from an agent: the first response and the pending next response are given. */
export function slaOnAgentReply(sla: TicketSla, now: number): TicketSla {
  const m = measureOf(sla.policy);
  return mapClocks(sla, (c) => stopClock(c, now, m), ['firstResponse', 'nextResponse']);
}

/** A reply from the customer after we answered starts the next-response clock (a new cycle). */
export function slaOnCustomerReply(sla: TicketSla, now: number, status: string): TicketSla {
  const target = sla.policy.targets.nextResponse;
  const first = sla.clocks.firstResponse;
  const next = sla.clocks.nextResponse;
  if (target === undefined || ACTIVE(first) || ACTIVE(next)) return sla;
  const m = measureOf(sla.policy);
  let c = startClock('nextResponse', target, now, m, sla.policy.warnAtShare, (next?.cycle ?? 0) + 1);
  if (WAITING.includes(status)) c = pauseClock(c, now, m);
  return { ...sla, clocks: { ...sla.clocks, nextResponse: c } };
}

/**
 * The ticket now matches another policy (its priority or type changed): active clocks keep the
 * time measured so far and get the new targets; metrics the new policy has no target for stop
 * being measured; a resolution target the old policy lacked starts now.
 */
export function reapplyPolicy(sla: TicketSla | undefined, policy: SlaPolicySnapshot | undefined, now: number, status: string): TicketSla | undefined {
  if (!policy) return sla ? { ...sla, clocks: Object.fromEntries(Object.entries(sla.clocks).filter(([, c]) => c && !ACTIVE(c))) as TicketSla['clocks'] } : undefined;
  if (!sla) return attachSla(policy, now, status === 'solved' || status === 'closed' ? 'pending' : status);
  if (sla.policy.id === policy.id && sla.policy.version === policy.version) return sla;
  const oldM = measureOf(sla.policy);
  const m = measureOf(policy);
  const clocks: TicketSla['clocks'] = {};
  for (const k of SLA_METRICS) {
    const c = sla.clocks[k];
    const target = policy.targets[k];
    if (!c) {
      if (k === 'resolution' && target !== undefined && status !== 'solved' && status !== 'closed') {
        const started = startClock(k, target, now, m, policy.warnAtShare);
        clocks[k] = WAITING.includes(status) ? pauseClock(started, now, m) : started;
      }
      continue;
    }
    if (!ACTIVE(c)) {
      clocks[k] = c;
      continue;
    }
    if (target === undefined) continue;
    const wasRunning = c.state === 'running';
    const paused = pauseClock(c, now, oldM);
    const retargeted: SlaClock = { ...paused, targetMs: minutesToMs(target) };
    clocks[k] = wasRunning ? resumeClock(retargeted, now, m, policy.warnAtShare) : retargeted;
  }
  return { policy, clocks, breached: sla.breached };
}

/** Is the warning of this clock due at `now`, for the timer set at `dueAt`? */
export function warningDue(sla: TicketSla | undefined, metric: SlaMetric, timerDueAt: string, now: number): boolean {
  const c = sla?.clocks[metric];
  return !!c && c.state === 'running' && !c.warnedAt && !c.breachedAt && c.warnAt === timerDueAt && Date.parse(c.warnAt) <= now;
}

export function breachDue(sla: TicketSla | undefined, metric: SlaMetric, timerDueAt: string, now: number): boolean {
  const c = sla?.clocks[metric];
  return !!c && c.state === 'running' && !c.breachedAt && c.dueAt === timerDueAt && Date.parse(c.dueAt) <= now;
}

export function markWarned(sla: TicketSla, metric: SlaMetric, now: number): TicketSla {
  const c = sla.clocks[metric]!;
  const { warnAt: _w, ...rest } = c;
  return { ...sla, clocks: { ...sla.clocks, [metric]: { ...rest, warnedAt: iso(now) } } };
}

export function markBreached(sla: TicketSla, metric: SlaMetric, now: number): TicketSla {
  const c = sla.clocks[metric]!;
  const { warnAt: _w, ...rest } = c;
  return { ...sla, breached: true, clocks: { ...sla.clocks, [metric]: { ...rest, breachedAt: iso(now), outcome: 'breached' } } };
}

/** The timers a ticket's SLA needs now: a warning and a breach per running clock. */
export function slaTimers(sla: TicketSla | undefined): { metric: SlaMetric; kind: 'warn' | 'breach'; at: string }[] {
  if (!sla) return [];
  const out: { metric: SlaMetric; kind: 'warn' | 'breach'; at: string }[] = [];
  for (const k of SLA_METRICS) {
    const c = sla.clocks[k];
    if (!c || c.state !== 'running') continue;
    if (c.warnAt && !c.warnedAt && !c.breachedAt) out.push({ metric: k, kind: 'warn', at: c.warnAt });
    if (c.dueAt && !c.breachedAt) out.push({ metric: k, kind: 'breach', at: c.dueAt });
  }
  return out;
}

/** What a client sees of each clock. */
export function slaView(sla: TicketSla | undefined, now: number) {
  if (!sla) return undefined;
  const m = measureOf(sla.policy);
  const clocks = SLA_METRICS.flatMap((k) => {
    const c = sla.clocks[k];
    if (!c) return [];
    const elapsed = elapsedOf(c, now, m);
    return [
      {
        metric: k,
        state: c.state,
        cycle: c.cycle,
        targetMinutes: c.targetMs / 60_000,
        elapsedMinutes: Math.floor(elapsed / 60_000),
        ...(c.dueAt ? { dueAt: c.dueAt } : {}),
        ...(c.warnAt ? { warnAt: c.warnAt } : {}),
        ...(c.warnedAt ? { warnedAt: c.warnedAt } : {}),
        breached: !!c.breachedAt,
        ...(c.breachedAt ? { breachedAt: c.breachedAt } : {}),
        ...(c.outcome ? { outcome: c.outcome } : {}),
        ...(c.stoppedAt ? { stoppedAt: c.stoppedAt } : {}),
      },
    ];
  });
  return { policyId: sla.policy.id, policyName: sla.policy.name, hours: sla.policy.hours, breached: sla.breached, clocks };
}
