import { ValidationError } from '../../domain/errors';
import { assertAssignable, pickLeastLoaded, pickRoundRobin, type AssignmentMode, type Group } from '../../domain/service/agents';
import type { TransactItem } from '../../store/transact';
import type { Ctx } from './common';

/**
 * Who gets a ticket. An explicit assignee must be a known, active agent (and a member of the
 * group when one is named); otherwise the group's mode — or the mode asked for — decides:
 * manual leaves it in the group's queue, round-robin takes the next member on duty after the last
 * one handed a ticket, least-loaded the member on duty with the fewest unsolved tickets (from the
 * maintained counters, no scan). The hand-out is recorded on the group in the same transaction.
 */
export interface Choice {
  groupId?: string;
  assigneeId?: string;
  mode: AssignmentMode;
  handOut?: TransactItem;
}

async function requireGroup(ctx: Ctx, groupId: string): Promise<Group> {
  const g = await ctx.deps.agents.getGroup(groupId);
  if (!g) throw ValidationError.field('groupId', `no group ${groupId}`);
  if (!g.active) throw ValidationError.field('groupId', `group ${groupId} is inactive`);
  return g;
}

export async function chooseAssignee(
  ctx: Ctx,
  input: { groupId?: string | undefined; assigneeId?: string | undefined; mode?: AssignmentMode | undefined; explicitGroup?: boolean },
): Promise<Choice> {
  const { deps } = ctx;
  let group: Group | undefined;
  if (input.groupId) {
    try {
      group = await requireGroup(ctx, input.groupId);
    } catch (e) {
      // The default group (from the settings) being gone must not block a ticket: it goes unassigned.
      if (input.explicitGroup) throw e;
    }
  }
  if (input.assigneeId) {
    const agent = await deps.agents.getAgent(input.assigneeId);
    assertAssignable(input.assigneeId, agent, group);
    return { ...(group ? { groupId: group.id } : {}), assigneeId: input.assigneeId, mode: 'manual' };
  }
  if (!group) return { mode: 'manual' };
  const mode = input.mode ?? group.assignment;
  if (mode === 'manual') return { groupId: group.id, mode };
  const agents = await deps.agents.getAgents(group.members);
  let picked: string | undefined;
  if (mode === 'round-robin') picked = pickRoundRobin(group, agents);
  else {
    const current = await deps.serviceStats.current();
    picked = pickLeastLoaded(group, agents, (id) => current[`open.agent:${id}`] ?? 0);
  }
  if (!picked) return { groupId: group.id, mode };
  return { groupId: group.id, assigneeId: picked, mode, handOut: deps.agents.groupHandOut(group, picked) };
}
