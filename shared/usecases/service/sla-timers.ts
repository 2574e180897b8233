import { breachDue, markBreached, markWarned, slaTimers, warningDue, type SlaMetric } from '../../domain/service/sla';
import { countMetric } from '../../runtime/observability';
import type { Timer } from '../../store/timers-repo';
import type { Notification } from '../../store/notifications-repo';
import { setTimer } from '../timers/timers';
import { notification, settingsOf, svcEvent, type Ctx } from './common';
import { mutateTicket } from './tickets';

/**
 * The timed side of tickets. After every ticket event the service-desk consumer sets the timers
 * the ticket needs now (`syncTicketTimers`): an SLA warning and breach per running clock, the
 * automatic close of a solved ticket, its satisfaction survey. Timers are never cancelled: when
 * one fires, its handler checks that what it was set for still holds (the clock still runs with
 * that due time, the ticket is still solved since that instant) and otherwise does nothing.
 */
export const SLA_WARN = 'sla.warn';
export const SLA_BREACH = 'sla.breach';
export const TICKET_AUTOCLOSE = 'ticket.autoclose';
export const SURVEY_SEND = 'survey.send';

export async function syncTicketTimers(ctx: Ctx, ticketId: string): Promise<number> {
  const t = await ctx.deps.tickets.get(ticketId);
  if (!t) return 0;
  const timers: Timer[] = slaTimers(t.sla).map((x) => ({ kind: x.kind === 'warn' ? SLA_WARN : SLA_BREACH, key: `${t.id}:${x.metric}`, dueAt: x.at, payload: { ticketId: t.id, metric: x.metric } }));
  if ((t.status === 'solved' || t.status === 'closed') && t.solvedAt) {
    const s = await settingsOf(ctx);
    const solved = Date.parse(t.solvedAt);
    if (t.status === 'solved') timers.push({ kind: TICKET_AUTOCLOSE, key: t.id, dueAt: new Date(solved + s.autoCloseDays * 86_400_000).toISOString(), payload: { ticketId: t.id, solvedAt: t.solvedAt } });
    // Also once closed: a ticket closed by hand right after the solve still gets its survey (set once: same key and instant).
    if (t.customerId) timers.push({ kind: SURVEY_SEND, key: t.id, dueAt: new Date(solved + s.surveyDelayMinutes * 60_000).toISOString(), payload: { ticketId: t.id, solvedAt: t.solvedAt } });
  }
  for (const timer of timers) await setTimer(ctx.deps, timer);
  return timers.length;
}

const metricName: Record<SlaMetric, string> = { firstResponse: 'first response', nextResponse: 'next response', resolution: 'resolution' };

/** The warning share of a target passed: the assignee (or, unassigned, the group's manager) is told. */
export async function onSlaWarning(ctx: Ctx, timer: Timer): Promise<void> {
  const { ticketId, metric } = timer.payload as { ticketId: string; metric: SlaMetric };
  await mutateTicket(ctx, ticketId, async (before) => {
    const nowMs = ctx.deps.clock.now().getTime();
    if (!warningDue(before.sla, metric, timer.dueAt, nowMs)) return undefined;
    const now = new Date(nowMs).toISOString();
    const clock = before.sla!.clocks[metric]!;
    const to = before.assigneeId ?? (before.groupId ? (await ctx.deps.agents.getGroup(before.groupId))?.managerId : undefined);
    const notes: Notification[] = to ? [notification(to, 'sla-warning', `Ticket #${before.number}: ${metricName[metric]} due ${clock.dueAt}`, now, `sla:${ticketId}:${metric}:${clock.cycle}:warn`, { ticketId })] : [];
    countMetric('SlaWarnings');
    return {
      after: { ...before, sla: markWarned(before.sla!, metric, nowMs) },
      action: `sla-warning:${metric}`,
      events: [svcEvent(ctx, 'SlaWarning', { ticketId, metric, dueAt: clock.dueAt!, policyId: before.sla!.policy.id }, now, ticketId)],
      notifications: notes,
    };
  });
}

/**
 * A target passed: the clock is marked breached (the ticket shows it), SlaBreached is published,
 * and the ticket escalates to its group's manager (or the assignee's manager), who is notified.
 */
export async function onSlaBreach(ctx: Ctx, timer: Timer): Promise<void> {
  const { ticketId, metric } = timer.payload as { ticketId: string; metric: SlaMetric };
  await mutateTicket(ctx, ticketId, async (before) => {
    const nowMs = ctx.deps.clock.now().getTime();
    if (!breachDue(before.sla, metric, timer.dueAt, nowMs)) return undefined;
    const now = new Date(nowMs).toISOString();
    const clock = before.sla!.clocks[metric]!;
    const group = before.groupId ? await ctx.deps.agents.getGroup(before.groupId) : undefined;
    const assignee = before.assigneeId ? await ctx.deps.agents.getAgent(before.assigneeId) : undefined;
    const manager = group?.managerId ?? assignee?.managerId;
    const cause = `sla:${ticketId}:${metric}:${clock.cycle}:breach`;
    const title = `Ticket #${before.number}: ${metricName[metric]} SLA breached (${before.sla!.policy.name})`;
    const notes: Notification[] = [
      ...(manager ? [notification(manager, 'escalation', `Escalated to you — ${title}`, now, cause, { ticketId })] : []),
      ...(before.assigneeId && before.assigneeId !== manager ? [notification(before.assigneeId, 'sla-breach', title, now, cause, { ticketId })] : []),
    ];
    countMetric('SlaBreaches');
    return {
      after: {
        ...before,
        sla: markBreached(before.sla!, metric, nowMs),
        ...(manager ? { escalation: { to: manager, at: now, reason: `${metricName[metric]} SLA breached` } } : {}),
      },
      action: `sla-breach:${metric}`,
      ...(manager ? { reason: `escalated to ${manager}` } : {}),
      events: [svcEvent(ctx, 'SlaBreached', { ticketId, metric, dueAt: clock.dueAt!, policyId: before.sla!.policy.id, ...(manager ? { escalatedTo: manager } : {}) }, now, ticketId)],
      notifications: notes,
    };
  });
}

/** Solved some days ago and not reopened since: closed (read-only from now on). */
export async function onAutoClose(ctx: Ctx, timer: Timer): Promise<void> {
  const { ticketId, solvedAt } = timer.payload as { ticketId: string; solvedAt: string };
  await mutateTicket(ctx, ticketId, (before) => {
    if (before.status !== 'solved' || before.solvedAt !== solvedAt) return undefined;
    return { after: { ...before, status: 'closed' }, action: 'auto-closed' };
  });
}
