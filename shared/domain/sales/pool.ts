import { RuleViolation } from '../service/errors';
import { isHeld, isOpenLead, regionKey, type Lead } from './lead';
import { describeDuration, durationMs, type AssignmentRule, type PipelineSettings } from './settings';

/**
 * The public pool (公海): who may claim a lead, when an owned lead goes back for lack of follow-up,
 * and which rep an assignment rule hands a new lead to. Pure: time and counts are passed in.
 */

/** When the owner's time without follow-up runs out: the later of getting it and the last follow-up, plus the setting. */
export function poolReturnDue(l: Pick<Lead, 'ownerId' | 'status' | 'ownedSince' | 'lastFollowUpAt'>, s: Pick<PipelineSettings, 'returnToPoolAfter'>): number | undefined {
  if (!isHeld(l) || !l.ownedSince) return undefined;
  const start = Math.max(Date.parse(l.ownedSince), l.lastFollowUpAt ? Date.parse(l.lastFollowUpAt) : 0);
  return start + durationMs(s.returnToPoolAfter);
}

/** Is the lead due back in the pool at `now`? */
export const shouldReturnToPool = (l: Lead, s: Pick<PipelineSettings, 'returnToPoolAfter'>, now: number): boolean => {
  const due = poolReturnDue(l, s);
  return due !== undefined && due <= now;
};

export const returnReason = (s: Pick<PipelineSettings, 'returnToPoolAfter'>) => `returned: no follow-up for ${describeDuration(s.returnToPoolAfter)}`;

/**
 * Refuses a claim: a closed lead, a lead someone else owns, the former owner within the
 * cooling-off, or a rep at the held-lead limit (the limit is enforced again by the counter's
 * condition in the claim's transaction). Claiming one's own lead is no change.
 */
export function assertClaimable(l: Lead, repId: string, held: number, s: Pick<PipelineSettings, 'heldLeadLimit'>, now: number): 'claim' | 'already-owner' {
  if (!isOpenLead(l.status)) throw new RuleViolation('lead-closed', `Lead ${l.id} is ${l.status}; only open leads are claimed.`, { status: l.status });
  if (l.ownerId === repId) return 'already-owner';
  if (l.ownerId) throw new RuleViolation('lead-owned', `Lead ${l.id} belongs to another rep; only leads in the public pool can be claimed.`);
  if (l.returnedFrom && l.returnedFrom.ownerId === repId && Date.parse(l.returnedFrom.until) > now) {
    throw new RuleViolation('reclaim-cooling-off', `Lead ${l.id} returned to the pool from you; you may claim it again after ${l.returnedFrom.until}.`, { until: l.returnedFrom.until });
  }
  assertUnderLimit(repId, held, s);
  return 'claim';
}

export function assertUnderLimit(repId: string, held: number, s: Pick<PipelineSettings, 'heldLeadLimit'>): void {
  if (held >= s.heldLeadLimit) throw new RuleViolation('held-lead-limit', `${repId} already holds ${held} open leads, the limit is ${s.heldLeadLimit}; release or convert some first.`, { held, limit: s.heldLeadLimit });
}

/** The first assignment rule whose lists all contain the lead's values (compared case-folded). */
export function matchRule(rules: readonly AssignmentRule[], l: Pick<Lead, 'region' | 'productLine' | 'sourceChannel'>): AssignmentRule | undefined {
  const has = (list: string[] | undefined, v: string | undefined) => !list || (v !== undefined && list.some((x) => regionKey(x) === regionKey(v)));
  return rules.find((r) => has(r.match.regions, l.region) && has(r.match.productLines, l.productLine) && (!r.match.sourceChannels || r.match.sourceChannels.includes(l.sourceChannel)));
}

export interface RepState {
  active: boolean;
  onDuty: boolean;
  held: number;
}

/**
 * Round-robin within a rule: the first rep after the last one handed a lead who is active, on
 * duty and under the held-lead limit, in the rule's order, wrapping around. Undefined: nobody
 * can take it (the lead goes to the pool).
 */
export function pickRep(rule: Pick<AssignmentRule, 'reps'>, lastRepId: string | undefined, reps: ReadonlyMap<string, RepState>, limit: number): string | undefined {
  const list = rule.reps;
  if (list.length === 0) return undefined;
  const last = lastRepId ? list.indexOf(lastRepId) : -1;
  for (let step = 1; step <= list.length; step++) {
    const id = list[(last + step + list.length) % list.length]!;
    const r = reps.get(id);
    if (r && r.active && r.onDuty && r.held < limit) return id;
  }
  return undefined;
}
