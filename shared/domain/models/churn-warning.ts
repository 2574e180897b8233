import { ValidationError } from '../errors';

/**
 * The "valuable customer at risk" rule: warn when a customer is worth keeping (predicted value or
 * past spend at or above a threshold) and likely to be lost (churn risk at or above a threshold).
 */

export interface ChurnWarningInput {
  /** 1 - P(alive) from the BG/NBD model, 0 … 1. */
  churnRisk: number;
  /**
   * Predicted value in the CLV's money unit. Use ClvResult.discountedIfAlive (the value at stake if
   * they stay) rather than the plain CLV, which already shrinks with the churn risk.
   */
  predictedValue?: number;
  /** Past net spend, minor units of one currency. */
  spentMinor?: number;
}

export interface ChurnWarningThresholds {
  /** Churn risk at or above this is "at risk" (default 0.5). */
  minChurnRisk?: number;
  /** Predicted value at or above this makes the customer valuable. */
  minPredictedValue?: number;
  /** Past spend at or above this makes the customer valuable. At least one of the two value thresholds is required. */
  minSpentMinor?: number;
}

export interface ChurnWarning {
  warn: boolean;
  valuable: boolean;
  atRisk: boolean;
  /** Which thresholds were met, for the message ("churn risk 0.72 >= 0.5", "spend 250000 >= 100000"). */
  reasons: string[];
}

export const DEFAULT_MIN_CHURN_RISK = 0.5;

/**
 * Valuable when either value threshold given is met (a value the input lacks does not count), at
 * risk when churnRisk ≥ minChurnRisk; the warning is both.
 */
export function churnWarning(input: ChurnWarningInput, thresholds: ChurnWarningThresholds): ChurnWarning {
  const minRisk = thresholds.minChurnRisk ?? DEFAULT_MIN_CHURN_RISK;
  if (!(minRisk >= 0 && minRisk <= 1)) throw ValidationError.field('minChurnRisk', `must be between 0 and 1, got ${minRisk}`);
  if (thresholds.minPredictedValue === undefined && thresholds.minSpentMinor === undefined) throw ValidationError.field('thresholds', 'needs minPredictedValue or minSpentMinor to tell a valuable customer');
  for (const k of ['minPredictedValue', 'minSpentMinor'] as const) {
    const v = thresholds[k];
    if (v !== undefined && (!Number.isFinite(v) || v < 0)) throw ValidationError.field(k, `must be a non-negative finite number, got ${v}`);
  }
  if (!(input.churnRisk >= 0 && input.churnRisk <= 1)) throw ValidationError.field('churnRisk', `must be between 0 and 1, got ${input.churnRisk}`);
  for (const k of ['predictedValue', 'spentMinor'] as const) {
    const v = input[k];
    if (v !== undefined && !Number.isFinite(v)) throw ValidationError.field(k, `must be a finite number, got ${v}`);
  }
  const reasons: string[] = [];
  const atRisk = input.churnRisk >= minRisk;
  if (atRisk) reasons.push(`churn risk ${round(input.churnRisk)} >= ${minRisk}`);
  let valuable = false;
  if (thresholds.minPredictedValue !== undefined && input.predictedValue !== undefined && input.predictedValue >= thresholds.minPredictedValue) {
    valuable = true;
    reasons.push(`predicted value ${round(input.predictedValue)} >= ${thresholds.minPredictedValue}`);
  }
  if (thresholds.minSpentMinor !== undefined && input.spentMinor !== undefined && input.spentMinor >= thresholds.minSpentMinor) {
    valuable = true;
    reasons.push(`spend ${input.spentMinor} >= ${thresholds.minSpentMinor}`);
  }
  return { warn: valuable && atRisk, valuable, atRisk, reasons };
}

const round = (v: number) => Math.round(v * 100) / 100;
