import { detectCycle, isAll, isAny, isNot, parseCondition, segmentRefs, type Condition } from '../../domain/conditions';
import type { Customer } from '../../domain/customer';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../../domain/errors';
import type { SegmentDef } from '../../domain/segmentation/definitions';
import type { Deps } from '../../runtime/deps';
import type { MessageQueue } from '../../runtime/message-queue';
import { countMetric } from '../../runtime/observability';
import type { Job, JobPart } from '../../store/jobs-repo';
import type { Ctx } from '../customers';
import { createJob, dispatchJob, type StepOptions, type StepResult } from '../jobs/jobs';
import { createSegmentBackfill, segmentSubject } from './backfill';

/**
 * Segments (客户分群): a named condition whose members are materialized as `~SEG#` refs and kept
 * current by the segmentation consumer and timers. Creating a segment or changing its condition
 * starts a backfill (./backfill.ts) and records it on the segment; deleting one removes its refs
 * with a clean-up job and emits no SegmentExited (the segment is gone, not the customers' match).
 */
export interface SegmentInput {
  name: string;
  description?: string;
  condition: unknown;
}

export interface SegmentPatch {
  version: number;
  name?: string;
  description?: string | null;
  condition?: unknown;
}

/** The segment leaves of a tree with the JSON path of each (`condition.all[1]`). */
export function segmentLeaves(tree: Condition, root: string): { path: string; id: string }[] {
  const out: { path: string; id: string }[] = [];
  const walk = (n: Condition, p: string): void => {
    if (isAll(n)) n.all.forEach((c, i) => walk(c, `${p}.all[${i}]`));
    else if (isAny(n)) n.any.forEach((c, i) => walk(c, `${p}.any[${i}]`));
    else if (isNot(n)) walk(n.not, `${p}.not`);
    else if (n.kind === 'segment') out.push({ path: p, id: n.value });
  };
  walk(tree, root);
  return out;
}

/**
 * A segment's condition, checked: the grammar (each bad node named), the segments it names exist,
 * and it makes no cycle of segments (400 naming the node that closes it and the whole chain).
 */
export async function checkSegmentCondition(deps: Deps, input: unknown, selfId: string | undefined, root = 'condition'): Promise<Condition> {
  const [config, segments] = await Promise.all([deps.definitions.valueConfig(), deps.definitions.listSegments()]);
  const tree = parseCondition(input, { root, baseCurrency: config.baseCurrency });
  const byId = new Map(segments.map((s) => [s.id, s]));
  const leaves = segmentLeaves(tree, root);
  const issues: FieldIssue[] = leaves.filter((l) => !byId.has(l.id)).map((l) => ({ field: `${l.path}.value`, message: `no segment has the id ${JSON.stringify(l.id)}` }));
  if (issues.length) throw new ValidationError(issues, `${issues[0]!.field}: ${issues[0]!.message}`);
  if (selfId !== undefined) {
    const cycle = detectCycle(selfId, tree, (id) => (id === selfId ? tree : byId.get(id)?.condition));
    if (cycle) {
      const first = leaves.find((l) => l.id === cycle[1]) ?? leaves[0]!;
      const label = (id: string) => (byId.get(id) ? `${id} (${byId.get(id)!.name})` : id);
      const message = `makes segments depend on themselves: ${cycle.map(label).join(' → ')}`;
      throw new ValidationError([{ field: `${first.path}.value`, message }], `${first.path}.value: ${message}`);
    }
  }
  return tree;
}

export async function requireSegment(deps: Deps, id: string): Promise<SegmentDef> {
  const s = await deps.definitions.getSegment(id);
  if (!s) throw new NotFoundError('Segment', id);
  return s;
}

/** Creates a segment and starts its backfill. */
export async function createSegment(ctx: Ctx, queue: MessageQueue, input: SegmentInput): Promise<{ segment: SegmentDef; job: Job }> {
  const { deps } = ctx;
  const id = deps.ids.next();
  const condition = await checkSegmentCondition(deps, input.condition, id);
  const now = deps.clock.now().toISOString();
  const jobId = deps.ids.next();
  const segment: SegmentDef = {
    id,
    name: input.name,
    ...(input.description ? { description: input.description } : {}),
    condition,
    version: 1,
    createdAt: now,
    updatedAt: now,
    backfill: { jobId, status: 'running', version: 1 },
  };
  // The segment first, naming its backfill: a job never runs for a segment that was not saved.
  await deps.definitions.putSegment(segment);
  const job = await createSegmentBackfill(ctx, segment, jobId);
  await dispatchJob(queue, job);
  countMetric('SegmentsCreated');
  return { segment, job };
}

const sameTree = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Edits a segment read at `patch.version` (409 otherwise). Every edit bumps the version; a new
 * condition (checked again, cycles included) starts a new backfill, which supersedes a running one.
 */
export async function updateSegment(ctx: Ctx, queue: MessageQueue, id: string, patch: SegmentPatch): Promise<{ segment: SegmentDef; job?: Job }> {
  const { deps } = ctx;
  const current = await requireSegment(deps, id);
  if (current.version !== patch.version) {
    throw new ConflictError(`The segment is at version ${current.version}, not ${patch.version}; read it again and retry.`, { currentVersion: current.version });
  }
  const condition = patch.condition === undefined ? current.condition : await checkSegmentCondition(deps, patch.condition, id);
  const conditionChanged = !sameTree(condition, current.condition);
  const next: SegmentDef = { ...current, condition };
  if (patch.name !== undefined) next.name = patch.name;
  if (patch.description === null) delete next.description;
  else if (patch.description !== undefined) next.description = patch.description;
  if (!conditionChanged && next.name === current.name && next.description === current.description) return { segment: current };
  next.version = current.version + 1;
  next.updatedAt = deps.clock.now().toISOString();
  const jobId = conditionChanged ? deps.ids.next() : undefined;
  if (jobId) next.backfill = { jobId, status: 'running', version: next.version };
  await deps.definitions.putSegment(next, current.version);
  if (!jobId) return { segment: next };
  const job = await createSegmentBackfill(ctx, next, jobId);
  await dispatchJob(queue, job);
  return { segment: next, job };
}

/**
 * Deletes a segment: refused (409) while another segment's condition names it; its members' refs
 * are removed by a clean-up job, which also supersedes a running backfill.
 */
export async function deleteSegment(ctx: Ctx, queue: MessageQueue, id: string): Promise<{ segment: SegmentDef; job: Job }> {
  const { deps } = ctx;
  const segment = await requireSegment(deps, id);
  const users = (await deps.definitions.listSegments()).filter((s) => s.id !== id && segmentRefs(s.condition).includes(id));
  if (users.length) {
    throw new ConflictError(`Segment ${id} is used by ${users.map((s) => `${s.id} (${s.name})`).join(', ')}: take it out of their conditions first.`, { usedBy: users.map((s) => s.id) });
  }
  const job = await createJob(ctx, { kind: 'segment-cleanup', subject: segmentSubject(id), params: { segmentId: id }, parts: 1 });
  await deps.definitions.deleteSegment(id);
  await dispatchJob(queue, job);
  countMetric('SegmentsDeleted');
  return { segment, job };
}

/** Segments, newest first; the cursor is the last id. */
export async function listSegments(deps: Deps, limit: number, after?: string): Promise<{ items: SegmentDef[]; cursor?: string }> {
  const all = (await deps.definitions.listSegments()).sort((a, b) => (a.id < b.id ? 1 : -1)).filter((s) => !after || s.id < after);
  const items = all.slice(0, limit);
  return { items, ...(all.length > limit ? { cursor: items[items.length - 1]!.id } : {}) };
}

/** A page of a segment's members, as the customer list shows them (live profiles only). */
export async function segmentMembers(deps: Deps, id: string, limit: number, after?: string): Promise<{ items: Customer[]; cursor?: string }> {
  await requireSegment(deps, id);
  const page = await deps.membership.members(id, limit, after);
  const customers = (await deps.customers.getMany(page.items)).filter((c) => c.status === 'active');
  return { items: customers, ...(page.cursor ? { cursor: page.cursor } : {}) };
}

export function presentSegment(s: SegmentDef) {
  const self = `/v1/segments/${s.id}`;
  return {
    id: s.id,
    name: s.name,
    ...(s.description ? { description: s.description } : {}),
    condition: s.condition as unknown as Record<string, unknown>,
    version: s.version,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    ...(s.backfill ? { backfill: { ...s.backfill, links: { job: `/v1/jobs/${s.backfill.jobId}` } } } : {}),
    links: { self, members: `${self}/members`, count: `${self}/count` },
  };
}

/** One step of a deleted segment's clean-up: a page of its members' refs removed. */
export async function segmentCleanupStep(ctx: Ctx, job: Job, p: JobPart, opts: StepOptions): Promise<StepResult> {
  const { deps } = ctx;
  const segmentId = job.params.segmentId as string;
  if (await deps.definitions.getSegment(segmentId)) {
    // The deletion did not happen (the request failed after creating the job): nothing to clean.
    await deps.jobs.finish(job.id, 'cancelled', deps.clock.now().toISOString(), 'the segment still exists');
    return 'idle';
  }
  let step = p.step;
  let after = p.checkpoint as string | undefined;
  for (;;) {
    const page = await deps.membership.members(segmentId, opts.pageLimit ?? 100, after);
    await deps.jobs.removeSegmentRefs(segmentId, page.items);
    const done = !page.cursor;
    if (!(await deps.jobs.commit(job.id, p.part, step, { ...(page.cursor ? { checkpoint: page.cursor } : {}), done }, { processed: page.items.length }, deps.clock.now().toISOString()))) return 'idle';
    step++;
    if (done) return 'done';
    after = page.cursor;
    if (opts.deadline !== undefined && Date.now() > opts.deadline) return 'more';
  }
}
