import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../../domain/errors';
import type { JourneyDefinition } from '../../domain/journeys/types';
import { EnrollmentsRepo } from '../../store/enrollments-repo';
import { JourneysRepo } from '../../store/journeys-repo';
import { repoOf } from '../../store/repo-of';
import type { Ctx } from '../customers';
import { requireJourney } from './journeys';
import { checkDefinition } from './references';
import { exitEnrollment } from './run';

/** Reads of journeys, versions and enrollments (all through keys and indexes), validation, and the manual exit. */
export const listJourneys = (ctx: Ctx, limit: number, cursor?: string, status?: string) => repoOf(ctx.deps, JourneysRepo).list(limit, cursor, status);

export async function listVersions(ctx: Ctx, id: string, limit: number, cursor?: string) {
  await requireJourney(ctx, id);
  return repoOf(ctx.deps, JourneysRepo).versions(id, limit, cursor);
}

export async function getVersion(ctx: Ctx, id: string, n: number) {
  const v = await repoOf(ctx.deps, JourneysRepo).version(id, n);
  if (!v) throw new NotFoundError('Journey version', `${id}/${n}`);
  return v;
}

export async function listJourneyEnrollments(ctx: Ctx, id: string, limit: number, cursor?: string) {
  await requireJourney(ctx, id);
  return repoOf(ctx.deps, EnrollmentsRepo).byJourney(id, limit, cursor);
}

export async function listCustomerEnrollments(ctx: Ctx, customerId: string, limit: number, cursor?: string) {
  if (!(await ctx.deps.customers.get(customerId))) throw new NotFoundError('Customer', customerId);
  return repoOf(ctx.deps, EnrollmentsRepo).byCustomer(customerId, limit, cursor);
}

export async function getEnrollment(ctx: Ctx, id: string, limit: number, cursor?: string) {
  const enrollments = repoOf(ctx.deps, EnrollmentsRepo);
  const e = await enrollments.get(id);
  if (!e) throw new NotFoundError('Enrollment', id);
  const history = await enrollments.history(id, limit, cursor);
  return { enrollment: e, history: history.items, ...(history.cursor ? { cursor: history.cursor } : {}) };
}

export async function exitByHand(ctx: Ctx, id: string) {
  const e = await repoOf(ctx.deps, EnrollmentsRepo).get(id);
  if (!e) throw new NotFoundError('Enrollment', id);
  const exited = await exitEnrollment(ctx, id, 'manual', { by: ctx.actorId });
  if (!exited) throw new ConflictError(`Enrollment ${id} has ended already (${e.status === 'active' ? 'meanwhile' : e.status}).`, { rule: 'enrollment-ended' });
  return exited;
}

/** Checks a definition without saving: the problems, or the definition as it would be saved. */
export async function validateDefinition(ctx: Ctx, definition: unknown): Promise<{ valid: boolean; errors: FieldIssue[]; definition?: JourneyDefinition }> {
  try {
    return { valid: true, errors: [], definition: await checkDefinition(ctx.deps, definition) };
  } catch (e) {
    if (e instanceof ValidationError) return { valid: false, errors: e.issues };
    throw e;
  }
}
