import { ValidationError } from '../errors';
import { isCurrency } from '../money';
import { DAY_WINDOW, type Aggregates } from '../orders';
import { dayNumber } from './days';

/**
 * Customer tiers (VIP / high / medium / low …) by thresholds on spend (minor units of one
 * currency) and order count, over the last `windowDays` days or the customer's whole history.
 * Tiers are listed best first; a customer gets the first tier whose thresholds they meet.
 */

export interface TierDefinition {
  name: string;
  /** Spend in the window at least this (minor units of the config's currency). Omitted: spend is not a criterion of this tier. */
  minSpendMinor?: number;
  /** Orders in the window at least this. Omitted: orders are not a criterion of this tier. */
  minOrders?: number;
}

export interface TierConfig {
  /** ISO 4217 code the spend thresholds are in. */
  currency: string;
  /** Count the last this many days, today included (1 … DAY_WINDOW). Omitted: the whole history. */
  windowDays?: number;
  /** 'any' (default): one criterion met is enough; 'all': every criterion the tier names. */
  match?: 'any' | 'all';
  /** Best tier first. A tier naming no criterion is a catch-all and may only be last. */
  tiers: readonly TierDefinition[];
}

/** Example: VIP, high, medium, low by lifetime spend in USD or lifetime order count (works from the aggregates alone). */
export const EXAMPLE_TIERS: TierConfig = {
  currency: 'USD',
  match: 'any',
  tiers: [
    { name: 'vip', minSpendMinor: 100_000, minOrders: 12 },
    { name: 'high', minSpendMinor: 30_000, minOrders: 6 },
    { name: 'medium', minSpendMinor: 10_000, minOrders: 2 },
    { name: 'low' },
  ],
};

/**
 * Checks a config and returns it: a known currency, windowDays a whole number 1 … DAY_WINDOW (the
 * per-day counts are kept that long), at least one tier, names non-empty and unique (ignoring
 * case), thresholds non-negative whole numbers, each criterion's thresholds non-increasing down the
 * list, no tier identical to the one above it (it could never be reached), a catch-all only last.
 * Throws a ValidationError naming the offending field.
 */
export function validateTierConfig(config: TierConfig): TierConfig {
  if (!config || typeof config !== 'object') throw ValidationError.field('config', 'must be an object');
  if (typeof config.currency !== 'string' || !isCurrency(config.currency)) throw ValidationError.field('currency', `must be an ISO 4217 code, got ${JSON.stringify(config.currency)}`);
  if (config.windowDays !== undefined && (!Number.isInteger(config.windowDays) || config.windowDays < 1 || config.windowDays > DAY_WINDOW)) {
    throw ValidationError.field('windowDays', `must be a whole number of days from 1 to ${DAY_WINDOW} (or omitted for the whole history), got ${config.windowDays}`);
  }
  if (config.match !== undefined && config.match !== 'any' && config.match !== 'all') throw ValidationError.field('match', `must be "any" or "all", got ${JSON.stringify(config.match)}`);
  if (!Array.isArray(config.tiers) || config.tiers.length === 0) throw ValidationError.field('tiers', 'must list at least one tier');
  const names = new Map<string, number>();
  const last: { minSpendMinor?: [number, number]; minOrders?: [number, number] } = {};
  config.tiers.forEach((tier, i) => {
    const field = `tiers[${i}]`;
    if (typeof tier.name !== 'string' || !tier.name.trim()) throw ValidationError.field(`${field}.name`, 'must be a non-empty name');
    const key = tier.name.trim().toLowerCase();
    const dup = names.get(key);
    if (dup !== undefined) throw ValidationError.field(`${field}.name`, `"${tier.name}" is already the name of tiers[${dup}]`);
    names.set(key, i);
    for (const k of ['minSpendMinor', 'minOrders'] as const) {
      const v = tier[k];
      if (v === undefined) continue;
      if (!Number.isSafeInteger(v) || v < 0) throw ValidationError.field(`${field}.${k}`, `must be a non-negative whole number, got ${v}`);
      const above = last[k];
      if (above && v > above[0]) throw ValidationError.field(`${field}.${k}`, `thresholds must descend: ${v} is above tiers[${above[1]}] (${above[0]})`);
      last[k] = [v, i];
    }
    const catchAll = tier.minSpendMinor === undefined && tier.minOrders === undefined;
    if (catchAll && i < config.tiers.length - 1) throw ValidationError.field(`${field}`, `names no threshold, so it takes every customer: only the last tier may do that`);
    const prev = config.tiers[i - 1];
    if (prev && prev.minSpendMinor === tier.minSpendMinor && prev.minOrders === tier.minOrders) throw ValidationError.field(`${field}`, `has the same thresholds as tiers[${i - 1}] and could never be reached`);
  });
  return config;
}

/** What a tier is judged on: orders per UTC day, and spend per day or in total. */
export interface TierFacts {
  /** Orders per UTC day (YYYY-MM-DD), as in Aggregates.days. */
  ordersByDay: Readonly<Record<string, number>>;
  /** Spend per UTC day in the config's currency (minor units); needed for a windowed spend threshold. */
  spendByDayMinor?: Readonly<Record<string, number>>;
  /** Lifetime order count (for a config without window). */
  orderCount: number;
  /** Lifetime net spend in the config's currency, minor units (for a config without window). */
  spentMinor: number;
}

/** The facts of a customer's aggregates: per-day orders, lifetime order count and net spend in `currency`. */
export function tierFactsFromAggregates(agg: Pick<Aggregates, 'orderCount' | 'spentMinor' | 'days'>, currency: string): TierFacts {
  return { ordersByDay: agg.days, orderCount: agg.orderCount, spentMinor: agg.spentMinor[currency] ?? 0 };
}

/** Orders and spend counted for the config as of `now`: over the window (days d with today - windowDays < d ≤ today) or the lifetime totals. */
export function tierMeasures(config: TierConfig, facts: TierFacts, now: string): { orders: number; spendMinor: number | undefined } {
  if (config.windowDays === undefined) return { orders: facts.orderCount, spendMinor: facts.spentMinor };
  const today = dayNumber(now, 'now');
  const from = today - config.windowDays + 1;
  const inWindow = (day: string) => {
    const n = dayNumber(day, `day ${day}`);
    return n >= from && n <= today;
  };
  const sum = (m: Readonly<Record<string, number>>) => Object.entries(m).reduce((s, [day, v]) => (inWindow(day) ? s + v : s), 0);
  return { orders: sum(facts.ordersByDay), spendMinor: facts.spendByDayMinor ? sum(facts.spendByDayMinor) : undefined };
}

/**
 * The customer's tier as of `now`: the first tier (best first) whose criteria are met — any of
 * them with match 'any', all of them with 'all' — or undefined when none is. A windowed config
 * with a spend threshold needs `spendByDayMinor` (the aggregates keep spend only in total).
 */
export function evaluateTier(config: TierConfig, facts: TierFacts, now: string): string | undefined {
  validateTierConfig(config);
  const { orders, spendMinor } = tierMeasures(config, facts, now);
  const all = config.match === 'all';
  for (const tier of config.tiers) {
    const checks: boolean[] = [];
    if (tier.minSpendMinor !== undefined) {
      if (spendMinor === undefined) throw ValidationError.field('spendByDayMinor', `is needed: tier "${tier.name}" has a spend threshold over a ${config.windowDays}-day window`);
      checks.push(spendMinor >= tier.minSpendMinor);
    }
    if (tier.minOrders !== undefined) checks.push(orders >= tier.minOrders);
    const met = checks.length === 0 || (all ? checks.every(Boolean) : checks.some(Boolean));
    if (met) return tier.name;
  }
  return undefined;
}

/** A tier's rank: 0 for the best, the number of tiers for no tier (undefined). Throws for a name the config does not have. */
export function tierRank(config: TierConfig, tier: string | undefined): number {
  if (tier === undefined) return config.tiers.length;
  const i = config.tiers.findIndex((t) => t.name === tier);
  if (i < 0) throw ValidationError.field('tier', `"${tier}" is not a tier of this config`);
  return i;
}

/** 'upgrade' when `next` ranks above `prev`, 'downgrade' below, undefined when equal. No tier ranks below every tier. */
export function tierChange(prev: string | undefined, next: string | undefined, config: TierConfig): 'upgrade' | 'downgrade' | undefined {
  const a = tierRank(config, prev);
  const b = tierRank(config, next);
  return b < a ? 'upgrade' : b > a ? 'downgrade' : undefined;
}
