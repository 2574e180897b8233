import { localDate } from '../../domain/service/business-hours';
import type { ServiceSettings } from '../../domain/service/settings';
import type { EventData, EventType } from '../../events/catalog';
import { makeEvent } from '../../events/envelope';
import { stableId } from '../../runtime/ports';
import type { Notification, NotificationKind } from '../../store/notifications-repo';
import type { TicketViewer } from '../../domain/service/visibility';
import type { Ctx as BaseCtx } from '../customers';

/** Small pieces every service-desk use case shares. */

/**
 * A service-desk use case's context. `viewer` is the HTTP caller's ticket visibility (issue 7;
 * `ticketCtxOf` in ./visibility sets it on every ticket route): ticket reads and changes answer 404
 * for a ticket it does not see. Without one — consumers, timers, webhooks — the system acts and
 * sees every ticket.
 */
export interface Ctx extends BaseCtx {
  viewer?: TicketViewer;
}

/** An event about a ticket, task or survey (its id is the subject). */
export function svcEvent<T extends EventType>(ctx: Ctx, type: T, data: EventData<T>, at: string, subject: string) {
  return makeEvent(type, data, { id: ctx.deps.ids.next(), occurredAt: at, correlationId: ctx.correlationId, subject });
}

export const settingsOf = (ctx: Ctx): Promise<ServiceSettings> => ctx.deps.sla.settings();

/** The local day (reports' time zone) an instant counts on. */
export const reportDay = (atMs: number, s: ServiceSettings) => localDate(atMs, s.reportTimeZone);

/**
 * A notification whose id is derived from its cause, so writing it again (a retried handler)
 * overwrites the same item instead of adding one.
 */
export function notification(agentId: string, kind: NotificationKind, title: string, at: string, cause: string, refs: { ticketId?: string; taskId?: string } = {}): Notification {
  return {
    id: stableId(Date.parse(at), `${kind}:${agentId}:${cause}`),
    agentId,
    kind,
    title,
    ...(refs.ticketId ? { ticketId: refs.ticketId } : {}),
    ...(refs.taskId ? { taskId: refs.taskId } : {}),
    read: false,
    createdAt: at,
  };
}

export const unique = <T>(xs: readonly T[]) => [...new Set(xs)];

/** Truncates free text for titles and summaries. */
export const clip = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
