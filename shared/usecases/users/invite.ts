import { ConflictError, ValidationError } from '../../domain/errors';
import { normalizeEmail } from '../../domain/identity';
import type { Group } from '../../domain/service/agents';
import { assertRoles, isServiceStaff, USER_LIMITS, type User } from '../../domain/users';
import { noteChange } from '../../runtime/audit-context';
import type { UserDirectory } from '../../runtime/directory';
import type { TransactItem } from '../../store/transact';
import { agentFor, assertManagerOf, auditView, commit, syncGroups, userEvent, usersOf, type Ctx } from './common';

export interface InviteInput {
  email: string;
  name: string;
  roles: string[];
  managerId?: string;
  /** Service groups (queues) to join: agents and managers only. */
  serviceGroups?: string[];
}

export type Invitation = 'sent' | 'adopted' | 'none';

/** The keyed hash of a normalized e-mail: the only form an address takes in a key. */
export const emailHash = (ctx: Ctx, email: string) => ctx.deps.hash({ kind: 'email', value: email });

async function groupsToJoin(ctx: Ctx, ids: readonly string[], roles: User['roles']): Promise<Group[]> {
  if (ids.length === 0) return [];
  if (!isServiceStaff(roles)) throw ValidationError.field('serviceGroups', 'only agents and managers join service groups');
  if (new Set(ids).size !== ids.length) throw ValidationError.field('serviceGroups', 'must not repeat a group');
  if (ids.length > USER_LIMITS.serviceGroups) throw ValidationError.field('serviceGroups', `at most ${USER_LIMITS.serviceGroups}`);
  const found = await Promise.all(ids.map((id) => ctx.deps.agents.getGroup(id)));
  const issues = ids.flatMap((id, i) => (found[i] ? [] : [{ field: `serviceGroups.${i}`, message: `no group ${id}` }]));
  if (issues.length) throw new ValidationError(issues);
  return found as Group[];
}

/**
 * Invites a person: the directory creates them and sends the invitation (Cognito: a temporary
 * password by e-mail; someone already in the pool is adopted), then one transaction writes the
 * user, their e-mail claim, their agent record (service staff), their service groups' new member
 * and the UserInvited event, and the directory gets their role groups. A repeated invite of the
 * same address after a failure picks up where it stopped; an address that has a user is a 409.
 */
export async function inviteUser(ctx: Ctx, directory: UserDirectory, input: InviteInput): Promise<{ user: User; invitation: Invitation }> {
  const normalized = normalizeEmail(input.email);
  if (!normalized.ok) throw ValidationError.field('email', normalized.reason);
  const email = normalized.value;
  const roles = assertRoles(input.roles);
  const hash = emailHash(ctx, email);
  const users = usersOf(ctx);
  const holder = await users.subOfEmail(hash);
  if (holder && (await users.get(holder))) throw new ConflictError(`A user with this e-mail exists already: ${holder}.`, { reason: 'email-taken', userId: holder });
  if (input.managerId) await assertManagerOf(ctx, undefined, input.managerId);
  const groups = await groupsToJoin(ctx, input.serviceGroups ?? [], roles);

  const { sub, created } = await directory.createUser({ email, name: input.name });
  if (await users.get(sub)) throw new ConflictError(`The directory person with this e-mail is user ${sub} already (under another address).`, { reason: 'directory-user-taken', userId: sub });
  if (input.managerId === sub) throw ValidationError.field('managerId', 'a user cannot be their own manager');

  const now = ctx.deps.clock.now().toISOString();
  // An agent already in the service desk's directory keeps the manager set there unless one is named.
  const agentBefore = await ctx.deps.agents.getAgent(sub);
  const managerId = input.managerId ?? agentBefore?.managerId;
  const user: User = {
    id: sub,
    email,
    name: input.name,
    roles,
    ...(managerId ? { managerId } : {}),
    status: 'active',
    ...(groups.length ? { serviceGroups: groups.map((g) => g.id) } : {}),
    invitedAt: now,
    invitedBy: ctx.actorId,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  const agent = agentFor(user, agentBefore, now);
  const items: TransactItem[] = [...users.createItems(user, hash)];
  const what: string[] = [`User ${sub}`, `The e-mail claim of ${email}`];
  if (agent) {
    items.push(users.agentItem(agent, agentBefore?.version ?? 0));
    what.push(`Agent ${sub}`);
  }
  for (const g of groups) {
    if (g.members.includes(sub)) continue;
    items.push(users.groupItem({ ...g, members: [...g.members, sub], updatedAt: now, version: g.version + 1 }, g.version));
    what.push(`Group ${g.id}`);
  }
  items.push(userEvent(ctx, 'UserInvited', { userId: sub, roles, ...(user.managerId ? { managerId: user.managerId } : {}), serviceGroups: user.serviceGroups ?? [], adopted: !created }, now, sub));
  await commit(ctx, sub, items, (i) => what[i] ?? `User ${sub}`);
  await syncGroups(directory, user);

  noteChange('user', sub, undefined, auditView(user));
  if (agent) noteChange('agent', sub, agentBefore, agent);
  return { user, invitation: directory.kind === 'local' ? 'none' : created ? 'sent' : 'adopted' };
}

/** Sends the invitation again (Cognito: a new temporary password; the first one expires after a few days). */
export async function resendInvitation(ctx: Ctx, directory: UserDirectory, user: User): Promise<{ user: User; invitation: Invitation }> {
  if (user.status !== 'active') throw new ConflictError(`User ${user.id} is disabled; enable them before inviting again.`, { reason: 'disabled' });
  await directory.resendInvitation({ email: user.email, name: user.name });
  const now = ctx.deps.clock.now().toISOString();
  const after: User = { ...user, lastInvitedAt: now, updatedAt: now, version: user.version + 1 };
  await commit(ctx, user.id, [usersOf(ctx).replaceItem(after, user.version)], () => `User ${user.id}`);
  noteChange('user', user.id, user, after);
  return { user: after, invitation: directory.kind === 'local' ? 'none' : 'sent' };
}
