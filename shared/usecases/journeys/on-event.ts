import type { CustomerFacts } from '../../domain/conditions';
import { matches, passesAll } from '../../domain/journeys/events';
import { derivedFields, factsOf } from '../../domain/journeys/facts';
import { reachGoal } from '../../domain/journeys/transitions';
import type { Enrollment, JourneyDefinition } from '../../domain/journeys/types';
import type { EventEnvelope } from '../../events/envelope';
import { EnrollmentsRepo } from '../../store/enrollments-repo';
import { repoOf } from '../../store/repo-of';
import type { Ctx } from '../customers';
import { liveJourneys, loadVersion } from './cache';
import { planDates } from './dates';
import { enrollCustomer, type EntryOutcome } from './enroll';
import { depthOf } from './effects';
import { CUSTOMER_GONE_EVENTS, JOURNEY_EVENT_FIELDS } from './event-fields';
import { commitTransition } from './persist';
import { exitEnrollment } from './run';

/**
 * What one event about a customer does to journeys (the journey-events consumer), in this order:
 * 1. the customer's enrollments: a goal reached (within its window; may exit), an exit event
 *    (`event:<type>`) — never the enrollment's own trigger event;
 * 2. the live journeys triggered by it (the trigger index: one Query, cached for a second): the
 *    trigger's filters and condition, then enrollment (idempotent per event) and its first steps;
 * 3. date triggers it moves (a birthday changed, a new last order): their timers.
 * A deleted or merged-away customer's enrollments exit (`customer-gone`). Every part is idempotent,
 * so a redelivered event changes nothing more.
 */
const DAY = 86_400_000;
/** Journeys started by events that journey steps caused, at most this deep (A tags, B starts on the tag, ...). */
export const MAX_CHAIN_DEPTH = 3;
const GOAL_WINDOW_DAYS = 7;
const MAX_GOAL_WINDOW_DAYS = 365;

export interface EventOutcome {
  exited: number;
  goals: number;
  entries: Record<string, EntryOutcome>;
  datesPlanned: number;
}

export async function onJourneyEvent(ctx: Ctx, evt: EventEnvelope): Promise<EventOutcome> {
  const out: EventOutcome = { exited: 0, goals: 0, entries: {}, datesPlanned: 0 };
  const data = evt.data as Record<string, unknown>;
  if ((CUSTOMER_GONE_EVENTS as readonly string[]).includes(evt.type)) {
    const gone = (evt.type === 'CustomerMerged' ? data.sourceId : data.customerId) as string;
    for (const e of await repoOf(ctx.deps, EnrollmentsRepo).live(gone, ctx.deps.clock.now().toISOString())) if (e.status === 'active' && (await exitEnrollment(ctx, e.id, 'customer-gone', { eventId: evt.id }))) out.exited++;
    return out;
  }
  const customerId = data.customerId;
  if (typeof customerId !== 'string' || !customerId || !JOURNEY_EVENT_FIELDS[evt.type]) return out;
  let facts: CustomerFacts | undefined | null = null;
  const loadFacts = async () => (facts === null ? (facts = factsOf(await ctx.deps.membership.header(customerId))) : facts);
  let full: Record<string, unknown> | undefined;
  const fullData = async () => (full ??= { ...data, ...derivedFields(evt.type, data, await loadFacts()) });

  await onEnrollments(ctx, evt, customerId, fullData, out);

  const depth = depthOf(evt.correlationId);
  for (const ref of await liveJourneys(ctx.deps, evt.type === 'SegmentEntered' ? 'SegmentEntered' : evt.type)) {
    if (depth > MAX_CHAIN_DEPTH) {
      out.entries[ref.journeyId] = 'chain-too-deep';
      continue;
    }
    const d = await fullData();
    const accepts = (def: JourneyDefinition) => {
      const t = def.trigger;
      if (t.type === 'segment') return evt.type === 'SegmentEntered' && t.segmentId === data.segmentId;
      return t.type === 'event' && t.event === evt.type && passesAll(t.filters, d);
    };
    const f = await loadFacts();
    const r = await enrollCustomer(ctx, ref.journeyId, customerId, { kind: evt.type === 'SegmentEntered' ? 'segment' : 'event', eventId: evt.id, eventType: evt.type, at: evt.occurredAt, data, ...(depth ? { depth } : {}) }, { accepts, ...(f ? { facts: f } : {}) });
    out.entries[ref.journeyId] = r.outcome;
  }
  out.datesPlanned = await planDates(ctx, evt.type, data);
  return out;
}

async function onEnrollments(ctx: Ctx, evt: EventEnvelope, customerId: string, fullData: () => Promise<Record<string, unknown>>, out: EventOutcome): Promise<void> {
  const enrollments = repoOf(ctx.deps, EnrollmentsRepo);
  const since = new Date(Date.parse(evt.occurredAt) - MAX_GOAL_WINDOW_DAYS * DAY).toISOString();
  for (const listed of await enrollments.live(customerId, since)) {
    if (listed.trigger.eventId === evt.id) continue; // the event that started it
    const loaded = await loadVersion(ctx.deps, listed.journeyId, listed.version);
    if (!loaded) continue;
    const def = loaded.version.definition;
    const goal = def.goal;
    const inWindow = (e: Enrollment) => Date.parse(evt.occurredAt) <= Date.parse(e.enteredAt) + (goal?.withinDays ?? GOAL_WINDOW_DAYS) * DAY;
    if (goal && goal.event === evt.type && !listed.goalReachedAt && listed.status !== 'exited' && inWindow(listed) && matches(goal, { type: evt.type, data: await fullData() })) {
      if (await markGoal(ctx, listed.id, goal.exit ?? true, def, evt.type)) out.goals++;
    }
    const exitOn = (def.exit?.events ?? []).find((m) => m.event === evt.type);
    if (exitOn && listed.status === 'active' && matches(exitOn, { type: evt.type, data: await fullData() })) {
      if (await exitEnrollment(ctx, listed.id, `event:${evt.type}`, { eventId: evt.id })) out.exited++;
    }
  }
}

/** Records the goal once (conditional on the revision read; a lost race reads again). */
async function markGoal(ctx: Ctx, id: string, exit: boolean, def: JourneyDefinition, eventType: string): Promise<boolean> {
  const enrollments = repoOf(ctx.deps, EnrollmentsRepo);
  for (let attempt = 0; attempt < 20; attempt++) {
    const e = await enrollments.get(id);
    if (!e || e.goalReachedAt || e.status === 'exited') return false;
    const t = reachGoal(e, ctx.deps.clock.now().toISOString(), exit, def.steps, eventType);
    if (await commitTransition(ctx, e, t)) return true;
  }
  throw new Error(`enrollment ${id}: too many concurrent changes; retry`);
}
