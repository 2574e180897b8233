import type { Lead } from '../../domain/sales/lead';
import { matchRule, pickRep, type RepState } from '../../domain/sales/pool';
import type { PipelineSettings } from '../../domain/sales/settings';
import { salesRepos, type Ctx } from './common';

/**
 * Assignment rules for new leads without an owner: the first rule matching the lead's region,
 * product line and source hands it round-robin to the next rep who is active, on duty (the agent
 * directory's duty flag) and under the held-lead limit. No rule, or nobody available: the pool.
 * The rule's cursor is moved in the lead's transaction, conditioned on the rep read, so two
 * leads arriving together never go to the same rep by mistake (the loser retries).
 */
export type OwnerChoice =
  | { ownerId: string; mode: 'create' }
  | { ownerId: string; mode: 'rule'; ruleId: string; previous?: string }
  | { ownerId?: undefined; mode: 'pool' };

export async function chooseOwner(ctx: Ctx, lead: Pick<Lead, 'region' | 'productLine' | 'sourceChannel'>, s: PipelineSettings): Promise<OwnerChoice> {
  const rule = matchRule(s.assignmentRules, lead);
  if (!rule) return { mode: 'pool' };
  const { leads } = salesRepos(ctx.deps);
  const [agents, held, previous] = await Promise.all([ctx.deps.agents.getAgents(rule.reps), leads.held(rule.reps), leads.assignmentCursor(rule.id)]);
  const states = new Map<string, RepState>(rule.reps.map((r) => [r, { active: agents.get(r)?.active ?? false, onDuty: agents.get(r)?.onDuty ?? false, held: held.get(r) ?? 0 }]));
  const ownerId = pickRep(rule, previous, states, s.heldLeadLimit);
  if (!ownerId) return { mode: 'pool' };
  return { ownerId, mode: 'rule', ruleId: rule.id, ...(previous ? { previous } : {}) };
}
