import { ValidationError } from '../errors';
import { RuleViolation } from '../service/errors';
import type { StageDef, StageRequirement } from './settings';

/**
 * Opportunities (商机): an account (a customer profile), an owner, a stage from the settings with
 * its win probability, an amount, an expected close date, products and competitors; won or lost
 * with a reason. Every stage visit is kept (entered, left). Pure: stage rules and requirements.
 */
export const OPPORTUNITY_STATUSES = ['open', 'won', 'lost'] as const;
export type OpportunityStatus = (typeof OPPORTUNITY_STATUSES)[number];
export const LOST_REASONS = ['price', 'product-fit', 'competitor', 'timing', 'no-decision', 'no-budget', 'unresponsive', 'other'] as const;
export type LostReason = (typeof LOST_REASONS)[number];

export interface OpportunityProduct {
  sku?: string;
  name: string;
  quantity: number;
  unitPriceMinor: number;
}

export interface Opportunity {
  id: string;
  name: string;
  /** The account: a customer profile. */
  customerId: string;
  /** The contact person: a customer profile. */
  contactId?: string;
  leadId?: string;
  ownerId: string;
  stage: string;
  status: OpportunityStatus;
  probability: number;
  amountMinor?: number;
  currency: string;
  /** YYYY-MM-DD. */
  expectedCloseDate?: string;
  products: OpportunityProduct[];
  competitors: string[];
  /** Where it came from (the lead's source channel, or `direct`): win rates per channel. */
  channel: string;
  nextStep?: string;
  stageEnteredAt: string;
  /** The open stage visit (its history entry). */
  stageVisitId: string;
  /** Stages it has reached so far (the funnel counts each once). */
  reached: string[];
  closedAt?: string;
  wonReason?: string;
  lostReason?: LostReason;
  lostNote?: string;
  /** The competitor that won the deal. */
  lostTo?: string;
  acceptedQuoteId?: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** One visit of a stage: when it was entered, left, by whom. */
export interface StageVisit {
  id: string;
  opportunityId: string;
  stage: string;
  enteredAt: string;
  leftAt?: string;
  enteredBy: string;
  /** The stage it came from (absent for the first). */
  from?: string;
  reason?: string;
}

export function stageOf(stages: readonly StageDef[], id: string, field = 'stage'): StageDef {
  const s = stages.find((x) => x.id === id);
  if (!s) throw ValidationError.field(field, `is not a stage of the pipeline (${stages.map((x) => x.id).join(', ')})`);
  return s;
}

const has: Record<StageRequirement, (o: Opportunity) => boolean> = {
  amount: (o) => o.amountMinor !== undefined && o.amountMinor > 0,
  expectedCloseDate: (o) => !!o.expectedCloseDate,
  products: (o) => o.products.length > 0,
  competitors: (o) => o.competitors.length > 0,
  contactId: (o) => !!o.contactId,
  acceptedQuote: (o) => !!o.acceptedQuoteId,
};

/**
 * The requirements an opportunity misses to enter `target`: those of the target and, for an open
 * or won target, of every open stage before it (requirements accumulate along the pipeline: a
 * deal that skips proposal still needs what proposal needs). A lost deal needs only the lost
 * stage's own.
 */
export function missingRequirements(o: Opportunity, stages: readonly StageDef[], target: StageDef): StageRequirement[] {
  const idx = stages.findIndex((s) => s.id === target.id);
  const apply = target.kind === 'lost' ? [target] : stages.filter((s, i) => i <= idx && (s.kind === 'open' || s.id === target.id));
  const needed = [...new Set(apply.flatMap((s) => s.required))];
  return needed.filter((r) => !has[r](o));
}

/** Stages newly reached by entering `target`: open stages up to it (skipped ones are passed), and the target. */
export function newlyReached(o: Pick<Opportunity, 'reached'>, stages: readonly StageDef[], target: StageDef): string[] {
  const idx = stages.findIndex((s) => s.id === target.id);
  const passed = target.kind === 'lost' ? [target.id] : stages.filter((s, i) => (i <= idx && s.kind === 'open') || s.id === target.id).map((s) => s.id);
  return passed.filter((id) => !o.reached.includes(id));
}

export interface StageMove {
  stage: string;
  reason?: string;
  lostReason?: LostReason;
  lostNote?: string;
  lostTo?: string;
  /** Managers (pipeline:all) may reopen a won or lost deal. */
  reopen?: boolean;
}

/** Checks a stage move: closed deals only reopen with `reopen` by a manager; lost needs a reason; requirements. */
export function assertStageMove(o: Opportunity, stages: readonly StageDef[], move: StageMove, canReopen: boolean): StageDef {
  const target = stageOf(stages, move.stage);
  if (o.status !== 'open') {
    if (!move.reopen) throw new RuleViolation('opportunity-closed', `Opportunity ${o.id} is ${o.status}; a manager may reopen it (reopen: true).`, { status: o.status });
    if (!canReopen) throw new RuleViolation('reopen-needs-manager', 'Only a manager (pipeline:all) may reopen a won or lost opportunity.');
    if (target.kind !== 'open') throw ValidationError.field('stage', 'a reopened opportunity goes to an open stage');
  }
  if (target.kind === 'lost' && !move.lostReason) throw ValidationError.field('lostReason', 'is required to mark an opportunity lost');
  if (target.kind !== 'lost' && (move.lostReason || move.lostTo || move.lostNote)) throw ValidationError.field('lostReason', 'is only for the lost stage');
  const missing = missingRequirements(o, stages, target);
  if (missing.length) {
    throw new RuleViolation('stage-requirements', `To enter ${target.name} the opportunity needs: ${missing.join(', ')}.`, {
      stage: target.id,
      missing,
      errors: missing.map((m) => ({ field: m === 'acceptedQuote' ? 'acceptedQuoteId' : m === 'amount' ? 'amountMinor' : m, message: `is required before ${target.name}` })),
    });
  }
  return target;
}

/** Σ products, when the amount is not given. */
export const productsTotal = (products: readonly OpportunityProduct[]) => products.reduce((s, p) => s + p.quantity * p.unitPriceMinor, 0);
