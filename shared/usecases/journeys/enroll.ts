import type { CustomerFacts } from '../../domain/conditions';
import { mayEnter } from '../../domain/journeys/engine';
import { factsOf } from '../../domain/journeys/facts';
import type { ReentryRefusal } from '../../domain/journeys/reentry';
import { enter } from '../../domain/journeys/transitions';
import type { EnrollmentTrigger, JourneyDefinition } from '../../domain/journeys/types';
import { stableId } from '../../runtime/ports';
import { JourneysRepo } from '../../store/journeys-repo';
import { repoOf } from '../../store/repo-of';
import type { Ctx } from '../customers';
import { loadVersion } from './cache';
import { commitEntry } from './persist';
import { runEnrollment } from './run';

/**
 * Enrolls a customer in a live journey, once per trigger: the enrollment id is derived from the
 * journey, the customer and the trigger (event id, or the date occasion), so a redelivered event
 * finds the enrollment it made and only continues it. The customer must pass the trigger's
 * condition and not already match the exit condition; the re-entry rule is enforced atomically
 * with the entry (enrollments-repo). The new enrollment runs at once until its first wait.
 */
export type EntryOutcome = 'entered' | 'duplicate' | ReentryRefusal | 'entry-condition' | 'matches-exit' | 'not-live' | 'trigger-mismatch' | 'customer-gone' | 'chain-too-deep';

export interface EntryOptions {
  /** The customer's facts when the caller has them. */
  facts?: CustomerFacts;
  /** Does the live version's trigger accept this (event type, filters, segment)? */
  accepts?: (def: JourneyDefinition) => boolean;
}

export const enrollmentIdOf = (journeyId: string, customerId: string, t: Pick<EnrollmentTrigger, 'eventId' | 'at'>) => stableId(Date.parse(t.at), `jrn:${journeyId}:${customerId}:${t.eventId}`);

export async function enrollCustomer(ctx: Ctx, journeyId: string, customerId: string, trigger: EnrollmentTrigger, opts: EntryOptions = {}): Promise<{ outcome: EntryOutcome; enrollmentId?: string }> {
  const { deps } = ctx;
  const journey = await repoOf(deps, JourneysRepo).get(journeyId);
  if (!journey || journey.status !== 'active' || journey.liveVersion === undefined) return { outcome: 'not-live' };
  const loaded = await loadVersion(deps, journeyId, journey.liveVersion);
  if (!loaded) throw new Error(`journey ${journeyId} has no version ${journey.liveVersion}`);
  const def = loaded.version.definition;
  if (opts.accepts && !opts.accepts(def)) return { outcome: 'trigger-mismatch' };
  const facts = opts.facts ?? factsOf(await deps.membership.header(customerId));
  if (!facts) return { outcome: 'customer-gone' };
  const nowMs = deps.clock.now().getTime();
  const may = mayEnter(loaded.journey, facts, nowMs);
  if (may !== 'ok') return { outcome: may };
  const id = enrollmentIdOf(journeyId, customerId, trigger);
  const t = enter({ id, journeyId, version: journey.liveVersion, customerId, start: loaded.journey.start, trigger, at: new Date(nowMs).toISOString() }, def.steps);
  const r = await commitEntry(ctx, t, def.reentry, nowMs);
  if (r.status === 'refused') return { outcome: r.reason, enrollmentId: id };
  await runEnrollment(ctx, id);
  return { outcome: r.status, enrollmentId: id };
}
