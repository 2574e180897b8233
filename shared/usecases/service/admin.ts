import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors';
import { MAX_GROUP_MEMBERS, type Agent, type AssignmentMode, type Group } from '../../domain/service/agents';
import { assertSettings, type ServiceSettings } from '../../domain/service/settings';
import { assertPolicy, type PolicyInput, type SlaPolicy } from '../../domain/service/sla';
import type { Ctx } from './common';
import { forgetMembership } from './visibility';

/**
 * Service-desk administration: the agent directory, groups (queues), SLA policies and the
 * settings. Each write is conditional on the version the caller read (409 otherwise).
 */
export interface AgentInput {
  name: string;
  managerId?: string | null;
  active?: boolean;
  onDuty?: boolean;
  version?: number;
}

/** Creates or replaces an agent (the id is the `sub` of their token). */
export async function putAgent(ctx: Ctx, id: string, input: AgentInput): Promise<Agent> {
  const before = await ctx.deps.agents.getAgent(id);
  if (before && input.version === undefined) throw ValidationError.field('version', `is required to change agent ${id} (it is at version ${before.version})`);
  if (before && input.version !== before.version) throw new ConflictError(`Agent ${id} is at version ${before.version}, not ${input.version}; read it again and retry.`, { currentVersion: before.version });
  if (input.managerId) {
    if (input.managerId === id) throw ValidationError.field('managerId', 'an agent cannot be their own manager');
    if (!(await ctx.deps.agents.getAgent(input.managerId))) throw ValidationError.field('managerId', `no agent ${input.managerId} in the directory`);
  }
  const now = ctx.deps.clock.now().toISOString();
  const agent: Agent = {
    id,
    name: input.name,
    ...(input.managerId ? { managerId: input.managerId } : input.managerId === null || !before?.managerId ? {} : { managerId: before.managerId }),
    active: input.active ?? before?.active ?? true,
    onDuty: input.onDuty ?? before?.onDuty ?? true,
    createdAt: before?.createdAt ?? now,
    updatedAt: now,
    version: (before?.version ?? 0) + 1,
  };
  await ctx.deps.agents.putAgent(agent, before?.version ?? 0);
  return agent;
}

/** An agent going on or off duty (least-loaded and round-robin only hand work to agents on duty). */
export async function setDuty(ctx: Ctx, id: string, onDuty: boolean): Promise<Agent> {
  for (let attempt = 0; ; attempt++) {
    const before = await ctx.deps.agents.getAgent(id);
    if (!before) throw new NotFoundError('Agent', id);
    if (before.onDuty === onDuty) return before;
    const after: Agent = { ...before, onDuty, updatedAt: ctx.deps.clock.now().toISOString(), version: before.version + 1 };
    try {
      await ctx.deps.agents.putAgent(after, before.version);
      return after;
    } catch (e) {
      if (!(e instanceof ConflictError) || attempt >= 3) throw e;
    }
  }
}

export interface GroupInput {
  name: string;
  managerId?: string | null;
  members: string[];
  assignment: AssignmentMode;
  active?: boolean;
  version?: number;
}

async function assertMembers(ctx: Ctx, input: GroupInput): Promise<void> {
  const members = [...new Set(input.members)];
  if (members.length !== input.members.length) throw ValidationError.field('members', 'must not repeat an agent');
  if (members.length > MAX_GROUP_MEMBERS) throw ValidationError.field('members', `at most ${MAX_GROUP_MEMBERS}`);
  const ids = [...members, ...(input.managerId ? [input.managerId] : [])];
  const found = await ctx.deps.agents.getAgents(ids);
  const issues = members.flatMap((m, i) => (found.get(m) ? [] : [{ field: `members.${i}`, message: `no agent ${m} in the directory` }]));
  if (input.managerId && !found.get(input.managerId)) issues.push({ field: 'managerId', message: `no agent ${input.managerId} in the directory` });
  if (issues.length) throw new ValidationError(issues);
}

export async function createGroup(ctx: Ctx, id: string, input: GroupInput): Promise<Group> {
  await assertMembers(ctx, input);
  const now = ctx.deps.clock.now().toISOString();
  const g: Group = { id, name: input.name, ...(input.managerId ? { managerId: input.managerId } : {}), members: input.members, assignment: input.assignment, active: input.active ?? true, createdAt: now, updatedAt: now, version: 1 };
  await ctx.deps.agents.putGroup(g, 0);
  forgetMembership(ctx.deps.db);
  return g;
}

export async function updateGroup(ctx: Ctx, id: string, input: GroupInput & { version: number }): Promise<Group> {
  const before = await ctx.deps.agents.getGroup(id);
  if (!before) throw new NotFoundError('Group', id);
  if (before.version !== input.version) throw new ConflictError(`Group ${id} is at version ${before.version}, not ${input.version}; read it again and retry.`, { currentVersion: before.version });
  await assertMembers(ctx, input);
  const { managerId: _m, ...rest } = before;
  const g: Group = {
    ...rest,
    name: input.name,
    ...(input.managerId ? { managerId: input.managerId } : {}),
    members: input.members,
    assignment: input.assignment,
    active: input.active ?? before.active,
    updatedAt: ctx.deps.clock.now().toISOString(),
    version: before.version + 1,
  };
  await ctx.deps.agents.putGroup(g, before.version);
  forgetMembership(ctx.deps.db);
  return g;
}

export async function createPolicy(ctx: Ctx, input: PolicyInput): Promise<SlaPolicy> {
  const p = assertPolicy(input);
  const now = ctx.deps.clock.now().toISOString();
  const policy: SlaPolicy = { id: ctx.deps.ids.next(), name: p.name, position: p.position, active: p.active ?? true, conditions: p.conditions ?? {}, targets: p.targets, hours: p.hours, ...(p.calendar ? { calendar: p.calendar } : {}), ...(p.warnAtShare !== undefined ? { warnAtShare: p.warnAtShare } : {}), createdAt: now, updatedAt: now, version: 1 };
  await ctx.deps.sla.save(undefined, policy);
  return policy;
}

export async function requirePolicy(ctx: Ctx, id: string): Promise<SlaPolicy> {
  const p = await ctx.deps.sla.get(id);
  if (!p) throw new NotFoundError('SLA policy', id);
  return p;
}

/** Replaces a policy (send the version you read). Tickets already on it keep their snapshot. */
export async function replacePolicy(ctx: Ctx, id: string, input: PolicyInput & { version: number }): Promise<SlaPolicy> {
  const before = await requirePolicy(ctx, id);
  if (before.version !== input.version) throw new ConflictError(`SLA policy ${id} is at version ${before.version}, not ${input.version}; read it again and retry.`, { currentVersion: before.version });
  const p = assertPolicy(input);
  const after: SlaPolicy = { id, name: p.name, position: p.position, active: p.active ?? true, conditions: p.conditions ?? {}, targets: p.targets, hours: p.hours, ...(p.calendar ? { calendar: p.calendar } : {}), ...(p.warnAtShare !== undefined ? { warnAtShare: p.warnAtShare } : {}), createdAt: before.createdAt, updatedAt: ctx.deps.clock.now().toISOString(), version: before.version + 1 };
  await ctx.deps.sla.save(before, after);
  return after;
}

export async function deletePolicy(ctx: Ctx, id: string): Promise<SlaPolicy> {
  const p = await requirePolicy(ctx, id);
  await ctx.deps.sla.remove(p);
  return p;
}

export async function saveSettings(ctx: Ctx, patch: Partial<Omit<ServiceSettings, 'version' | 'updatedAt'>> & { version: number }): Promise<ServiceSettings> {
  const before = await ctx.deps.sla.settings();
  if (before.version !== patch.version) throw new ConflictError(`The settings are at version ${before.version}, not ${patch.version}; read them again and retry.`, { currentVersion: before.version });
  const { version: _v, ...fields } = patch;
  const after = assertSettings({ ...before, ...fields, updatedAt: ctx.deps.clock.now().toISOString(), version: before.version + 1 });
  if (after.defaultGroupId && !(await ctx.deps.agents.getGroup(after.defaultGroupId))) throw ValidationError.field('defaultGroupId', `no group ${after.defaultGroupId}`);
  await ctx.deps.sla.saveSettings(after, before.version);
  return after;
}
