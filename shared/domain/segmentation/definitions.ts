import type { Condition } from '../conditions';
import type { ChurnWarningThresholds } from '../models/churn-warning';
import type { BgNbdParams } from '../models/bg-nbd';
import type { GammaGammaParams } from '../models/gamma-gamma';
import type { LifecycleThresholds } from '../models/lifecycle';
import type { RfmCuts } from '../models/rfm';
import type { TierConfig } from '../models/tiers';

/** What the segmentation engine works from: segments, tags with rules, and the value settings. */
export interface SegmentDef {
  id: string;
  name: string;
  description?: string;
  condition: Condition;
  /** Bumped by every edit of the condition; a backfill works for one version. */
  version: number;
  createdAt: string;
  updatedAt: string;
  /** The backfill of the current version (a job over every profile). */
  backfill?: { jobId: string; status: 'running' | 'done' | 'failed'; version: number };
}

export const TAG_CATEGORIES = ['attribute', 'behaviour', 'preference', 'lifecycle', 'value'] as const;
export type TagCategory = (typeof TAG_CATEGORIES)[number];

/** A tag in the catalog. With a condition it is a rule tag: applied and removed automatically. */
export interface TagDef {
  name: string;
  category: TagCategory;
  description?: string;
  condition?: Condition;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The brand's value settings and the fitted models (one item). */
export interface ValueConfig {
  /** The currency of spend thresholds, RFM monetary, CLV (ISO 4217). */
  baseCurrency: string;
  tiers?: TierConfig;
  lifecycle?: Partial<LifecycleThresholds>;
  /** When a valuable customer at risk gets a warning (event, and the tag if named). */
  churnWarning?: ChurnWarningThresholds & { tag?: string };
  /** Quintile cuts over all buyers from the last scheduled RFM run. */
  rfm?: { cuts: RfmCuts; computedAt: string; buyers: number };
  /** BG/NBD (time unit: days) and Gamma-Gamma (minor units of baseCurrency) from the last fit. */
  model?: { bgnbd: BgNbdParams; gammaGamma?: GammaGammaParams; fittedAt: string; customers: number; logLikelihood?: number };
  version: number;
}

export const DEFAULT_VALUE_CONFIG: ValueConfig = { baseCurrency: 'USD', version: 0 };

/** What the engine derived for one customer last time (the `~STATE` item). */
export interface CustomerState {
  tier?: string;
  lifecycle?: string;
  /** The order that reactivated a dormant or churned customer (kept while `reactivated`). */
  reactivatedAt?: string;
  rfm?: { r: number; f: number; m: number; code: string; group: string };
  predictions?: { pAlive: number; churnRisk: number; expectedOrders90: number; expectedOrders365: number; clvMinor: number; nextOrderAt?: string };
  churnWarning?: boolean;
  /** The next instant something would change with time alone (a timer is set for it). */
  timerAt?: string;
  evaluatedAt?: string;
  version: number;
}
