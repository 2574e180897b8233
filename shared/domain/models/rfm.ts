import { ValidationError } from '../errors';
import type { Aggregates } from '../orders';
import { dayNumber } from './days';

/**
 * RFM scores: recency, frequency and monetary value scored 1–5 by quintiles over all buyers, and
 * the 11 named segments from R and FM = (F + M) / 2 rounded half up. The quintile cut points are
 * returned so one customer can be scored between scheduled recomputes (`scoreWithCuts`).
 */

export type Score = 1 | 2 | 3 | 4 | 5;

export interface RfmInput {
  /** Whole days since the last order (smaller is better). */
  recencyDays: number;
  /** Orders (or purchase days): larger is better. */
  frequency: number;
  /** Spend in minor units of one currency: larger is better. */
  monetary: number;
}

/** The 20th, 40th, 60th and 80th percentile values, ascending. */
export type QuintileCuts = readonly [number, number, number, number];

export interface RfmCuts {
  recency: QuintileCuts;
  frequency: QuintileCuts;
  monetary: QuintileCuts;
  /** Buyers the cuts were computed over. */
  buyers: number;
}

export type RfmSegment = 'champions' | 'loyal' | 'potential_loyalist' | 'new' | 'promising' | 'need_attention' | 'about_to_sleep' | 'at_risk' | 'cant_lose' | 'hibernating' | 'lost';

export const RFM_SEGMENT_NAMES: Readonly<Record<RfmSegment, string>> = {
  champions: 'Champions',
  loyal: 'Loyal',
  potential_loyalist: 'Potential loyalist',
  new: 'New',
  promising: 'Promising',
  need_attention: 'Need attention',
  about_to_sleep: 'About to sleep',
  at_risk: 'At risk',
  cant_lose: "Can't lose",
  hibernating: 'Hibernating',
  lost: 'Lost',
};

/**
 * Rows R = 5 … 1, columns FM = 1 … 5 (see docs/value-models.md). The widely used R × F map
 * (New 51, Promising 41, Potential loyalist [45][23], Champions 5[45], Loyal [34][45], Need
 * attention 33, About to sleep 3[12], At risk [12][34], Can't lose [12]5, Hibernating [12][12]) on
 * FM, with Lost carved out of Hibernating at R = 1, FM = 1.
 */
const GRID: Readonly<Record<Score, readonly [RfmSegment, RfmSegment, RfmSegment, RfmSegment, RfmSegment]>> = {
  5: ['new', 'potential_loyalist', 'potential_loyalist', 'champions', 'champions'],
  4: ['promising', 'potential_loyalist', 'potential_loyalist', 'loyal', 'loyal'],
  3: ['about_to_sleep', 'about_to_sleep', 'need_attention', 'loyal', 'loyal'],
  2: ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
  1: ['lost', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
};

export interface RfmScore {
  r: Score;
  f: Score;
  m: Score;
  /** round_half_up((f + m) / 2). */
  fm: Score;
  /** "RFM", e.g. "535". */
  code: string;
  segment: RfmSegment;
}

function isScore(v: number): v is Score {
  return v === 1 || v === 2 || v === 3 || v === 4 || v === 5;
}

/** The segment of an R score and an FM score (both 1–5). */
export function rfmSegment(r: number, fm: number): RfmSegment {
  if (!isScore(r)) throw ValidationError.field('r', `must be a score 1–5, got ${r}`);
  if (!isScore(fm)) throw ValidationError.field('fm', `must be a score 1–5, got ${fm}`);
  return GRID[r][fm - 1]!;
}

/**
 * Quintile cut points of a set of values: sorted ascending v_0 ≤ … ≤ v_{n-1}, cut k (k = 1…4) is
 * v_{⌈kn/5⌉ - 1}, the smallest value with at least k/5 of the values at or below it.
 */
export function quintileCuts(values: readonly number[], field = 'values'): QuintileCuts {
  if (values.length === 0) throw ValidationError.field(field, 'needs at least one buyer');
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw ValidationError.field(`${field}[${i}]`, `must be a finite number, got ${v}`);
  });
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  const at = (k: number) => s[Math.ceil((k * n) / 5) - 1]!;
  return [at(1), at(2), at(3), at(4)];
}

/** 1 + the number of cuts strictly below the value: equal values always get equal scores. */
function higherIsBetter(value: number, cuts: QuintileCuts): Score {
  return (1 + cuts.filter((c) => value > c).length) as Score;
}

/** Recency: fewer days is better, so 5 - the number of cuts strictly below the value. */
function lowerIsBetter(value: number, cuts: QuintileCuts): Score {
  return (5 - cuts.filter((c) => value > c).length) as Score;
}

function validateInput(input: RfmInput, field: string): void {
  if (!Number.isFinite(input.recencyDays) || input.recencyDays < 0) throw ValidationError.field(`${field}.recencyDays`, `must be a non-negative number of days, got ${input.recencyDays}`);
  if (!Number.isFinite(input.frequency)) throw ValidationError.field(`${field}.frequency`, `must be a finite number, got ${input.frequency}`);
  if (!Number.isFinite(input.monetary)) throw ValidationError.field(`${field}.monetary`, `must be a finite number, got ${input.monetary}`);
}

function validateCuts(cuts: QuintileCuts, field: string): void {
  if (cuts.length !== 4 || cuts.some((c, i) => !Number.isFinite(c) || (i > 0 && c < cuts[i - 1]!))) throw ValidationError.field(field, 'must be four ascending finite cut points');
}

/** The quintile cuts of recency, frequency and monetary over all buyers. */
export function rfmCuts(inputs: readonly RfmInput[]): RfmCuts {
  if (inputs.length === 0) throw ValidationError.field('inputs', 'needs at least one buyer');
  inputs.forEach((input, i) => validateInput(input, `inputs[${i}]`));
  return {
    recency: quintileCuts(inputs.map((i) => i.recencyDays), 'recencyDays'),
    frequency: quintileCuts(inputs.map((i) => i.frequency), 'frequency'),
    monetary: quintileCuts(inputs.map((i) => i.monetary), 'monetary'),
    buyers: inputs.length,
  };
}

/** Scores one customer against cut points computed earlier (by `rfmCuts` over all buyers). */
export function scoreWithCuts(input: RfmInput, cuts: RfmCuts): RfmScore {
  validateInput(input, 'input');
  validateCuts(cuts.recency, 'cuts.recency');
  validateCuts(cuts.frequency, 'cuts.frequency');
  validateCuts(cuts.monetary, 'cuts.monetary');
  const r = lowerIsBetter(input.recencyDays, cuts.recency);
  const f = higherIsBetter(input.frequency, cuts.frequency);
  const m = higherIsBetter(input.monetary, cuts.monetary);
  const fm = Math.floor((f + m + 1) / 2) as Score;
  return { r, f, m, fm, code: `${r}${f}${m}`, segment: GRID[r][fm - 1]! };
}

/** Cuts over all the buyers and every buyer's score, in input order. */
export function rfmScores(inputs: readonly RfmInput[]): { cuts: RfmCuts; scores: RfmScore[] } {
  const cuts = rfmCuts(inputs);
  return { cuts, scores: inputs.map((input) => scoreWithCuts(input, cuts)) };
}

/**
 * A customer's RFM input from their aggregates as of `now`: whole UTC days since the day of the
 * last order, the order count, and the net spend in `currency` (minor units). Undefined for a
 * customer without orders (not a buyer: RFM scores buyers only).
 */
export function rfmInputFromAggregates(agg: Pick<Aggregates, 'orderCount' | 'lastOrderAt' | 'spentMinor'>, currency: string, now: string): RfmInput | undefined {
  if (agg.orderCount <= 0 || !agg.lastOrderAt) return undefined;
  return {
    recencyDays: Math.max(0, dayNumber(now, 'now') - dayNumber(agg.lastOrderAt, 'lastOrderAt')),
    frequency: agg.orderCount,
    monetary: agg.spentMinor[currency] ?? 0,
  };
}
