import { ConflictError, DomainError } from '../../domain/errors';
import type { SegmentDef } from '../../domain/segmentation/definitions';
import type { CompiledEngine } from '../../domain/segmentation/engine';
import type { Deps } from '../../runtime/deps';
import type { MessageQueue } from '../../runtime/message-queue';
import { countMetric } from '../../runtime/observability';
import { customerIdOfItem, headerFromItems, type Job, type JobCounters, type JobPart, type ScanPage } from '../../store/jobs-repo';
import type { Evaluation } from '../../store/membership-repo';
import type { Ctx } from '../customers';
import { completeIfDone, createJob, dispatchJob, isCurrent, supersede, type StepOptions, type StepResult } from '../jobs/jobs';
import { setTimer } from '../timers/timers';
import { loadEngine } from './engine-cache';
import { evaluateCustomer, SEGMENT_TIMER_KIND } from './evaluate-customer';
import { planEvaluation } from './plan';

/**
 * Backfills and rescores: a parallel Scan of the table, BACKFILL_SEGMENTS parts each walking one
 * Scan segment from its own checkpoint. The header items of each customer (`~PROFILE`, `~AGG`,
 * `~STATE`, `~SEG#…`) come from the scanned pages — nothing is read again per customer — and the
 * full engine (`evaluate`) runs on them; only customers whose result changed are written, through
 * `MembershipRepo.apply` guarded by the state version read (on a conflict the customer is
 * evaluated again on its own, `evaluateCustomer`). A step stops at its deadline after committing
 * what it did; a job that is no longer its subject's current one (the segment was edited or
 * deleted, the settings were saved again) stops.
 */
export const BACKFILL_SEGMENTS = 16;
/** Changed customers written at once by one part. */
const WRITE_CONCURRENCY = 8;

export const segmentSubject = (segmentId: string) => `segment:${segmentId}`;
export const tagSubject = (name: string) => `tag:${name.toLowerCase()}`;
export const SETTINGS_SUBJECT = 'settings:value';

/** A segment's backfill job (created, not yet queued): the segment then records it. */
export function createSegmentBackfill(ctx: Ctx, segment: Pick<SegmentDef, 'id' | 'version'>, jobId?: string): Promise<Job> {
  return createJob(ctx, { ...(jobId ? { id: jobId } : {}), kind: 'backfill', subject: segmentSubject(segment.id), params: { segmentId: segment.id, version: segment.version }, parts: BACKFILL_SEGMENTS });
}

/** A rule tag's backfill (its condition is new or changed): everyone is evaluated with it. */
export async function startTagBackfill(ctx: Ctx, queue: MessageQueue, tag: { name: string; version: number }): Promise<Job> {
  const job = await createJob(ctx, { kind: 'backfill', subject: tagSubject(tag.name), params: { tag: tag.name, version: tag.version }, parts: BACKFILL_SEGMENTS });
  await dispatchJob(queue, job);
  return job;
}

/** After the value settings changed: everyone is evaluated with them. */
export async function startRescore(ctx: Ctx, queue: MessageQueue, configVersion: number): Promise<Job> {
  const job = await createJob(ctx, { kind: 'rescore', subject: SETTINGS_SUBJECT, params: { configVersion }, parts: BACKFILL_SEGMENTS });
  await dispatchJob(queue, job);
  return job;
}

/** The segment records how its backfill ended (unless it was edited meanwhile and a newer one runs). */
export async function onBackfillEnded(ctx: Ctx, job: Job, status: 'completed' | 'failed'): Promise<void> {
  const segmentId = job.params.segmentId as string | undefined;
  if (!segmentId) return;
  for (let attempt = 0; attempt < 5; attempt++) {
    const seg = await ctx.deps.definitions.getSegment(segmentId);
    if (!seg?.backfill || seg.backfill.jobId !== job.id) return; // a newer backfill is the one to record
    const backfill = { ...seg.backfill, status: status === 'completed' ? ('done' as const) : ('failed' as const) };
    if (seg.backfill.status === backfill.status) return;
    try {
      await ctx.deps.definitions.putSegment({ ...seg, backfill }, seg.version);
      return;
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e; // renamed meanwhile: read it again
    }
  }
}

// ---- one customer

type Outcome = 'changed' | 'same' | 'skipped' | 'failed';

/** What a scanned customer needs: nothing, a write of their new result, or an evaluation on their own. */
type Decision = Outcome | { customerId: string; write?: Evaluation; timerAt?: string };

/** Evaluates one customer from their scanned header items, synchronously (no I/O for the many that did not change). */
function decide(ctx: Ctx, engine: CompiledEngine, known: ReadonlySet<string>, items: Record<string, unknown>[], now: Date): Decision {
  const customerId = customerIdOfItem(items[0]!);
  if (!customerId) return 'skipped';
  const header = headerFromItems(items);
  if (!header.profile) return 'skipped';
  // Deleted or merged away: out of every segment (evaluateCustomer does that, with the events).
  if (header.profile.status !== 'active') return header.memberships.length ? { customerId } : 'same';
  try {
    // Refs of deleted segments are left to their clean-up job (no SegmentExited for a deletion).
    const memberships = header.memberships.filter((id) => known.has(id));
    const { write, timerAt } = planEvaluation(ctx, engine, customerId, { ...header, profile: header.profile, memberships }, now);
    if (!write) return 'same';
    return { customerId, write, ...(timerAt ? { timerAt } : {}) };
  } catch (e) {
    // Data a domain rule refuses is counted, not retried forever.
    if (e instanceof DomainError) return 'failed';
    throw e;
  }
}

/** Writes one changed result (guarded by the state version read), or evaluates the customer on their own. */
async function carryOut(ctx: Ctx, engine: CompiledEngine, d: Exclude<Decision, Outcome>): Promise<Outcome> {
  const { deps } = ctx;
  try {
    if (!d.write) return (await evaluateCustomer(ctx, d.customerId, engine)).changed ? 'changed' : 'same';
    try {
      await deps.membership.apply(d.write);
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      // Someone evaluated or changed them since the page was read: evaluate them on their own.
      countMetric('BackfillConflicts');
      return (await evaluateCustomer(ctx, d.customerId, engine)).changed ? 'changed' : 'same';
    }
    if (d.timerAt) await setTimer(deps, { kind: SEGMENT_TIMER_KIND, key: d.customerId, dueAt: d.timerAt });
    return 'changed';
  } catch (e) {
    // A customer a domain rule refuses (a merge holds them, a conflict that stays) is counted, not retried forever.
    if (e instanceof DomainError) return 'failed';
    throw e;
  }
}

/** Runs `fn` over `xs` with at most `n` at once. */
async function pool<T, R>(xs: readonly T[], n: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(xs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, xs.length) }, async () => {
      while (next < xs.length) {
        const i = next++;
        out[i] = await fn(xs[i]!);
      }
    }),
  );
  return out;
}

/** Splits items into runs of one partition each (a Scan returns a partition's items together). */
function groupByPartition(items: readonly Record<string, unknown>[]): Record<string, unknown>[][] {
  const groups: Record<string, unknown>[][] = [];
  let pk: unknown;
  for (const item of items) {
    if (item.PK !== pk || groups.length === 0) {
      groups.push([]);
      pk = item.PK;
    }
    groups[groups.length - 1]!.push(item);
  }
  return groups;
}

const keyOf = (item: Record<string, unknown>) => ({ PK: item.PK, SK: item.SK });

/**
 * One step of one part of a backfill or rescore: Scan segment `part` from its checkpoint, page by
 * page (the next page is read while this one is evaluated and written), until the segment ends or
 * the deadline passes. The checkpoint is the key of the last item of the last customer finished,
 * so a customer whose items straddle a page end is read whole again by the next step. Returns
 * `more`, `done`, or `idle` when the job is over or another delivery committed this step.
 */
export async function backfillSegmentScan(deps: Deps, jobId: string, part: number, opts: StepOptions = {}): Promise<StepResult> {
  const ctx: Ctx = { deps, correlationId: `job:${jobId}`, actorId: 'system:backfill' };
  const found = await deps.jobs.get(jobId);
  if (!found || found.job.status !== 'running') return 'idle';
  const p = found.parts.find((x) => x.part === part);
  if (!p || p.done) return 'idle';
  if (!(await isCurrent(ctx, found.job))) {
    await supersede(ctx, found.job);
    return 'idle';
  }
  const result = await backfillStep(ctx, found.job, p, opts);
  if (result === 'done') await completeIfDone(ctx, jobId, found.job.kind === 'backfill' ? onBackfillEnded : undefined);
  return result;
}

export async function backfillStep(ctx: Ctx, job: Job, p: JobPart, opts: StepOptions): Promise<StepResult> {
  const { deps } = ctx;
  // The definitions as they are now (the job may have been created a moment ago), then at most a
  // second old for each page, as the event consumer has them: an edit of another segment or tag
  // during a long step is in force within a second here too.
  let engine = await loadEngine(deps, { fresh: true });
  let known = new Set(engine.segments.map((s) => s.id));
  let step = p.step;
  let checkpoint = p.checkpoint as Record<string, unknown> | undefined;
  let carry: Record<string, unknown>[] = [];
  const scan = (start: Record<string, unknown> | undefined) => deps.jobs.scanHeaders(p.part, job.parts, start, opts.pageLimit);
  let pending: Promise<ScanPage> | undefined = scan(checkpoint);
  try {
    for (;;) {
      const page: ScanPage = await pending!;
      pending = page.lastKey ? scan(page.lastKey) : undefined;
      const end = !page.lastKey;
      const groups = groupByPartition([...carry, ...page.items]);
      // The last customer of a page may go on in the next one: keep them for it.
      carry = end || groups.length === 0 ? [] : groups.pop()!;
      const lastDone = groups[groups.length - 1];
      const next = lastDone ? keyOf(lastDone[lastDone.length - 1]!) : checkpoint;

      const delta: Partial<JobCounters> = { scanned: page.scannedCount };
      if (groups.length) {
        const latest = await loadEngine(deps);
        if (latest !== engine) {
          engine = latest;
          known = new Set(engine.segments.map((s) => s.id));
        }
        const now = deps.clock.now();
        const decisions = groups.map((g) => decide(ctx, engine, known, g, now));
        const toWrite = decisions.filter((d): d is Exclude<Decision, Outcome> => typeof d !== 'string');
        const written = await pool(toWrite, WRITE_CONCURRENCY, (d) => carryOut(ctx, engine, d));
        const outcomes = [...decisions.filter((d): d is Outcome => typeof d === 'string'), ...written];
        for (const o of outcomes) {
          if (o === 'skipped') continue;
          delta.customers = (delta.customers ?? 0) + 1;
          if (o === 'changed') delta.changed = (delta.changed ?? 0) + 1;
          if (o === 'failed') delta.failed = (delta.failed ?? 0) + 1;
        }
      }
      const committed = await deps.jobs.commit(job.id, p.part, step, { ...(next ? { checkpoint: next } : {}), done: end }, delta, deps.clock.now().toISOString());
      if (!committed) return 'idle';
      step++;
      checkpoint = next;
      if (delta.changed) countMetric('BackfillChanged', delta.changed);
      if (end) return 'done';
      // Past the deadline, stop once this step has moved the checkpoint (a customer longer than a page is finished first).
      if (opts.deadline !== undefined && Date.now() > opts.deadline && checkpoint !== p.checkpoint) return 'more';
      // Checked before every page's writes (the first by the caller): a superseded job writes nothing more.
      if (!(await isCurrent(ctx, job))) {
        await supersede(ctx, job);
        return 'idle';
      }
    }
  } finally {
    pending?.catch(() => undefined);
  }
}
