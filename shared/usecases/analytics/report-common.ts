import { ValidationError } from '../../domain/errors';
import { addDays, bucketOf, daysBetween, resolvePeriod, type Granularity, type Period, type PeriodInput } from '../../domain/analytics/period';
import type { Counters } from '../../domain/analytics/rollups';
import { WINDOWS, type WindowDays } from '../../domain/analytics/history';
import { AnalyticsSnapshotsRepo, type Values } from '../../store/analytics-snapshots-repo';
import { repoOf } from '../../store/repo-of';
import { RollupsRepo, type RollupRow } from '../../store/rollups-repo';
import type { Family } from '../../domain/analytics/rollups';
import type { Ctx } from '../customers';

/**
 * Shared steps of the reports: the period (UTC days), counter rows folded into buckets, the full
 * pass's series read for a period, and the snapshot's freshness. Every read is one Query of one
 * family × dimension or one series over the period: O(days × dimension values) items.
 */
export interface ReportBase {
  period: Period;
  today: string;
  baseCurrency: string;
}

/** `localToday`: the reporting day of a feature whose counters are kept by local days (service desk, pipeline), when it is ahead of UTC. */
export async function reportBase(ctx: Ctx, q: PeriodInput, localToday?: string): Promise<ReportBase> {
  const utc = ctx.deps.clock.now().toISOString().slice(0, 10);
  const today = localToday && localToday > utc ? localToday : utc;
  // A period asked to end today (UTC) ends on the feature's local today, so today's local counters are in it.
  const period = resolvePeriod(q.to === utc && today !== utc ? { ...q, to: today } : q, today);
  const config = await ctx.deps.definitions.valueConfig();
  return { period, today, baseCurrency: config.baseCurrency };
}

export const ratio = (a: number | null | undefined, b: number | null | undefined, places = 4): number | null => (a == null || b == null || b === 0 ? null : Math.round((a / b) * 10 ** places) / 10 ** places);

/** Rollup rows (day, value) folded into the period's buckets, per dimension value. */
export function foldRows(rows: readonly RollupRow[], g: Granularity): Map<string, Map<string, Counters>> {
  const out = new Map<string, Map<string, Counters>>();
  for (const r of rows) {
    const b = bucketOf(r.day, g);
    const byBucket = out.get(r.value) ?? new Map<string, Counters>();
    const c = byBucket.get(b) ?? {};
    for (const [k, v] of Object.entries(r.counters)) c[k] = (c[k] ?? 0) + v;
    byBucket.set(b, c);
    out.set(r.value, byBucket);
  }
  return out;
}

export function sumCounters(cs: Iterable<Counters>): Counters {
  const out: Counters = {};
  for (const c of cs) for (const [k, v] of Object.entries(c)) out[k] = (out[k] ?? 0) + v;
  return out;
}

/** One family and dimension over the period (one Query), folded into buckets per value. */
export async function rollupBuckets(ctx: Ctx, family: Family, dim: string, p: Period): Promise<Map<string, Map<string, Counters>>> {
  return foldRows(await repoOf(ctx.deps, RollupsRepo).rows(family, dim, p.from, p.to), p.granularity);
}

export const GRAN_CODE: Record<Granularity, 'd' | 'w' | 'm'> = { day: 'd', week: 'w', month: 'm' };

/** The full pass's series of a slice for the period's buckets (one Query). */
export async function seriesFor(ctx: Ctx, slice: string, p: Period): Promise<Map<string, Values>> {
  return repoOf(ctx.deps, AnalyticsSnapshotsRepo).series(GRAN_CODE[p.granularity], slice, p.from, p.to);
}

/** The daily series' rolling window matching the whole period, if its length is one of the windows and it ends on a snapshot day. */
export function windowOf(p: Period): WindowDays | undefined {
  const len = daysBetween(p.from, p.to) + 1;
  return p.granularity === 'day' ? WINDOWS.find((w) => w === len) : undefined;
}

export interface Freshness {
  /** The day the full pass last ran as of (distinct-customer figures, lifecycle, cohorts), or null before the first run. */
  snapshotAsOf: string | null;
  /**
   * True when the period ends after the last snapshot (full-pass figures for the days after it are
   * not there yet), or ends on the snapshot's day while the pass ran before that day was over.
   */
  partial: boolean;
}

/** Whether full-pass figures up to `to` are incomplete (see Freshness.partial). */
export function snapshotPartial(index: { asOf: string; takenAt?: string } | undefined, to: string): boolean {
  if (!index || index.asOf < to) return true;
  return index.asOf === to && !!index.takenAt && index.takenAt.slice(0, 10) <= index.asOf;
}

export async function freshness(ctx: Ctx, p: Period): Promise<Freshness> {
  const index = await repoOf(ctx.deps, AnalyticsSnapshotsRepo).index();
  return { snapshotAsOf: index?.asOf ?? null, partial: snapshotPartial(index, p.to) };
}

/** Refuses metrics that a filter cannot apply to (they are kept for the whole base only). */
export function refuseFiltered(metrics: readonly string[], unfilterable: readonly string[], filter: { dim: string } | undefined): void {
  if (!filter) return;
  const bad = metrics.filter((m) => unfilterable.includes(m));
  if (bad.length) throw ValidationError.field(filter.dim, `cannot filter ${bad.join(', ')} (kept for the whole customer base); ask for other metrics or drop the filter`);
}

export const dayBefore = (day: string) => addDays(day, -1);

/** Picks the asked metrics from a computed row (always keeping `bucket`). */
export function pick<T extends Record<string, unknown>>(row: T, metrics: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of metrics) out[m] = row[m] ?? null;
  return out;
}
