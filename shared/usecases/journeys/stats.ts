import { JourneysRepo } from '../../store/journeys-repo';
import { repoOf } from '../../store/repo-of';
import type { Ctx } from '../customers';
import { sourceStats } from '../messaging/stats';
import type { SourceStats } from '../messaging/types';
import { requireJourney } from './journeys';

/**
 * A journey's figures, from counters kept in the transactions of the enrollments' changes (exact
 * under retries) and the message stats of the send pipeline (source kind `journey`): two Queries.
 */
export interface JourneyStats {
  journeyId: string;
  enrolled: number;
  active: number;
  completed: number;
  exited: { total: number; byReason: Record<string, number> };
  goalReached: number;
  /** Per step: how many enrollments reached it, and what it did (yes/no, branch:A, sent, skipped:no-consent, ...). */
  steps: Record<string, { reached: number; outcomes: Record<string, number> }>;
  messages: SourceStats;
}

export async function journeyStats(ctx: Ctx, id: string): Promise<JourneyStats> {
  await requireJourney(ctx, id);
  const [c, messages] = await Promise.all([repoOf(ctx.deps, JourneysRepo).stats(id), sourceStats(ctx.deps, 'journey', id)]);
  const byReason: Record<string, number> = {};
  const steps: JourneyStats['steps'] = {};
  const step = (sid: string) => (steps[sid] ??= { reached: 0, outcomes: {} });
  for (const [name, n] of Object.entries(c)) {
    if (name.startsWith('exited:')) byReason[name.slice(7)] = n;
    else if (name.startsWith('reached:')) step(name.slice(8)).reached = n;
    else if (name.startsWith('outcome:')) {
      const rest = name.slice(8);
      const cut = rest.indexOf(':');
      step(rest.slice(0, cut)).outcomes[rest.slice(cut + 1)] = n;
    }
  }
  const enrolled = c.entered ?? 0;
  const completed = c.completed ?? 0;
  const exited = Object.values(byReason).reduce((a, b) => a + b, 0);
  return { journeyId: id, enrolled, active: enrolled - completed - exited, completed, exited: { total: exited, byReason }, goalReached: c.goal ?? 0, steps, messages };
}
