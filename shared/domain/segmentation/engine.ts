import type { Customer } from '../customer';
import { compileCondition, compileTimer, segmentRefs, type CustomerFacts, type Evaluator, type Timer } from '../conditions';
import { churnWarning } from '../models/churn-warning';
import { customerLifetimeValue } from '../models/clv';
import { churnRisk, expectedNextOrderAt, expectedPurchases, probabilityAlive } from '../models/bg-nbd';
import { lifecycleStage, nextLifecycleChangeAt, type LifecycleStage } from '../models/lifecycle';
import { purchaseHistory, purchaseHistoryFromAggregates, type PurchaseHistory } from '../models/purchase-history';
import { RFM_SEGMENT_NAMES, rfmInputFromAggregates, scoreWithCuts } from '../models/rfm';
import { evaluateTier, tierChange } from '../models/tiers';
import type { Aggregates } from '../orders';
import type { CustomerState, SegmentDef, TagDef, ValueConfig } from './definitions';

/**
 * The segmentation engine, pure: from one customer's profile, aggregates and last state, and the
 * brand's definitions, what they are now — lifecycle stage, tier, RFM, predictions, churn warning,
 * rule tags, segment memberships — what changed, and the next instant something would change with
 * time alone (the timer). Definitions are compiled once (`compileEngine`) and reused.
 */
export interface CompiledEngine {
  config: ValueConfig;
  /** Rule tags, in name order. */
  tags: { name: string; test: Evaluator; timer: Timer }[];
  /** Segments, every segment after the segments its condition names. */
  segments: { id: string; test: Evaluator; timer: Timer }[];
}

export function compileEngine(segments: readonly SegmentDef[], tags: readonly TagDef[], config: ValueConfig): CompiledEngine {
  const ctx = { baseCurrency: config.baseCurrency };
  const byId = new Map(segments.map((s) => [s.id, s]));
  const ordered: SegmentDef[] = [];
  const seen = new Set<string>();
  const visit = (s: SegmentDef, path: Set<string>) => {
    if (seen.has(s.id) || path.has(s.id)) return; // cycles are refused when a segment is saved
    path.add(s.id);
    for (const ref of segmentRefs(s.condition)) {
      const dep = byId.get(ref);
      if (dep) visit(dep, path);
    }
    path.delete(s.id);
    seen.add(s.id);
    ordered.push(s);
  };
  for (const s of [...segments].sort((a, b) => (a.id < b.id ? -1 : 1))) visit(s, new Set());
  return {
    config,
    tags: tags
      .filter((t) => t.condition)
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((t) => ({ name: t.name, test: compileCondition(t.condition, ctx), timer: compileTimer(t.condition, ctx) })),
    segments: ordered.map((s) => ({ id: s.id, test: compileCondition(s.condition, ctx), timer: compileTimer(s.condition, ctx) })),
  };
}

export interface EngineInput {
  profile: Customer;
  aggregates: Aggregates;
  state: CustomerState | undefined;
  /** Segments the customer is in now (their refs). */
  memberships: readonly string[];
  now: Date;
}

export interface EngineResult {
  state: CustomerState;
  /** The profile's tags after the rule tags (unchanged when equal to the profile's). */
  tags: string[];
  tagsAdded: string[];
  tagsRemoved: string[];
  entered: string[];
  exited: string[];
  tierChange?: { from?: string; to?: string; direction: 'upgrade' | 'downgrade' };
  lifecycleChange?: { from?: string; to: string };
  /** A churn warning raised now (it was not raised before). */
  churnWarningRaised?: { churnRisk: number; valueMinor: number };
}

const DAY = 86_400_000;

/** x, t_x, T (days) and zbar (minor units of `currency`) from the aggregates, exactly while the first order is in the window. */
export function historyOf(agg: Aggregates, now: string, currency: string): PurchaseHistory | undefined {
  const spend = agg.daySpend?.[currency];
  const first = agg.firstOrderAt?.slice(0, 10);
  if (spend && first && (agg.days[first] ?? 0) > 0) {
    const purchases = Object.entries(agg.days)
      .filter(([, n]) => n > 0)
      .map(([day]) => ({ at: day, valueMinor: spend[day] ?? 0 }));
    return purchaseHistory(purchases, now);
  }
  return purchaseHistoryFromAggregates(agg, now, { currency });
}

function predictionsOf(config: ValueConfig, agg: Aggregates, now: string): CustomerState['predictions'] {
  const model = config.model;
  if (!model) return undefined;
  const h = historyOf(agg, now, config.baseCurrency);
  if (!h) return undefined;
  const row = { x: h.x, t_x: h.t_x, T: h.T };
  const pAlive = probabilityAlive(model.bgnbd, row);
  let clvMinor = 0;
  if (model.gammaGamma) {
    const clv = customerLifetimeValue(model.bgnbd, model.gammaGamma, { ...row, zbar: h.zbar ?? 0 }, { horizon: 365 });
    clvMinor = Math.round(clv.discounted);
  }
  const next = expectedNextOrderAt(model.bgnbd, row, now);
  return {
    pAlive,
    churnRisk: churnRisk(model.bgnbd, row),
    expectedOrders90: expectedPurchases(model.bgnbd, row, 90),
    expectedOrders365: expectedPurchases(model.bgnbd, row, 365),
    clvMinor,
    ...(next ? { nextOrderAt: next } : {}),
  };
}

export function evaluate(engine: CompiledEngine, input: EngineInput): EngineResult {
  const { config } = engine;
  const { profile, aggregates: agg, now } = input;
  const nowIso = now.toISOString();
  const prev = input.state;

  // Lifecycle, with the reactivation it remembers.
  const prevStage = prev?.lifecycle as LifecycleStage | undefined;
  const lifeFacts = { ...(agg.firstOrderAt ? { firstOrderAt: agg.firstOrderAt } : {}), ...(agg.lastOrderAt ? { lastOrderAt: agg.lastOrderAt } : {}), ...(prev?.reactivatedAt ? { reactivatedAt: prev.reactivatedAt } : {}) };
  const lifecycle = lifecycleStage(prevStage, lifeFacts, nowIso, config.lifecycle);
  const reactivatedAt = lifecycle === 'reactivated' ? (prevStage === 'reactivated' ? prev?.reactivatedAt : agg.lastOrderAt) : undefined;

  // Tier.
  const tier = config.tiers
    ? evaluateTier(config.tiers, { ordersByDay: agg.days, spendByDayMinor: agg.daySpend?.[config.tiers.currency] ?? {}, orderCount: agg.orderCount, spentMinor: agg.spentMinor[config.tiers.currency] ?? 0 }, nowIso)
    : undefined;

  // RFM with the last scheduled cuts.
  const rfmInput = config.rfm ? rfmInputFromAggregates(agg, config.baseCurrency, nowIso) : undefined;
  const score = rfmInput && config.rfm ? scoreWithCuts(rfmInput, config.rfm.cuts) : undefined;
  const rfm = score ? { r: score.r, f: score.f, m: score.m, code: score.code, group: RFM_SEGMENT_NAMES[score.segment] } : undefined;

  // Predictions and the churn warning.
  const predictions = predictionsOf(config, agg, nowIso);
  let warn = false;
  if (predictions && config.churnWarning && (config.churnWarning.minPredictedValue !== undefined || config.churnWarning.minSpentMinor !== undefined)) {
    const valueIfAlive = predictions.pAlive > 0 ? predictions.clvMinor / predictions.pAlive : 0;
    warn = churnWarning({ churnRisk: predictions.churnRisk, predictedValue: valueIfAlive, spentMinor: agg.spentMinor[config.baseCurrency] ?? 0 }, config.churnWarning).warn;
  }

  // Rule tags (and the churn warning's tag), then segments in dependency order.
  const facts: CustomerFacts = {
    profile: { ...profile, tags: [...profile.tags] },
    aggregates: agg,
    activity: agg.activity ?? {},
    ...(tier ? { tier } : {}),
    lifecycle,
    ...(rfm ? { rfm } : {}),
    ...(predictions ? { predictions } : {}),
    segments: [],
  };
  const tags = new Set(profile.tags);
  for (const t of engine.tags) {
    if (t.test(facts, now)) tags.add(t.name);
    else tags.delete(t.name);
  }
  const warnTag = config.churnWarning?.tag;
  if (warnTag) {
    if (warn) tags.add(warnTag);
    else tags.delete(warnTag);
  }
  const tagList = [...tags];
  facts.profile = { ...facts.profile, tags: tagList };
  const members: string[] = [];
  facts.segments = members;
  for (const s of engine.segments) if (s.test(facts, now)) members.push(s.id);

  // The next instant time alone would change something.
  let timer: number | undefined;
  const consider = (d: Date | string | undefined) => {
    const ms = d === undefined ? undefined : typeof d === 'string' ? Date.parse(d) : d.getTime();
    if (ms !== undefined && ms > now.getTime() && (timer === undefined || ms < timer)) timer = ms;
  };
  for (const t of engine.tags) consider(t.timer(facts, now));
  for (const s of engine.segments) consider(s.timer(facts, now));
  consider(nextLifecycleChangeAt(lifecycle, { ...lifeFacts, ...(reactivatedAt ? { reactivatedAt } : {}) }, nowIso, config.lifecycle));
  // A windowed tier can change when a counted day leaves the window: re-evaluate at the next UTC midnight.
  if (config.tiers?.windowDays !== undefined && agg.orderCount > 0) consider(new Date(Math.floor(now.getTime() / DAY) * DAY + DAY));

  const before = new Set(input.memberships);
  const after = new Set(members);
  const state: CustomerState = {
    ...(tier ? { tier } : {}),
    lifecycle,
    ...(reactivatedAt ? { reactivatedAt } : {}),
    ...(rfm ? { rfm } : {}),
    ...(predictions ? { predictions } : {}),
    ...(warn ? { churnWarning: true } : {}),
    ...(timer !== undefined ? { timerAt: new Date(timer).toISOString() } : {}),
    evaluatedAt: nowIso,
    version: (prev?.version ?? 0) + 1,
  };
  const direction = config.tiers ? tierChange(prev?.tier, tier, config.tiers) : undefined;
  return {
    state,
    tags: tagList,
    tagsAdded: tagList.filter((t) => !profile.tags.includes(t)),
    tagsRemoved: profile.tags.filter((t) => !tags.has(t)),
    entered: members.filter((id) => !before.has(id)),
    exited: input.memberships.filter((id) => !after.has(id)),
    ...(direction ? { tierChange: { ...(prev?.tier ? { from: prev.tier } : {}), ...(tier ? { to: tier } : {}), direction } } : {}),
    ...(prevStage !== lifecycle ? { lifecycleChange: { ...(prevStage ? { from: prevStage } : {}), to: lifecycle } } : {}),
    ...(warn && !prev?.churnWarning && predictions ? { churnWarningRaised: { churnRisk: predictions.churnRisk, valueMinor: predictions.clvMinor } } : {}),
  };
}
