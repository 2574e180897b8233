import { NotFoundError } from '../errors';
import { RuleViolation } from '../service/errors';
import { inPool, type Lead } from './lead';

/**
 * The ownership rule of the pipeline. A caller with `pipeline:all` (managers, admins, analysts)
 * sees every lead, opportunity, quote, contract and collection; anyone else sees only what they
 * own, plus the open unowned leads of the public pool, which they may read and claim. What belongs
 * to someone else answers 404 — the caller learns nothing about it, not even that it exists. Pure.
 */
export interface PipelineActor {
  id: string;
  /** pipeline:all */
  all: boolean;
  /** pipeline:admin */
  admin: boolean;
}

export const sees = (a: PipelineActor, ownerId: string | undefined) => a.all || (ownerId !== undefined && ownerId === a.id);

/** 404 unless the actor may see a thing owned by `ownerId`. */
export function assertSees(a: PipelineActor, entity: string, id: string, ownerId: string | undefined): void {
  if (!sees(a, ownerId)) throw new NotFoundError(entity, id);
}

export const seesLead = (a: PipelineActor, l: Pick<Lead, 'ownerId' | 'status'>) => sees(a, l.ownerId) || inPool(l);

/** Reading a lead: one's own, the pool's, or any with pipeline:all. */
export function assertSeesLead(a: PipelineActor, l: Lead): void {
  if (!seesLead(a, l)) throw new NotFoundError('Lead', l.id);
}

/** Changing a lead: one's own or any with pipeline:all; a pool lead is claimed first (409). */
export function assertChangesLead(a: PipelineActor, l: Lead): void {
  assertSeesLead(a, l);
  if (!sees(a, l.ownerId)) throw new RuleViolation('claim-first', `Lead ${l.id} is in the public pool; claim it before working on it.`);
}
