import type { AbDecision, AbDecisionVariant, AbTest } from './campaign';
import { meanOf, twoProportionZTest, welchTTest, type Moments } from './significance';

/**
 * Picking the winner of an A/B test when its window closes. Each variant's test recipients are
 * measured by the test's metric over the messages sent to them: the open, click or conversion
 * rate (unique opens, clicks, converted messages per message sent) or the revenue per recipient
 * (attributed revenue in the cost currency; recipients who bought nothing count as 0).
 *
 * The variant with the best point estimate is the candidate; it is compared with every other
 * variant (two-proportion z-test for the rates, Welch's t-test for revenue) at the level
 * α = (1 − confidence) / (k − 1) — Bonferroni over the k − 1 comparisons — and it wins as
 * significant only when every comparison is. Otherwise the configured fallback decides: the best
 * point estimate, or the default variant. Ties of the point estimate go to the earlier variant.
 */
export interface VariantOutcome {
  variant: string;
  /** Messages sent to the variant's test recipients. */
  sent: number;
  opened: number;
  clicked: number;
  converted: number;
  /** Per-recipient revenue moments in minor units (n = sent). */
  revenue: Pick<Moments, 'sum' | 'sumSq'>;
}

function successes(metric: AbTest['metric'], o: VariantOutcome): number {
  return metric === 'open-rate' ? o.opened : metric === 'click-rate' ? o.clicked : o.converted;
}

const moments = (o: VariantOutcome): Moments => ({ n: o.sent, sum: o.revenue.sum, sumSq: o.revenue.sumSq });

export function metricValue(metric: AbTest['metric'], o: VariantOutcome): number {
  if (o.sent <= 0) return 0;
  return metric === 'revenue-per-recipient' ? meanOf(moments(o)) : successes(metric, o) / o.sent;
}

export function decideWinner(test: Pick<AbTest, 'metric' | 'confidence' | 'fallback' | 'defaultVariant'>, outcomes: readonly VariantOutcome[], decidedAt: string): AbDecision {
  if (outcomes.length < 2) throw new Error('an A/B decision needs two or more variants');
  const { metric } = test;
  const values = outcomes.map((o) => metricValue(metric, o));
  let best = 0;
  for (let i = 1; i < outcomes.length; i++) if (values[i]! > values[best]!) best = i;
  const alpha = Math.round(((1 - test.confidence) / (outcomes.length - 1)) * 1e12) / 1e12;
  const revenue = metric === 'revenue-per-recipient';
  const leader = outcomes[best]!;
  let significant = true;
  const variants: AbDecisionVariant[] = outcomes.map((o, i) => {
    const row: AbDecisionVariant = { variant: o.variant, sent: o.sent, value: values[i]!, ...(revenue ? {} : { successes: successes(metric, o) }) };
    if (i === best) return row;
    const r = revenue ? welchTTest(moments(leader), moments(o)) : twoProportionZTest(successes(metric, leader), leader.sent, successes(metric, o), o.sent);
    // A leader tied with another variant is never significantly better than it.
    if (!(r.pValue < alpha) || values[i]! >= values[best]!) significant = false;
    return { ...row, pValue: r.pValue, statistic: r.statistic };
  });
  const fallbackWinner = test.fallback === 'default-variant' && test.defaultVariant ? test.defaultVariant : leader.variant;
  return {
    winner: significant ? leader.variant : fallbackWinner,
    metric,
    confidence: test.confidence,
    significant,
    basis: significant ? 'significant' : test.fallback === 'default-variant' && test.defaultVariant ? 'default-variant' : 'best-estimate',
    test: revenue ? 'welch-t' : 'two-proportion-z',
    alpha,
    variants,
    decidedAt,
  };
}
