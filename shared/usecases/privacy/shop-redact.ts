import { ConflictError, NotFoundError } from '../../domain/errors';
import { dueAt, type PrivacyRequest } from '../../domain/privacy';
import { isStoreRecord, planShopRedact, shopChildSeed, shopRedactResult, type ShopRef } from '../../domain/privacy-shop';
import { countMetric } from '../../runtime/observability';
import { messageQueue } from '../../runtime/sqs-message-queue';
import { PrivacyRepo } from '../../store/privacy-repo';
import { customerPk, SK } from '../../store/keys';
import { repoOf } from '../../store/repo-of';
import { SHOP_ERASURE_LANES, ShopErasureRepo, type ShopErasureWalk } from '../../store/shop-erasure-repo';
import { event, type Ctx } from '../customers';
import { partitionOf, scrubAll } from './raw-items';
import { createPrivacyRequest, requestIdFrom } from './requests';

/**
 * Shopify's `shop/redact` (a store uninstalled the app 48 hours ago): the erasure of that store's
 * customers (issue 7), a tracked request of kind `shop-erasure` like the others — one per delivery,
 * a 30-day deadline, listed by status, shown by GET /v1/privacy-requests/{id}.
 *
 * The privacy worker runs it as a job: it walks the customer lists (live customers' shards, then
 * the recycle bin's; the lanes of ShopErasureRepo), a page per step, and for each customer linked to
 * the store (the pure rule in shared/domain/privacy-shop.ts):
 * - linked to that store only: an `erasure` request of their own, through createPrivacyRequest (every
 *   rule of a customer's erasure applies), with an id derived from the parent's and the customer's
 *   and the parent's deadline;
 * - linked elsewhere too: the profile stays; the timeline records the store sent (its orders, with
 *   the contact details they carried) lose their contact fields and free text, keeping amounts,
 *   products and dates for the reports; then that store's platform ids are removed from the
 *   profile, and their identity claims (blind-index items) with them, in the profile's conditional
 *   write — last, so a run that dies before it finds the customer still linked and scrubs again.
 * What it does to a customer is recorded under the request before it is done, and the walk's
 * position is committed after each page (guarded by its step), so a run that dies midway resumes
 * where it stood and redoes at most one page, to the same effect: nothing accepted is lost and
 * nothing is counted twice. A run near the function's time limit commits, queues its own
 * continuation and returns. When the walk is done the request completes with its counts
 * (`customersVisited`, `customersErased` — erasure requests made —, `customersDetached`,
 * `identitiesDetached`); the customers' erasures run on their own.
 */
export interface ShopErasureOptions {
  /** Epoch ms after which the run commits and queues its continuation (the function is about to time out). */
  deadline?: number;
  /** Profiles per page (small in tests to force many steps). */
  pageLimit?: number;
}

/** A run's budget before it hands over to its continuation (the privacy function times out at 15 minutes). */
const RUN_BUDGET_MS = 10 * 60_000;
const PAGE = 100;

/** The shop erasure asked by a platform delivery, recorded and queued once (the same id again returns the first). */
export async function createShopErasureRequest(ctx: Ctx, input: { id: string; platform: string; store: string }): Promise<PrivacyRequest> {
  const repo = repoOf(ctx.deps, PrivacyRepo);
  const prior = await repo.get(input.id);
  if (prior) return prior;
  const now = ctx.deps.clock.now().toISOString();
  const r: PrivacyRequest = {
    id: input.id,
    kind: 'shop-erasure',
    status: 'received',
    source: { kind: 'platform', platform: input.platform, store: input.store, request: 'shop_redact' },
    requestedBy: ctx.actorId,
    receivedAt: now,
    dueAt: dueAt(now),
    attempts: 0,
    updatedAt: now,
  };
  try {
    await repo.put(r);
  } catch (e) {
    if (e instanceof ConflictError) return (await repo.get(input.id))!;
    throw e;
  }
  await messageQueue(ctx.deps).send('privacy', JSON.stringify({ requestId: r.id }));
  countMetric('PrivacyShopErasuresRequested');
  return r;
}

function shopOf(r: PrivacyRequest): ShopRef {
  if (r.source.kind !== 'platform') throw new Error(`shop erasure ${r.id} names no store`);
  return { platform: r.source.platform, store: r.source.store };
}

/** Runs (or resumes) a shop erasure; see above. */
export async function runShopErasure(ctx: Ctx, r: PrivacyRequest, opts: ShopErasureOptions = {}): Promise<PrivacyRequest> {
  if (r.status === 'completed') return r;
  const repo = repoOf(ctx.deps, PrivacyRepo);
  const walks = repoOf(ctx.deps, ShopErasureRepo);
  const shop = shopOf(r);
  const started = ctx.deps.clock.now().toISOString();
  const running: PrivacyRequest = { ...r, status: 'running', startedAt: r.startedAt ?? started, attempts: r.attempts + 1, updatedAt: started };
  await repo.put(running, r.updatedAt);
  const deadline = opts.deadline ?? Date.now() + RUN_BUDGET_MS;
  const limit = opts.pageLimit ?? PAGE;
  try {
    let walk: ShopErasureWalk = (await walks.walk(r.id)) ?? (await walks.startWalk(r.id, started));
    while (!walk.done) {
      if (Date.now() >= deadline) {
        await messageQueue(ctx.deps).send('privacy', JSON.stringify({ requestId: r.id }));
        return running;
      }
      const page = await walks.profilesPage(walk.lane, walk.lastKey, limit);
      for (const p of page.items) if (planShopRedact(p, shop).action !== 'none') await actOn(ctx, r, shop, p.id);
      const next = page.lastKey ? { lane: walk.lane, lastKey: page.lastKey, done: false } : walk.lane + 1 < SHOP_ERASURE_LANES ? { lane: walk.lane + 1, done: false } : { lane: walk.lane, done: true };
      if (await walks.commitWalk(r.id, walk.step, next, page.items.length, ctx.deps.clock.now().toISOString())) {
        const { lastKey: _old, ...rest } = walk;
        walk = { ...rest, ...next, step: walk.step + 1, visited: walk.visited + page.items.length };
      } else {
        walk = (await walks.walk(r.id))!; // another delivery of the same request moved on: go on from where it stands
      }
    }
    const subjects = await walks.subjects(r.id);
    const now = ctx.deps.clock.now().toISOString();
    const { error: _failedBefore, ...state } = running;
    const done: PrivacyRequest = { ...state, status: 'completed', completedAt: now, result: shopRedactResult(subjects, walk.visited), updatedAt: now };
    await repo.put(done, running.updatedAt);
    countMetric('PrivacyShopErasuresCompleted');
    return done;
  } catch (err) {
    const failed: PrivacyRequest = { ...running, error: (err as Error).message.slice(0, 500), updatedAt: ctx.deps.clock.now().toISOString() };
    await repo.put(failed, running.updatedAt).catch(() => undefined);
    throw err;
  }
}

/** One customer of the store, judged on a consistent read: recorded first, then erased (their own request) or detached. */
async function actOn(ctx: Ctx, r: PrivacyRequest, shop: ShopRef, customerId: string): Promise<void> {
  const walks = repoOf(ctx.deps, ShopErasureRepo);
  const c = await ctx.deps.customers.get(customerId);
  if (!c) return;
  const plan = planShopRedact(c, shop);
  const now = ctx.deps.clock.now().toISOString();
  if (plan.action === 'erase') {
    const childId = requestIdFrom(shopChildSeed(r.id, c.id));
    await walks.recordSubject(r.id, { customerId: c.id, action: 'erased', childRequestId: childId, identities: plan.removed.length, at: now });
    try {
      await createPrivacyRequest(ctx, {
        id: childId,
        kind: 'erasure',
        customerId: c.id,
        source: { kind: 'platform', platform: shop.platform, store: shop.store, request: 'shop_redact' },
        reason: `Shopify shop/redact of ${shop.store} (request ${r.id})`,
        dueBy: r.dueAt, // the store's deadline, not 30 days from whenever the walk reached them
      });
    } catch (e) {
      if (!(e instanceof NotFoundError)) throw e; // purged meanwhile: nothing held
    }
  } else if (plan.action === 'detach') {
    await walks.recordSubject(r.id, { customerId: c.id, action: 'detached', identities: plan.removed.length, at: now });
    await walks.noteRecords(r.id, c.id, await scrubStoreRecords(ctx, c.id, shop));
    await detachStore(ctx, c.id, shop);
  }
}

/** The customer's timeline records from the store, contact fields dropped and free text blanked; answers how many there are. */
async function scrubStoreRecords(ctx: Ctx, customerId: string, shop: ShopRef): Promise<number> {
  const items = await partitionOf(ctx.deps.db, customerPk(customerId));
  const ofStore = items.filter((i) => String(i.SK).startsWith(SK.timelinePrefix) && isStoreRecord(i, shop));
  const changed = await scrubAll(ctx, ofStore);
  if (changed) countMetric('PrivacyShopRecordsScrubbed', changed);
  return ofStore.length;
}

/** The store's platform ids off the profile (their identity claims released in the same write); a no-op when they are gone already. */
async function detachStore(ctx: Ctx, customerId: string, shop: ShopRef): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const current = await ctx.deps.customers.get(customerId);
    if (!current) return;
    const plan = planShopRedact(current, shop);
    if (plan.action !== 'detach') return;
    const now = ctx.deps.clock.now().toISOString();
    const next = { ...current, platformIds: plan.keep, updatedAt: now, version: current.version + 1 };
    try {
      await ctx.deps.customers.replace(current, next, event(ctx, 'CustomerUpdated', { customerId, changed: ['platformIds'] }, now), current.status);
      countMetric('PrivacyShopIdentitiesDetached', plan.removed.length);
      return;
    } catch (e) {
      if (e instanceof ConflictError && attempt < 5) continue;
      throw e;
    }
  }
}
