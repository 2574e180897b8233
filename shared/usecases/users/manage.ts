import { ConflictError } from '../../domain/errors';
import { assertNotSelfLockout, assertRoles, type User, type UserStatus } from '../../domain/users';
import { noteChange } from '../../runtime/audit-context';
import type { UserDirectory } from '../../runtime/directory';
import type { TransactItem } from '../../store/transact';
import { agentFor, assertManagerOf, auditView, commit, requireUser, syncGroups, userEvent, usersOf, type Ctx } from './common';

export interface UserPatch {
  name?: string;
  roles?: string[];
  /** `null` removes the manager. */
  managerId?: string | null;
  version: number;
}

/**
 * Writes a user's new state with their agent record in one transaction, both conditional on the
 * versions read, so the manager escalations use (the agent record's) and the user's are one answer.
 */
async function save(ctx: Ctx, before: User, after: User, extra: TransactItem[] = []): Promise<void> {
  const now = after.updatedAt;
  const agentBefore = await ctx.deps.agents.getAgent(after.id);
  const agent = agentFor(after, agentBefore, now);
  const items = [usersOf(ctx).replaceItem(after, before.version), ...(agent ? [usersOf(ctx).agentItem(agent, agentBefore?.version ?? 0)] : []), ...extra];
  await commit(ctx, after.id, items, (i) => (i === 1 && agent ? `Agent ${after.id}` : `User ${after.id}`));
  noteChange('user', after.id, auditView(before), auditView(after));
  if (agent) noteChange('agent', after.id, agentBefore, agent);
}

/**
 * Changes a user's name, roles or manager at the version the caller read (409 otherwise). Roles
 * take effect within a minute (the kernel reads the record), in AWS also in tokens from the next
 * refresh (the directory's groups follow). A request that changes nothing still re-applies the
 * record's roles and name to the directory.
 */
export async function updateUser(ctx: Ctx, directory: UserDirectory, id: string, patch: UserPatch): Promise<User> {
  const before = await requireUser(ctx, id);
  if (patch.version !== before.version) throw new ConflictError(`User ${id} is at version ${before.version}, not ${patch.version}; read it again and retry.`, { currentVersion: before.version });
  const roles = patch.roles ? assertRoles(patch.roles) : before.roles;
  assertNotSelfLockout(ctx.actorId, id, { roles }, before.roles);
  if (patch.managerId) await assertManagerOf(ctx, id, patch.managerId);
  const { managerId: _m, ...rest } = before;
  const managerId = patch.managerId === undefined ? before.managerId : (patch.managerId ?? undefined);
  const now = ctx.deps.clock.now().toISOString();
  const next: User = { ...rest, name: patch.name ?? before.name, roles, ...(managerId ? { managerId } : {}), updatedAt: now, version: before.version + 1 };
  const changed = (['name', 'roles', 'managerId'] as const).filter((f) => JSON.stringify(before[f]) !== JSON.stringify(next[f]));
  if (changed.length === 0) {
    await syncGroups(directory, before);
    await directory.updateName(id, before.name);
    return before;
  }
  await save(ctx, before, next, [userEvent(ctx, 'UserUpdated', { userId: id, changed, roles }, now, id)]);
  await syncGroups(directory, next);
  if (changed.includes('name')) await directory.updateName(id, next.name);
  return next;
}

/**
 * Disables a user: refused everywhere within a minute (the kernel's check; in AWS even with an
 * unexpired access token), no sign-in, refresh tokens revoked, and their agent record inactive so
 * no work is handed to them. Disabling a disabled user re-applies it to the directory.
 */
export async function disableUser(ctx: Ctx, directory: UserDirectory, id: string): Promise<User> {
  return setStatus(ctx, directory, id, 'disabled');
}

/** Enables a disabled user again (and their agent record, if they still hold a service role). */
export async function enableUser(ctx: Ctx, directory: UserDirectory, id: string): Promise<User> {
  return setStatus(ctx, directory, id, 'active');
}

async function setStatus(ctx: Ctx, directory: UserDirectory, id: string, status: UserStatus): Promise<User> {
  for (let attempt = 0; ; attempt++) {
    const before = await requireUser(ctx, id);
    assertNotSelfLockout(ctx.actorId, id, { disable: status === 'disabled' }, before.roles);
    let after = before;
    if (before.status !== status) {
      const now = ctx.deps.clock.now().toISOString();
      const { disabledAt: _a, disabledBy: _b, ...rest } = before;
      after = { ...rest, status, ...(status === 'disabled' ? { disabledAt: now, disabledBy: ctx.actorId } : {}), updatedAt: now, version: before.version + 1 };
      try {
        await save(ctx, before, after, [userEvent(ctx, status === 'disabled' ? 'UserDisabled' : 'UserEnabled', { userId: id }, now, id)]);
      } catch (e) {
        if (e instanceof ConflictError && attempt < 3) continue;
        throw e;
      }
    }
    if (status === 'disabled') await directory.disable(id);
    else await directory.enable(id);
    return after;
  }
}

export async function listUsers(ctx: Ctx, q: { status?: UserStatus; limit: number; cursor?: string }) {
  return usersOf(ctx).list(q);
}

