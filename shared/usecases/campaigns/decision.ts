import { decideWinner, type VariantOutcome } from '../../domain/campaigns/ab-decision';
import { isTestWave } from '../../domain/campaigns/assignment';
import type { Campaign } from '../../domain/campaigns/campaign';
import { ConflictError } from '../../domain/errors';
import { countMetric } from '../../runtime/observability';
import type { Timer } from '../../store/timers-repo';
import type { Ctx } from '../customers';
import { setTimer } from '../timers/timers';
import { campaigns } from './campaigns';
import { sumBy } from './counters';
import { DECISION_TIMER_KIND } from './fanout';
import { campaignEvent, maybeComplete } from './lifecycle';
import { campaignMessaging } from './messaging-port';
import { releaseRemainder } from './waves';

/**
 * The A/B decision, when the test window closes (a timer at the last test wave's send instant plus
 * the window): each variant's test recipients measured by the chosen metric — opens and clicks
 * from the send pipeline's counters (unique per message), conversions and revenue from the
 * campaign's own (within its attribution window) — and the winner picked by the significance test
 * (shared/domain/campaigns/ab-decision.ts). The decision, the remainder's release and the events
 * go in one transaction. A test wave still sending when the window closes postpones the decision
 * by a minute; a paused campaign decides when resumed.
 */
const RETRY_MS = 60_000;

/** Each variant's test outcome now. */
export async function variantOutcomes(ctx: Ctx, c: Campaign): Promise<VariantOutcome[]> {
  const [stats, counters] = await Promise.all([campaignMessaging(ctx.deps).sourceStats(ctx.deps, 'campaign', c.id), campaigns(ctx.deps).counters(c.id)]);
  const currency = c.cost.currency;
  const converted = sumBy(counters, 'cv', (p) => p[0]);
  const revenue = sumBy(counters, 'rev', (p) => (p[2] === currency ? p[0] : undefined));
  const squares = sumBy(counters, 'rsq', (p) => (p[2] === currency ? p[0] : undefined));
  return c.variants.map((v) => {
    const s = stats.byVariant[v.id];
    return { variant: v.id, sent: s?.sent ?? 0, opened: s?.opened ?? 0, clicked: s?.clicked ?? 0, converted: converted[v.id] ?? 0, revenue: { sum: revenue[v.id] ?? 0, sumSq: squares[v.id] ?? 0 } };
  });
}

/** Decides now (if the test is over and nothing decided yet); returns whether it decided. */
export async function decideNow(ctx: Ctx, campaignId: string): Promise<boolean> {
  const repo = campaigns(ctx.deps);
  for (let attempt = 0; attempt < 5; attempt++) {
    const [c, run] = await Promise.all([repo.get(campaignId), repo.getRun(campaignId)]);
    if (!c?.abTest || c.decision || !run?.fanoutDoneAt || (c.status !== 'running' && c.status !== 'paused')) return false;
    const nowMs = ctx.deps.clock.now().getTime();
    if (Object.entries(run.waves).some(([k, w]) => isTestWave(k) && w.status !== 'sent')) {
      await setTimer(ctx.deps, { kind: DECISION_TIMER_KIND, key: campaignId, dueAt: new Date(nowMs + RETRY_MS).toISOString() });
      return false;
    }
    if (c.status === 'paused') return false; // resume decides
    const decision = decideWinner(c.abTest, await variantOutcomes(ctx, c), new Date(nowMs).toISOString());
    const after: Campaign = { ...c, decision, version: c.version + 1, updatedAt: decision.decidedAt };
    const release = run.waves.main?.status === 'held' ? releaseRemainder(ctx, campaignId, true, nowMs) : undefined;
    try {
      await repo.put(c, after, release ? [release.item] : [], [campaignEvent(ctx, 'CampaignWinnerChosen', { campaignId, winner: decision.winner, metric: decision.metric, significant: decision.significant }, campaignId, nowMs), ...(release?.events ?? [])]);
    } catch (e) {
      if (e instanceof ConflictError) continue; // paused or edited by the system meanwhile: read again
      throw e;
    }
    countMetric('CampaignWinnersChosen');
    if (!release) await maybeComplete(ctx, campaignId);
    return true;
  }
  return false;
}

export async function onDecisionTimer(ctx: Ctx, t: Timer): Promise<void> {
  await decideNow(ctx, t.key);
}
