import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors';
import { triggerIndexKey } from '../../domain/journeys/events';
import type { Journey, JourneyDefinition, JourneyStatus, JourneyVersion } from '../../domain/journeys/types';
import { countMetric } from '../../runtime/observability';
import { JourneysRepo } from '../../store/journeys-repo';
import { repoOf } from '../../store/repo-of';
import type { TransactItem } from '../../store/transact';
import type { Ctx } from '../customers';
import { forgetTriggers } from './cache';
import { checkDefinition } from './references';
import { definitionFromTemplate, type TemplateChoice } from './from-template';
import { startWalk } from './walks';

/**
 * Journeys: create (from a definition or a ready-made template), edit, publish, pause, resume,
 * archive. A journey has a working definition (the draft) and, once published, immutable versions;
 * publishing makes the draft version N+1 and the one new entries get, while enrollments keep the
 * version they entered. Editing a live journey edits the draft only. Every change is one write
 * guarded by the version read (409 when it moved) with the trigger index entries it implies.
 */
export interface NewJourney extends Partial<TemplateChoice> {
  name: string;
  description?: string;
  definition?: unknown;
}

export interface JourneyPatch {
  version?: number;
  name?: string;
  description?: string | null;
  definition?: unknown;
}

const repo = (ctx: Ctx) => repoOf(ctx.deps, JourneysRepo);

export async function requireJourney(ctx: Ctx, id: string): Promise<Journey> {
  const j = await repo(ctx).get(id);
  if (!j) throw new NotFoundError('Journey', id);
  return j;
}

function refuse(rule: string, message: string): ConflictError {
  return new ConflictError(message, { rule });
}

function expectVersion(j: Journey, version: number | undefined): void {
  if (version !== undefined && version !== j.version) throw new ConflictError(`Journey ${j.id} is at version ${j.version}, not ${version}; read it again and retry.`, { reason: 'version', currentVersion: j.version });
}

export async function createJourney(ctx: Ctx, input: NewJourney): Promise<Journey> {
  let raw = input.definition;
  if (input.templateId) {
    if (input.definition !== undefined) throw ValidationError.field('definition', 'give a definition or a templateId, not both');
    raw = await definitionFromTemplate(ctx, { templateId: input.templateId, ...(input.messages ? { messages: input.messages } : {}), ...(input.overrides ? { overrides: input.overrides } : {}) });
  } else if (input.definition === undefined) throw ValidationError.field('definition', 'is required (or a templateId of GET /v1/journey-templates)');
  const definition = await checkDefinition(ctx.deps, raw);
  const now = ctx.deps.clock.now().toISOString();
  const j: Journey = {
    id: ctx.deps.ids.next(),
    name: input.name,
    ...(input.description ? { description: input.description } : {}),
    status: 'draft',
    definition,
    hasDraft: true,
    versions: 0,
    ...(input.templateId ? { templateId: input.templateId } : {}),
    createdBy: ctx.actorId,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await repo(ctx).commit([repo(ctx).put(j, undefined)], j.id);
  countMetric('JourneysCreated');
  return j;
}

export async function updateJourney(ctx: Ctx, id: string, patch: JourneyPatch): Promise<Journey> {
  const j = await requireJourney(ctx, id);
  expectVersion(j, patch.version);
  if (j.status === 'archived') throw refuse('journey-archived', `Journey ${id} is archived; archived journeys are read-only.`);
  const definition = patch.definition !== undefined ? await checkDefinition(ctx.deps, patch.definition) : undefined;
  const next: Journey = { ...j, updatedAt: ctx.deps.clock.now().toISOString(), version: j.version + 1 };
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.description === null) delete next.description;
  else if (patch.description !== undefined) next.description = patch.description;
  if (definition) {
    next.definition = definition;
    next.hasDraft = true;
  }
  await repo(ctx).commit([repo(ctx).put(next, j.version)], id);
  return next;
}

/** Publishes the draft as a new immutable version and makes it the one new entries get; the journey goes (or stays) active. */
export async function publishJourney(ctx: Ctx, id: string, expected?: number): Promise<{ journey: Journey; version: JourneyVersion }> {
  const j = await requireJourney(ctx, id);
  expectVersion(j, expected);
  if (j.status === 'archived') throw refuse('journey-archived', `Journey ${id} is archived; archived journeys cannot be published.`);
  if (!j.hasDraft) throw refuse('nothing-to-publish', `Journey ${id} has no changes since version ${j.liveVersion}; edit it first${j.status === 'paused' ? ', or resume it' : ''}.`);
  // Checked again: a template, segment, agent or secret it names may have gone since it was saved.
  const definition = await checkDefinition(ctx.deps, j.definition);
  const now = ctx.deps.clock.now().toISOString();
  const number = j.versions + 1;
  const v: JourneyVersion = { journeyId: id, number, definition, publishedAt: now, publishedBy: ctx.actorId };
  const next: Journey = {
    ...j,
    definition,
    status: 'active',
    hasDraft: false,
    liveVersion: number,
    liveTrigger: triggerIndexKey(definition.trigger),
    liveTriggerType: definition.trigger.type,
    versions: number,
    publishedAt: now,
    updatedAt: now,
    version: j.version + 1,
  };
  delete next.pausedAt;
  const items: TransactItem[] = [repo(ctx).put(next, j.version), repo(ctx).versionPut(v), ...indexChange(ctx, j, next)];
  await repo(ctx).commit(items, id);
  forgetTriggers();
  countMetric('JourneysPublished');
  await afterGoingLive(ctx, j, next, definition.trigger);
  return { journey: next, version: v };
}

/** Trigger index entries: the old one removed when the trigger changed, the live version's put. */
function indexChange(ctx: Ctx, before: Journey, after: Journey): TransactItem[] {
  const r = repo(ctx);
  const was = before.status === 'active' ? before.liveTrigger : undefined;
  const now = after.status === 'active' ? after.liveTrigger : undefined;
  const items: TransactItem[] = [];
  if (was && was !== now) items.push(r.triggerDelete(was, before.id));
  if (now) items.push(r.triggerPut(now, { journeyId: after.id, version: after.liveVersion! }));
  return items;
}

/** After a journey goes live (published, resumed): held enrollments go on; date triggers get their timers. */
async function afterGoingLive(ctx: Ctx, before: Journey, after: Journey, trigger: JourneyDefinition['trigger']): Promise<void> {
  if (before.status === 'paused') await startWalk(ctx, { journeyId: after.id, purpose: 'resume' });
  if (trigger.type === 'date') await startWalk(ctx, { journeyId: after.id, purpose: trigger.on === 'holiday' ? 'holiday-plan' : 'plan-dates' });
}

async function setStatus(ctx: Ctx, id: string, expected: number | undefined, to: JourneyStatus, allowed: readonly JourneyStatus[], rule: string): Promise<Journey> {
  const j = await requireJourney(ctx, id);
  expectVersion(j, expected);
  if (!allowed.includes(j.status)) throw refuse(rule, `Journey ${id} is ${j.status}; it can be ${to === 'paused' ? 'paused' : to === 'active' ? 'resumed' : 'archived'} only when ${allowed.join(' or ')}.`);
  const now = ctx.deps.clock.now().toISOString();
  const next: Journey = { ...j, status: to, updatedAt: now, version: j.version + 1 };
  if (to === 'paused') next.pausedAt = now;
  if (to === 'active') delete next.pausedAt;
  if (to === 'archived') next.archivedAt = now;
  const r = repo(ctx);
  const items: TransactItem[] = [r.put(next, j.version)];
  const key = j.liveVersion !== undefined ? j.liveTrigger : undefined;
  if (key && to !== 'active') items.push(r.triggerDelete(key, id));
  if (key && to === 'active') items.push(r.triggerPut(key, { journeyId: id, version: j.liveVersion! }));
  await r.commit(items, id);
  forgetTriggers();
  return next;
}

/** No new entries; enrollments hold at their next step until the journey is resumed (exits still apply). */
export async function pauseJourney(ctx: Ctx, id: string, expected?: number): Promise<Journey> {
  return setStatus(ctx, id, expected, 'paused', ['active'], 'journey-not-active');
}

export async function resumeJourney(ctx: Ctx, id: string, expected?: number): Promise<Journey> {
  const before = await requireJourney(ctx, id);
  const j = await setStatus(ctx, id, expected, 'active', ['paused'], 'journey-not-paused');
  const live = await repo(ctx).version(id, j.liveVersion!);
  if (live) await afterGoingLive(ctx, before, j, live.definition.trigger);
  return j;
}

/** The end of a journey: no new entries, and every active enrollment exits (`journey-archived`). Read-only from then on. */
export async function archiveJourney(ctx: Ctx, id: string, expected?: number): Promise<Journey> {
  const j = await setStatus(ctx, id, expected, 'archived', ['draft', 'active', 'paused'], 'journey-archived');
  if (j.liveVersion !== undefined) await startWalk(ctx, { journeyId: id, purpose: 'archive' });
  return j;
}
