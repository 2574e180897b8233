import type { Customer } from '../../domain/customer';
import { DomainError, ValidationError, type FieldIssue } from '../../domain/errors';
import { normalizeEmail, normalizeName, normalizePhone, platformIdentity, type Identity } from '../../domain/identity';
import type { Deps } from '../../runtime/deps';
import type { MessageQueue } from '../../runtime/message-queue';
import type { Job, JobCounters, JobPart } from '../../store/jobs-repo';
import { changeTags, type Ctx } from '../customers';
import { startJob, type StepOptions, type StepResult } from '../jobs/jobs';

/**
 * Manual tags on many customers at once (`POST /v1/tag-jobs`): add and remove tags on everyone a
 * segment holds, a search finds (the fields of the list route and exports), or everyone; a job of
 * one part walks the target page by page from its checkpoint (a cursor) and changes each customer
 * through the profile update path (changeTags: version guard, CustomerTagsChanged `manual`).
 * A page retried after a crash changes nothing twice (adding a tag a customer has is no change); its
 * customers then count as processed but not changed.
 */
export interface SearchTarget {
  email?: string;
  phone?: string;
  externalId?: string;
  platform?: string;
  store?: string;
  platformId?: string;
  name?: string;
}

/** Who a bulk change applies to; `tag` (everyone carrying a tag) is what deleting a tag with removeFromCustomers uses. */
export type BulkTarget = { segmentId: string } | { search: SearchTarget } | { all: true } | { tag: string };

export interface BulkTagsInput {
  add: readonly string[];
  remove: readonly string[];
  target: BulkTarget;
}

export const tagKey = (name: string) => name.trim().toLowerCase();

/**
 * A manual change of tags, checked: tags spelled as in the catalog when they are in it (ignoring
 * case), none both added and removed, and no rule tag or churn-warning tag (their condition sets
 * them; a manual change would be undone by the next evaluation).
 */
export async function checkTagChange(deps: Deps, add: readonly string[], remove: readonly string[]): Promise<{ add: string[]; remove: string[] }> {
  const [catalog, config] = await Promise.all([deps.definitions.listTags(), deps.definitions.valueConfig()]);
  const byKey = new Map(catalog.map((t) => [tagKey(t.name), t]));
  const warnTag = config.churnWarning?.tag;
  const issues: FieldIssue[] = [];
  const spell = (list: readonly string[], field: 'add' | 'remove') => {
    const out: string[] = [];
    list.forEach((raw, i) => {
      const name = raw.trim();
      const t = byKey.get(tagKey(name));
      if (t?.condition) issues.push({ field: `${field}[${i}]`, message: `"${t.name}" is a rule tag: its condition applies and removes it` });
      else if (warnTag && tagKey(warnTag) === tagKey(name)) issues.push({ field: `${field}[${i}]`, message: `"${warnTag}" is the churn warning's tag: the value settings apply and remove it` });
      const spelled = t ? t.name : name;
      if (!out.includes(spelled)) out.push(spelled);
    });
    return out;
  };
  const a = spell(add, 'add');
  const r = spell(remove, 'remove');
  remove.forEach((raw, i) => {
    const t = byKey.get(tagKey(raw));
    if (a.includes(t ? t.name : raw.trim())) issues.push({ field: `remove[${i}]`, message: `"${raw.trim()}" is also in add` });
  });
  if (a.length + r.length === 0) issues.push({ field: 'add', message: 'give at least one tag to add or to remove' });
  if (issues.length) throw new ValidationError(issues, `${issues[0]!.field}: ${issues[0]!.message}`);
  return { add: a, remove: r };
}

function identityOf(f: SearchTarget, region: string): Identity | undefined {
  if (f.email !== undefined) {
    const r = normalizeEmail(f.email);
    if (!r.ok) throw ValidationError.field('target.search.email', r.reason);
    return { kind: 'email', value: r.value };
  }
  if (f.phone !== undefined) {
    const r = normalizePhone(f.phone, region);
    if (!r.ok) throw ValidationError.field('target.search.phone', r.reason);
    return { kind: 'phone', value: r.value };
  }
  if (f.externalId !== undefined) return { kind: 'external', value: f.externalId };
  if (f.platformId !== undefined) return { kind: 'platform', value: platformIdentity(f.platform ?? '', f.store ?? '', f.platformId) };
  return undefined;
}

/** Exactly one target, and a search of exactly one kind (as `GET /v1/customers` searches). */
async function checkTarget(deps: Deps, target: BulkTarget): Promise<void> {
  const t = target as Partial<Record<'segmentId' | 'search' | 'all' | 'tag', unknown>>;
  const modes = (['segmentId', 'search', 'all', 'tag'] as const).filter((k) => t[k] !== undefined && t[k] !== false);
  if (modes.length !== 1) throw ValidationError.field('target', 'give exactly one of segmentId, search or all: true');
  if ('segmentId' in target && !(await deps.definitions.getSegment(target.segmentId))) throw ValidationError.field('target.segmentId', `no segment has the id ${JSON.stringify(target.segmentId)}`);
  if ('search' in target) {
    const f = target.search;
    const ways = [f.email, f.phone, f.externalId, f.platformId, f.name].filter((v) => v !== undefined);
    if (ways.length !== 1) throw ValidationError.field('target.search', 'give exactly one of email, phone, externalId, platform+store+platformId or name');
    if (f.platformId !== undefined && (!f.platform || !f.store)) throw ValidationError.field('target.search.platform', 'platform and store are required with platformId');
    identityOf(f, deps.config.defaultPhoneRegion);
  }
}

/** Starts a bulk tag job (its total is known up front for a segment or a tag). */
export async function startBulkTags(ctx: Ctx, queue: MessageQueue, input: BulkTagsInput): Promise<Job> {
  const { deps } = ctx;
  const change = await checkTagChange(deps, input.add, input.remove);
  await checkTarget(deps, input.target);
  const total = 'segmentId' in input.target ? await deps.membership.count(input.target.segmentId) : 'tag' in input.target ? await deps.tagIndex.count(input.target.tag) : undefined;
  return startJob(ctx, queue, { kind: 'bulk-tags', params: { add: change.add, remove: change.remove, target: input.target }, parts: 1, ...(total !== undefined ? { total } : {}) });
}

interface TargetPage {
  customers: Customer[];
  /** Entries of the target visited (an index may still name customers no longer live: visited, not changed). */
  visited: number;
  next?: unknown;
}

async function live(deps: Deps, ids: readonly string[]): Promise<Customer[]> {
  return (await deps.customers.getMany([...ids])).filter((c) => c.status === 'active');
}

async function targetPage(deps: Deps, target: BulkTarget, cursor: unknown, limit: number): Promise<TargetPage> {
  if ('segmentId' in target || 'tag' in target) {
    const page = 'segmentId' in target ? await deps.membership.members(target.segmentId, limit, cursor as string | undefined) : await deps.tagIndex.members(target.tag, limit, cursor as string | undefined);
    return { customers: await live(deps, page.items), visited: page.items.length, ...(page.cursor ? { next: page.cursor } : {}) };
  }
  if ('all' in target) {
    const page = await deps.customers.list(limit, cursor as string | undefined);
    return { customers: page.items, visited: page.items.length, ...(page.cursor ? { next: page.cursor } : {}) };
  }
  const identity = identityOf(target.search, deps.config.defaultPhoneRegion);
  if (identity) {
    const id = await deps.customers.findIdByIdentity(identity);
    const c = id ? await deps.customers.get(id) : undefined;
    return { customers: c?.status === 'active' ? [c] : [], visited: c ? 1 : 0 };
  }
  const page = await deps.customers.searchByNamePrefix(normalizeName(target.search.name ?? ''), limit, cursor as Record<string, string> | undefined);
  return { customers: page.items, visited: page.items.length, ...(page.lastKey ? { next: page.lastKey } : {}) };
}

const CONCURRENCY = 8;

/** One step: pages of the target from the checkpoint, each customer changed, counters committed per page. */
export async function bulkTagsStep(ctx: Ctx, job: Job, p: JobPart, opts: StepOptions): Promise<StepResult> {
  const { deps } = ctx;
  const { add, remove, target } = job.params as unknown as BulkTagsInput;
  const jobCtx: Ctx = { deps, correlationId: `job:${job.id}`, actorId: job.createdBy };
  let step = p.step;
  let cursor = p.checkpoint;
  for (;;) {
    const page = await targetPage(deps, target, cursor, opts.pageLimit ?? 100);
    const delta: Partial<JobCounters> = { processed: page.visited, changed: 0, failed: 0 };
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, page.customers.length) }, async () => {
        while (next < page.customers.length) {
          const c = page.customers[next++]!;
          try {
            const r = await changeTags(jobCtx, c.id, add, remove, c);
            if (r.added.length + r.removed.length) delta.changed!++;
          } catch (e) {
            // Refused for this customer (limits, merged or deleted meanwhile): counted, the job goes on.
            if (!(e instanceof DomainError)) throw e;
            delta.failed!++;
          }
        }
      }),
    );
    const done = page.next === undefined;
    if (!(await deps.jobs.commit(job.id, p.part, step, { ...(done ? {} : { checkpoint: page.next }), done }, delta, deps.clock.now().toISOString()))) return 'idle';
    step++;
    if (done) return 'done';
    cursor = page.next;
    if (opts.deadline !== undefined && Date.now() > opts.deadline) return 'more';
  }
}
