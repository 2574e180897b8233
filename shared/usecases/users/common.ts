import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors';
import type { Agent } from '../../domain/service/agents';
import { assertManager, isServiceStaff, USER_LIMITS, USER_ROLES, type User } from '../../domain/users';
import type { EventData, EventType } from '../../events/catalog';
import { makeEvent } from '../../events/envelope';
import type { UserDirectory } from '../../runtime/directory';
import { outboxPut } from '../../store/outbox';
import { repoOf } from '../../store/repo-of';
import { transactWrite, type TransactItem } from '../../store/transact';
import { UsersRepo } from '../../store/users-repo';
import type { Ctx } from '../customers';
import { forgetCaller } from './caller-gate';

export type { Ctx };

export const usersOf = (ctx: Ctx) => repoOf(ctx.deps, UsersRepo);

export async function requireUser(ctx: Ctx, id: string): Promise<User> {
  const u = await usersOf(ctx).get(id);
  if (!u) throw new NotFoundError('User', id);
  return u;
}

/**
 * A manager named for `userId`: an active user, not themselves, and not someone below them (the
 * manager's own reporting line is walked upwards to check).
 */
export async function assertManagerOf(ctx: Ctx, userId: string | undefined, managerId: string): Promise<void> {
  const manager = await usersOf(ctx).get(managerId);
  if (!manager) throw ValidationError.field('managerId', `no user ${managerId} (invite them first)`);
  if (manager.status !== 'active') throw ValidationError.field('managerId', `user ${managerId} is disabled`);
  if (!userId) return;
  const chain: string[] = [];
  let next = manager.managerId;
  while (next && chain.length <= USER_LIMITS.managerDepth && !chain.includes(next)) {
    chain.push(next);
    if (next === userId) break;
    next = (await usersOf(ctx).get(next))?.managerId;
  }
  assertManager(userId, managerId, chain);
}

/**
 * The agent record a user should have: service staff (agents, managers) are in the agent directory
 * with the user's name and manager, active while the user is; someone who left the service roles
 * keeps their record, inactive. Undefined when no record is needed and none exists, or nothing changes.
 */
export function agentFor(u: User, existing: Agent | undefined, now: string): Agent | undefined {
  const staff = isServiceStaff(u.roles);
  if (!staff && !existing) return undefined;
  const active = staff && u.status === 'active';
  const { managerId: _m, ...rest } = existing ?? ({} as Partial<Agent>);
  const next: Agent = {
    ...rest,
    id: u.id,
    name: u.name,
    ...(u.managerId ? { managerId: u.managerId } : {}),
    active,
    onDuty: existing?.onDuty ?? true,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    version: (existing?.version ?? 0) + 1,
  };
  if (existing && existing.name === next.name && existing.managerId === next.managerId && existing.active === next.active) return undefined;
  return next;
}

export function userEvent<T extends EventType>(ctx: Ctx, type: T, data: EventData<T>, at: string, userId: string): TransactItem {
  return outboxPut(ctx.deps.db.tableName, makeEvent(type, data, { id: ctx.deps.ids.next(), occurredAt: at, correlationId: ctx.correlationId, subject: userId }));
}

/** Commits a user change; a failed condition is someone else's change meanwhile (409). */
export async function commit(ctx: Ctx, userId: string, items: TransactItem[], what: (index: number) => string): Promise<void> {
  await transactWrite(ctx.deps.db, items, (failed) => new ConflictError(`${what(failed[0]!.index)} was changed by someone else meanwhile; read it again and retry.`, { reason: 'version' }));
  forgetCaller(ctx.deps.db, userId);
}

/**
 * Makes the directory's role groups match the record: every role held is added and every other one
 * removed (each call idempotent), so repeating a request heals a directory left behind.
 */
export async function syncGroups(directory: UserDirectory, u: User): Promise<void> {
  await directory.setGroups(u.id, { add: u.roles, remove: USER_ROLES.filter((r) => !u.roles.includes(r)) });
}

/** What the audit trail keeps of a user (the e-mail and name are masked there by field name). */
export const auditView = (u: User | undefined) =>
  u && { email: u.email, name: u.name, roles: u.roles, managerId: u.managerId, status: u.status, serviceGroups: u.serviceGroups };
