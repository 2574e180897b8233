import { SLA_METRICS, type SlaClock, type SlaMetric, type TicketSla } from './sla';
import { csatSummary, npsSummary } from './surveys';
import { isUnsolved, type Ticket } from './ticket';

/**
 * Service statistics kept as counters, so reports read a few items instead of the tickets.
 * "Current" counters are a ticket's contribution (its status; while unsolved its priority, type,
 * agent and group): every ticket write adds the difference between the contribution after and
 * before, in the same transaction. "Day" counters are things that happened that day: created,
 * solved, first responses and resolutions (sum of minutes and count), SLA outcomes, survey answers.
 */
export type Counters = Record<string, number>;

export function currentContribution(t: Ticket | undefined): Counters {
  if (!t) return {};
  const out: Counters = { [`status:${t.status}`]: 1 };
  if (isUnsolved(t.status)) {
    out[`open.priority:${t.priority}`] = 1;
    out[`open.type:${t.type}`] = 1;
    out[`open.agent:${t.assigneeId ?? '-'}`] = 1;
    out[`open.group:${t.groupId ?? '-'}`] = 1;
    if (t.sla?.breached) out['open.breached'] = 1;
  }
  return out;
}

/** after − before, without zeros. */
export function diffCounters(after: Counters, before: Counters): Counters {
  const out: Counters = {};
  for (const k of new Set([...Object.keys(after), ...Object.keys(before)])) {
    const d = (after[k] ?? 0) - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

export function addCounters(into: Counters, more: Counters): Counters {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + v;
  return into;
}

const minutes = (ms: number) => Math.round(ms / 60_000);

/**
 * What happened on this write, for the day counters: the ticket was created, first answered,
 * solved; an SLA clock reached its outcome (met or breached).
 */
export function dayCounters(before: Ticket | undefined, after: Ticket): Counters {
  const out: Counters = {};
  if (!before) {
    out.created = 1;
    out[`created.type:${after.type}`] = 1;
    out[`created.priority:${after.priority}`] = 1;
    out[`created.channel:${after.channel}`] = 1;
  }
  if (!before?.firstResponseAt && after.firstResponseAt) {
    out['firstResponse.count'] = 1;
    out['firstResponse.minutes'] = minutes(Date.parse(after.firstResponseAt) - Date.parse(after.createdAt));
  }
  if (after.status === 'solved' && before?.status !== 'solved' && after.solvedAt) {
    out.solved = 1;
    out[`solved.agent:${after.assigneeId ?? '-'}`] = 1;
    out['resolution.count'] = 1;
    out['resolution.minutes'] = minutes(Date.parse(after.solvedAt) - Date.parse(after.createdAt));
  }
  if (before && before.status === 'solved' && after.status === 'open') out.reopened = 1;
  addCounters(out, slaOutcomes(before?.sla, after.sla));
  return out;
}

/** Clocks that reached an outcome on this write (a new next-response cycle counts on its own). */
export function slaOutcomes(before: TicketSla | undefined, after: TicketSla | undefined): Counters {
  const out: Counters = {};
  if (!after) return out;
  const reached = (b: SlaClock | undefined, a: SlaClock | undefined, what: 'met' | 'breached') => {
    if (!a) return false;
    const now = what === 'met' ? a.outcome === 'met' && a.state === 'stopped' : !!a.breachedAt;
    if (!now) return false;
    if (!b || b.cycle !== a.cycle) return true;
    return what === 'met' ? !(b.outcome === 'met' && b.state === 'stopped') : !b.breachedAt;
  };
  for (const k of SLA_METRICS) {
    const b = before?.clocks[k];
    const a = after.clocks[k];
    if (reached(b, a, 'breached')) out[`sla.${k}.breached`] = 1;
    else if (reached(b, a, 'met')) out[`sla.${k}.met`] = 1;
  }
  return out;
}

const pick = (c: Counters, prefix: string): Record<string, number> =>
  Object.fromEntries(
    Object.entries(c)
      .filter(([k, v]) => k.startsWith(prefix) && v !== 0)
      .map(([k, v]) => [k.slice(prefix.length), v]),
  );

const avg = (sum: number | undefined, n: number | undefined) => (n ? Math.round(((sum ?? 0) / n) * 10) / 10 : null);

/** The report from summed counters: now (current) and over the period (days). */
export function serviceReport(current: Counters, period: Counters, range: { from: string; to: string; timeZone: string }) {
  const line = (k: SlaMetric) => {
    const met = period[`sla.${k}.met`] ?? 0;
    const breached = period[`sla.${k}.breached`] ?? 0;
    return { met, breached, compliance: met + breached ? Math.round((met / (met + breached)) * 1000) / 1000 : null };
  };
  const sla = { firstResponse: line('firstResponse'), nextResponse: line('nextResponse'), resolution: line('resolution') };
  const metAll = SLA_METRICS.reduce((s, k) => s + (period[`sla.${k}.met`] ?? 0), 0);
  const breachedAll = SLA_METRICS.reduce((s, k) => s + (period[`sla.${k}.breached`] ?? 0), 0);
  return {
    range,
    current: {
      byStatus: pick(current, 'status:'),
      unsolvedByPriority: pick(current, 'open.priority:'),
      unsolvedByType: pick(current, 'open.type:'),
      unsolvedByAgent: pick(current, 'open.agent:'),
      unsolvedByGroup: pick(current, 'open.group:'),
      unsolvedBreached: current['open.breached'] ?? 0,
    },
    period: {
      created: period.created ?? 0,
      createdByType: pick(period, 'created.type:'),
      createdByPriority: pick(period, 'created.priority:'),
      createdByChannel: pick(period, 'created.channel:'),
      solved: period.solved ?? 0,
      solvedByAgent: pick(period, 'solved.agent:'),
      reopened: period.reopened ?? 0,
      averageFirstResponseMinutes: avg(period['firstResponse.minutes'], period['firstResponse.count']),
      averageResolutionMinutes: avg(period['resolution.minutes'], period['resolution.count']),
      sla: { ...sla, overall: { met: metAll, breached: breachedAll, compliance: metAll + breachedAll ? Math.round((metAll / (metAll + breachedAll)) * 1000) / 1000 : null } },
      csat: csatSummary(pick(period, 'csat:')),
      nps: npsSummary(pick(period, 'nps:')),
    },
  };
}
