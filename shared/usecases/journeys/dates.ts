import { dateFactsOf } from '../../domain/journeys/engine';
import { factsOf, zoneFor } from '../../domain/journeys/facts';
import type { Journey } from '../../domain/journeys/types';
import { nextHoliday, nextOccasion, type DateTrigger } from '../../domain/journeys/waits';
import { JourneysRepo } from '../../store/journeys-repo';
import type { CustomerHeader } from '../../store/membership-repo';
import { repoOf } from '../../store/repo-of';
import type { Timer } from '../../store/timers-repo';
import type { Ctx } from '../customers';
import { setTimer } from '../timers/timers';
import { journeyZone, liveJourneys, loadVersion } from './cache';
import { enrollCustomer } from './enroll';
import { startWalk } from './walks';

/**
 * Date triggers, as care cadences do them but per journey: a `journey.date` timer per customer and
 * occasion (the next birthday at 09:00 their time, N days after their last order, a date attribute
 * +/- days), set when the customer or their orders change and, for everyone, by a walk when the
 * journey is published or resumed. When it fires it checks the journey is still live with a date
 * trigger that gives the same occasion (a changed birthday, a newer order or a republished rule
 * make it stale) and enrolls the customer once per occasion (`date:<occasion>`); a birthday then
 * gets next year's timer. Holidays are one `journey.holiday` timer per journey and year that walks
 * every live customer.
 */
export const JOURNEY_DATE_TIMER = 'journey.date';
export const JOURNEY_HOLIDAY_TIMER = 'journey.holiday';

/** Which date triggers an event can move. */
const MOVES: Record<string, readonly DateTrigger['on'][]> = {
  CustomerCreated: ['birthday', 'attribute'],
  CustomerRestored: ['birthday', 'attribute', 'last-order'],
  OrderPlaced: ['last-order'],
};

function moved(type: string, data: Record<string, unknown>): readonly DateTrigger['on'][] {
  if (type === 'CustomerUpdated') {
    const changed = (data.changed as string[] | undefined) ?? [];
    return [...(changed.includes('birthday') ? (['birthday'] as const) : []), ...(changed.includes('attributes') ? (['attribute'] as const) : [])];
  }
  return MOVES[type] ?? [];
}

async function liveDateTrigger(ctx: Ctx, journey: Journey | undefined): Promise<{ trigger: DateTrigger; timeZone: string } | undefined> {
  if (!journey || journey.status !== 'active' || journey.liveVersion === undefined || journey.liveTriggerType !== 'date') return undefined;
  const loaded = await loadVersion(ctx.deps, journey.id, journey.liveVersion);
  const t = loaded?.version.definition.trigger;
  return t?.type === 'date' ? { trigger: t, timeZone: await journeyZone(ctx.deps, loaded!.version.definition) } : undefined;
}

/** Sets the customer's next occasion of one journey's date trigger; returns whether one was set. */
export async function planOne(ctx: Ctx, journey: Journey, header: CustomerHeader): Promise<boolean> {
  const live = await liveDateTrigger(ctx, journey);
  const facts = factsOf(header);
  if (!live || live.trigger.on === 'holiday' || !facts) return false;
  const now = ctx.deps.clock.now().getTime();
  const o = nextOccasion(live.trigger, dateFactsOf(facts), now, zoneFor(header.profile, live.timeZone));
  if (!o) return false;
  const customerId = header.profile!.id;
  await setTimer(ctx.deps, { kind: JOURNEY_DATE_TIMER, key: `${journey.id}:${customerId}:${o.anchor}`, dueAt: new Date(Math.max(o.at, now)).toISOString(), payload: { journeyId: journey.id, customerId, anchor: o.anchor } });
  return true;
}

/** After a customer or order event: the timers of the live date journeys it moves. */
export async function planDates(ctx: Ctx, type: string, data: Record<string, unknown>): Promise<number> {
  const kinds = moved(type, data);
  if (kinds.length === 0) return 0;
  const refs = await liveJourneys(ctx.deps, 'date');
  if (refs.length === 0) return 0;
  const header = await ctx.deps.membership.header(data.customerId as string);
  let planned = 0;
  for (const ref of refs) {
    const journey = await repoOf(ctx.deps, JourneysRepo).get(ref.journeyId);
    const live = await liveDateTrigger(ctx, journey);
    if (live && kinds.includes(live.trigger.on) && (await planOne(ctx, journey!, header))) planned++;
  }
  return planned;
}

export async function onDateTimer(ctx: Ctx, timer: Timer): Promise<void> {
  const { journeyId, customerId, anchor } = timer.payload as { journeyId: string; customerId: string; anchor: string };
  const journey = await repoOf(ctx.deps, JourneysRepo).get(journeyId);
  const live = await liveDateTrigger(ctx, journey);
  if (!live) return;
  const header = await ctx.deps.membership.header(customerId);
  const facts = factsOf(header);
  if (!facts) return;
  const due = Date.parse(timer.dueAt);
  const o = nextOccasion(live.trigger, dateFactsOf(facts), due, zoneFor(header.profile, live.timeZone));
  // Stale: the date changed, a newer order moved the occasion, or the rule now fires later.
  if (!o || o.anchor !== anchor || o.at > due + 60_000) return;
  await enrollCustomer(ctx, journeyId, customerId, { kind: 'date', eventId: `date:${anchor}`, eventType: `date:${live.trigger.on}`, at: timer.dueAt }, { facts });
  if (live.trigger.on === 'birthday') {
    const nextYear = nextOccasion(live.trigger, dateFactsOf(facts), due + 2 * 86_400_000, zoneFor(header.profile, live.timeZone));
    if (nextYear) await setTimer(ctx.deps, { kind: JOURNEY_DATE_TIMER, key: `${journeyId}:${customerId}:${nextYear.anchor}`, dueAt: new Date(nextYear.at).toISOString(), payload: { journeyId, customerId, anchor: nextYear.anchor } });
  }
}

/** Sets a holiday journey's next occasion (one timer per journey and occasion). */
export async function planHoliday(ctx: Ctx, journeyId: string, fromMs?: number): Promise<boolean> {
  const live = await liveDateTrigger(ctx, await repoOf(ctx.deps, JourneysRepo).get(journeyId));
  if (!live || live.trigger.on !== 'holiday') return false;
  const o = nextHoliday(live.trigger, fromMs ?? ctx.deps.clock.now().getTime(), live.timeZone);
  if (!o) return false;
  await setTimer(ctx.deps, { kind: JOURNEY_HOLIDAY_TIMER, key: `${journeyId}:${o.anchor}`, dueAt: new Date(o.at).toISOString(), payload: { journeyId, anchor: o.anchor } });
  return true;
}

export async function onHolidayTimer(ctx: Ctx, timer: Timer): Promise<void> {
  const { journeyId, anchor } = timer.payload as { journeyId: string; anchor: string };
  const live = await liveDateTrigger(ctx, await repoOf(ctx.deps, JourneysRepo).get(journeyId));
  if (!live || live.trigger.on !== 'holiday') return;
  const o = nextHoliday(live.trigger, Date.parse(timer.dueAt) - 60_000, live.timeZone);
  if (!o || o.anchor !== anchor) return;
  await startWalk(ctx, { journeyId, purpose: 'holiday', occasion: anchor, at: timer.dueAt });
}
