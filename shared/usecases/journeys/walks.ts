import { JOURNEY_ENROLLMENT_SHARDS } from '../../store/keys';
import { EnrollmentsRepo } from '../../store/enrollments-repo';
import { JourneysRepo } from '../../store/journeys-repo';
import { repoOf } from '../../store/repo-of';
import type { Timer } from '../../store/timers-repo';
import type { Ctx } from '../customers';
import { setTimer } from '../timers/timers';
import { planHoliday, planOne } from './dates';
import { enrollCustomer } from './enroll';
import { exitEnrollment, runEnrollment } from './run';

/**
 * Background walks of a journey, one page per `journey.walk` timer, each page queuing the next
 * (the care-cadence holiday pattern: no scan, resumable, every page idempotent):
 * - `resume`: the journey's enrollments held while it was paused go on;
 * - `archive`: its active enrollments exit (`journey-archived`);
 * - `plan-dates`: every live customer gets the timer of their next date occasion;
 * - `holiday`: every live customer enters, once per occasion.
 * A walk stops when the journey is no longer in the state it was started for.
 */
export const JOURNEY_WALK_TIMER = 'journey.walk';
export type WalkPurpose = 'resume' | 'archive' | 'plan-dates' | 'holiday';

interface WalkState {
  journeyId: string;
  purpose: WalkPurpose;
  walkId: string;
  page: number;
  shard?: number;
  after?: string;
  occasion?: string;
  at?: string;
}

const PAGE: Record<WalkPurpose, number> = { resume: 25, archive: 50, 'plan-dates': 100, holiday: 25 };

async function queue(ctx: Ctx, w: WalkState): Promise<void> {
  await setTimer(ctx.deps, { kind: JOURNEY_WALK_TIMER, key: `${w.journeyId}:${w.purpose}:${w.walkId}:${w.page}`, dueAt: ctx.deps.clock.now().toISOString(), payload: { ...w } });
}

/** Starts a walk (`holiday-plan` only sets the next holiday timer). */
export async function startWalk(ctx: Ctx, w: { journeyId: string; purpose: WalkPurpose | 'holiday-plan'; occasion?: string; at?: string }): Promise<void> {
  if (w.purpose === 'holiday-plan') return void (await planHoliday(ctx, w.journeyId));
  await queue(ctx, { journeyId: w.journeyId, purpose: w.purpose, walkId: ctx.deps.ids.next(), page: 0, ...(w.occasion ? { occasion: w.occasion } : {}), ...(w.at ? { at: w.at } : {}), ...(w.purpose === 'resume' || w.purpose === 'archive' ? { shard: 0 } : {}) });
}

export async function onWalk(ctx: Ctx, timer: Timer): Promise<void> {
  const w = timer.payload as unknown as WalkState;
  const journey = await repoOf(ctx.deps, JourneysRepo).get(w.journeyId);
  if (!journey) return;
  const wanted = w.purpose === 'archive' ? 'archived' : 'active';
  if (journey.status !== wanted) return;
  if (w.purpose === 'resume' || w.purpose === 'archive') {
    const shard = w.shard ?? 0;
    const page = await repoOf(ctx.deps, EnrollmentsRepo).shardPage(w.journeyId, shard, PAGE[w.purpose], w.after);
    for (const e of page.items) {
      if (e.status !== 'active') continue;
      if (w.purpose === 'archive') await exitEnrollment(ctx, e.id, 'journey-archived');
      else if (e.position.held) await runEnrollment(ctx, e.id);
    }
    if (page.last) await queue(ctx, { ...w, page: w.page + 1, shard, after: page.last });
    else if (shard + 1 < JOURNEY_ENROLLMENT_SHARDS) {
      const { after: _a, ...rest } = w;
      await queue(ctx, { ...rest, page: w.page + 1, shard: shard + 1 });
    }
    return;
  }
  const customers = await ctx.deps.customers.list(PAGE[w.purpose], w.after);
  for (const c of customers.items) {
    if (w.purpose === 'plan-dates') await planOne(ctx, journey, await ctx.deps.membership.header(c.id));
    else await enrollCustomer(ctx, w.journeyId, c.id, { kind: 'date', eventId: `date:${w.occasion}`, eventType: 'date:holiday', at: w.at ?? timer.dueAt });
  }
  if (customers.cursor) await queue(ctx, { ...w, page: w.page + 1, after: customers.cursor });
  else if (w.purpose === 'holiday') await planHoliday(ctx, w.journeyId, Date.parse(w.at ?? timer.dueAt) + 2 * 86_400_000);
}
