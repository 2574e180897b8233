import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { BucketBuilder, HistoryBuilder, WINDOWS, type CustomerHistory, type OrderDay } from '../../domain/analytics/history';
import { addDays, dayFromNumber, dayNumber, monthEnd, monthStart, weekStart } from '../../domain/analytics/period';
import { CohortBuilder, completeness, COMPLETENESS_EDGES, distribution, MONEY_EDGES, RISK_EDGES, rfmSnapshot } from '../../domain/analytics/value';
import { lifecycleThresholds } from '../../domain/models/lifecycle';
import { contribution } from '../../domain/orders';
import { currencyExponent } from '../../domain/money';
import type { Deps } from '../../runtime/deps';
import { AnalyticsSnapshotsRepo, type Gran, type Values } from '../../store/analytics-snapshots-repo';
import { duplicateListPk } from '../../store/keys';
import { repoOf } from '../../store/repo-of';
import { scanCustomerItems } from './scan';

/**
 * The full pass behind the figures that need every customer at once (daily, and on demand): the
 * day-by-day history of the base (customers, buyers, lifecycle stages, churn), distinct buyers per
 * day, rolling window, week and month (all, per store, per sales channel), the retention cohorts,
 * RFM sizes, grid and movement, value and risk distributions, data quality. Written as series items
 * the reports read with one Query per series; only buckets whose values changed are rewritten.
 */
export const DAILY_HORIZON_DAYS = 5 * 366;
/** Slices beyond the busiest ones get no series of their own (they still count in `all`). */
export const MAX_SLICES_PER_DIM = 25;

interface Acc {
  profile?: Record<string, unknown>;
  state?: Record<string, unknown>;
  orders: { day: number; net: number; store: string; channel: string }[];
}

export interface SnapshotResult {
  asOf: string;
  customers: number;
  buyers: number;
  orders: number;
  slices: number;
  itemsWritten: number;
  scanned: number;
}

const round = (x: number, places = 4) => Math.round(x * 10 ** places) / 10 ** places;

function dailyValues(i: number, slice: ReturnType<HistoryBuilder['buyerSeries']>, base?: ReturnType<HistoryBuilder['base']>): Values {
  const v: Values = { orders: slice.orders[i]!, revenue: slice.revenue[i]!, buyers: slice.buyers[i]!, newBuyers: slice.newBuyers[i]!, repeatBuyers: slice.repeatBuyers[i]! };
  for (const w of WINDOWS) {
    const s = slice.windows[w];
    v[`w${w}Buyers`] = s.buyers[i]!;
    v[`w${w}NewBuyers`] = s.newBuyers[i]!;
    v[`w${w}RepeatBuyers`] = s.repeatBuyers[i]!;
  }
  if (base) {
    v.customers = base.customers[i]!;
    v.buyersTotal = base.buyers[i]!;
    for (const [stage, xs] of Object.entries(base.stages)) v[stage] = xs[i]!;
    v.churnedIn = base.churnedIn[i]!;
  }
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== 0));
}

async function countOpenDuplicates(deps: Deps): Promise<number> {
  let n = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const res = await deps.db.doc.send(new QueryCommand({ TableName: deps.db.tableName, IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': duplicateListPk('open') }, Select: 'COUNT', ...(start ? { ExclusiveStartKey: start } : {}) }));
    n += res.Count ?? 0;
    start = res.LastEvaluatedKey;
  } while (start);
  return n;
}

const topValues = (counts: Map<string, number>) =>
  [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_SLICES_PER_DIM)
    .map(([k]) => k);

export async function runSnapshot(deps: Deps, opts: { runId: string; asOf?: string }): Promise<SnapshotResult> {
  const asOf = opts.asOf ?? deps.clock.now().toISOString().slice(0, 10);
  const asOfN = dayNumber(asOf);
  const config = await deps.definitions.valueConfig();
  const currency = config.baseCurrency;
  const scale = 10 ** (currencyExponent(currency) ?? 2);
  const thresholds = lifecycleThresholds(config.lifecycle ?? {});

  const byCustomer = new Map<string, Acc>();
  const acc = (id: string) => byCustomer.get(id) ?? (byCustomer.set(id, { orders: [] }).get(id) as Acc);
  const scan = await scanCustomerItems(deps.db, (i) => {
    if (i.kind === 'profile') acc(i.customerId).profile = i.item;
    else if (i.kind === 'state') acc(i.customerId).state = i.item;
    else if (i.kind === 'order') {
      const c = contribution(i.order);
      if (!c || c.day > asOf) return;
      acc(i.customerId).orders.push({ day: dayNumber(c.day), net: c.currency === currency ? c.netMinor : 0, store: i.order.store || '-', channel: i.order.channel || '-' });
    }
  });

  // Live profiles only: deleted (recycle bin) and merged-away profiles do not count.
  const live = [...byCustomer.entries()].filter(([, a]) => a.profile?.status === 'active');
  const storeCounts = new Map<string, number>();
  const channelCounts = new Map<string, number>();
  let minSince = asOfN;
  let orderCount = 0;
  for (const [, a] of live) {
    a.orders.sort((x, y) => x.day - y.day);
    for (const o of a.orders) {
      storeCounts.set(o.store, (storeCounts.get(o.store) ?? 0) + 1);
      channelCounts.set(o.channel, (channelCounts.get(o.channel) ?? 0) + 1);
      orderCount++;
    }
    const created = typeof a.profile?.createdAt === 'string' ? dayNumber(a.profile.createdAt.slice(0, 10)) : asOfN;
    minSince = Math.min(minSince, created, a.orders[0]?.day ?? created);
  }
  const stores = topValues(storeCounts);
  const channels = topValues(channelCounts);
  const slices: { slice: string; keep: (o: Acc['orders'][number]) => boolean }[] = [
    { slice: 'all', keep: () => true },
    ...stores.map((s) => ({ slice: `store:${s}`, keep: (o: Acc['orders'][number]) => o.store === s })),
    ...channels.map((c) => ({ slice: `channel:${c}`, keep: (o: Acc['orders'][number]) => o.channel === c })),
  ];

  const start = Math.max(minSince, asOfN - DAILY_HORIZON_DAYS);
  const daily = slices.map(() => new HistoryBuilder(start, asOfN, thresholds));
  const weekly = slices.map(() => new BucketBuilder((d) => weekStart(dayFromNumber(d)), (b) => dayNumber(addDays(b, 6))));
  const monthly = slices.map(() => new BucketBuilder((d) => monthStart(dayFromNumber(d)), (b) => dayNumber(monthEnd(b))));
  const cohorts = new CohortBuilder();
  const buyerOrders: OrderDay[][] = [];
  const historic: number[] = [];
  const predicted: number[] = [];
  const risk: number[] = [];
  const complete: number[] = [];
  const tiers: Record<string, number> = {};
  const stages: Record<string, number> = {};
  const engineRfm: Record<string, number> = {};
  const bySourceChannel: Record<string, number> = {};
  const byStore: Record<string, number> = {};
  let contactable = 0;
  let repeatBuyers = 0;

  for (const [, a] of live) {
    const p = a.profile!;
    const history: CustomerHistory = { since: typeof p.createdAt === 'string' ? dayNumber(p.createdAt.slice(0, 10)) : asOfN, orders: a.orders };
    daily[0]!.addBase(history);
    slices.forEach((s, i) => {
      const mine = i === 0 ? a.orders : a.orders.filter(s.keep);
      if (!mine.length) return;
      daily[i]!.addBuyer(mine);
      weekly[i]!.add(mine);
      monthly[i]!.add(mine);
    });
    const src = typeof p.sourceChannel === 'string' && p.sourceChannel ? p.sourceChannel : '-';
    bySourceChannel[src] = (bySourceChannel[src] ?? 0) + 1;
    const store = typeof p.store === 'string' && p.store ? p.store : '-';
    byStore[store] = (byStore[store] ?? 0) + 1;
    complete.push(completeness(p));
    if (typeof p.email === 'string' || typeof p.phone === 'string') contactable++;
    const st = a.state ?? {};
    if (typeof st.tier === 'string') tiers[st.tier] = (tiers[st.tier] ?? 0) + 1;
    if (typeof st.lifecycle === 'string') stages[st.lifecycle] = (stages[st.lifecycle] ?? 0) + 1;
    const rfm = st.rfm as { group?: string } | undefined;
    if (rfm?.group) engineRfm[rfm.group] = (engineRfm[rfm.group] ?? 0) + 1;
    const pred = st.predictions as { clvMinor?: number; churnRisk?: number } | undefined;
    if (a.orders.length) {
      cohorts.add(a.orders);
      buyerOrders.push(a.orders);
      historic.push(a.orders.reduce((s, o) => s + o.net, 0) / scale);
      if (a.orders.length >= 2) repeatBuyers++;
      if (typeof pred?.clvMinor === 'number') predicted.push(pred.clvMinor / scale);
      if (typeof pred?.churnRisk === 'number') risk.push(pred.churnRisk);
    }
  }

  const repo = repoOf(deps, AnalyticsSnapshotsRepo);
  let written = 0;
  const base = daily[0]!.base();
  for (let s = 0; s < slices.length; s++) {
    const series = daily[s]!.buyerSeries();
    const rows = new Map<string, Values>();
    for (let i = 0; i <= asOfN - start; i++) {
      const v = dailyValues(i, series, s === 0 ? base : undefined);
      if (Object.keys(v).length) rows.set(dayFromNumber(start + i), v);
    }
    written += await repo.writeSeries('d', slices[s]!.slice, rows, { from: dayFromNumber(start), to: asOf });
    for (const [gran, b] of [['w', weekly[s]!], ['m', monthly[s]!]] as [Gran, BucketBuilder][]) {
      written += await repo.writeSeries(gran, slices[s]!.slice, new Map([...b.rows].map(([k, v]) => [k, Object.fromEntries(Object.entries(v).filter(([, x]) => x !== 0))])));
    }
  }
  written += await repo.putCohorts(cohorts.result(asOf.slice(0, 7)));

  const rfm = rfmSnapshot(buyerOrders, asOfN, config.rfm?.cuts);
  const buyers = buyerOrders.length;
  const state = {
    asOf,
    baseCurrency: currency,
    customers: live.length,
    buyers,
    prospects: live.length - buyers,
    repeatBuyers,
    repeatRate: buyers ? round(repeatBuyers / buyers) : null,
    lifecycle: stages,
    tiers,
    rfm: rfm ? { cutsSource: rfm.cutsSource, sizes: rfm.sizes, grid: rfm.grid, movement: rfm.movement, engineSizes: engineRfm } : null,
    clv: { historic: distribution(historic, MONEY_EDGES), predicted: predicted.length ? distribution(predicted, MONEY_EDGES) : null },
    churnRisk: risk.length ? distribution(risk, RISK_EDGES) : null,
    quality: { completeness: complete.length ? round(complete.reduce((a, b) => a + b, 0) / complete.length) : null, histogram: distribution(complete, COMPLETENESS_EDGES), contactable, duplicatesOpen: await countOpenDuplicates(deps) },
    bySourceChannel,
    byStore,
  };
  await repo.putState(asOf, state);
  written += 1;
  await repo.putIndex({ asOf, runId: opts.runId, baseCurrency: currency, stores, channels, since: dayFromNumber(start), takenAt: deps.clock.now().toISOString() });
  return { asOf, customers: live.length, buyers, orders: orderCount, slices: slices.length, itemsWritten: written, scanned: scan.scanned };
}
