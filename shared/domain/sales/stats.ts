import type { Opportunity } from './opportunity';

/**
 * Pipeline counters, so reports read a few counter items instead of the opportunities. Written as
 * `ADD` updates in the transaction of the change they count (exact under retries):
 * - snapshot: an open opportunity's contribution (count and amount in its stage; amount and
 *   amount × probability in its expected close month, per owner) — every write adds after − before;
 * - day (the local day it happened): created, won and lost (per rep, per channel, reason,
 *   amounts), stage exits with the time spent in the stage;
 * - cohort (the local day the opportunity was created): each stage reached, once — so the funnel of
 *   the deals created in a period converts stage to stage exactly.
 * Attribute names are `kind|key|...`; amounts are integer minor units, per currency.
 */
export type Counters = Record<string, number>;

export function diff(after: Counters, before: Counters): Counters {
  const out: Counters = {};
  for (const k of new Set([...Object.keys(after), ...Object.keys(before)])) {
    const d = (after[k] ?? 0) - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

export function add(into: Counters, more: Counters, sign = 1): Counters {
  for (const [k, v] of Object.entries(more)) into[k] = (into[k] ?? 0) + sign * v;
  return into;
}

export const NO_MONTH = 'none';

/** What an open opportunity adds to the snapshot counters (nothing once closed). */
export function snapshotOf(o: Opportunity | undefined): Counters {
  if (!o || o.status !== 'open') return {};
  const amount = o.amountMinor ?? 0;
  const month = o.expectedCloseDate?.slice(0, 7) ?? NO_MONTH;
  return {
    [`open|${o.stage}`]: 1,
    [`openAmt|${o.stage}|${o.currency}`]: amount,
    [`pipe|${month}|${o.ownerId}|${o.currency}`]: amount,
    // amount × probability (percent): divided by 100 when read, so no rounding is ever summed.
    [`fc|${month}|${o.ownerId}|${o.currency}`]: amount * o.probability,
  };
}

function closing(o: Opportunity): Counters {
  const amount = o.amountMinor ?? 0;
  if (o.status === 'won') return { won: 1, [`won|rep|${o.ownerId}`]: 1, [`won|ch|${o.channel}`]: 1, [`wonAmt|${o.currency}`]: amount, [`wonAmt|rep|${o.ownerId}|${o.currency}`]: amount };
  if (o.status === 'lost') return { lost: 1, [`lost|rep|${o.ownerId}`]: 1, [`lost|ch|${o.channel}`]: 1, [`lost|why|${o.lostReason ?? 'other'}`]: 1, [`lostAmt|${o.currency}`]: amount };
  return {};
}

/**
 * What happened on this write: `today` counts on the day of the change, `cohort` on the day the
 * opportunity was created. `nowMs` is when the change happens.
 */
export function dayCountersOf(before: Opportunity | undefined, after: Opportunity, nowMs: number): { today: Counters; cohort: Counters } {
  const today: Counters = {};
  const cohort: Counters = {};
  if (!before) {
    add(today, { created: 1, [`created|ch|${after.channel}`]: 1, [`created|rep|${after.ownerId}`]: 1 });
  }
  for (const s of after.reached) if (!before?.reached.includes(s)) cohort[`reach|${s}`] = 1;
  if (before && before.stageVisitId !== after.stageVisitId && before.status === 'open') {
    today[`exit|${before.stage}`] = 1;
    today[`dwell|${before.stage}`] = Math.max(0, Math.round((nowMs - Date.parse(before.stageEnteredAt)) / 1000));
  }
  const wasClosed = before && before.status !== 'open';
  if (after.status !== 'open' && !wasClosed) add(today, closing(after));
  // A reopened deal takes back what its close counted (on the day of the reopening).
  if (wasClosed && after.status === 'open') add(today, closing(before!), -1);
  return { today, cohort };
}

/** Receivables contribution of one instalment: its outstanding amount on its due date, for its owner. */
export function receivableOf(i: { dueDate: string; outstandingMinor: number } | undefined, currency: string): Counters {
  if (!i || i.outstandingMinor <= 0) return {};
  return { [`${i.dueDate}|${currency}`]: i.outstandingMinor };
}
