import { MAIN_WAVE } from '../../domain/campaigns/assignment';
import type { Campaign } from '../../domain/campaigns/campaign';
import type { Recipient, RecipientState } from '../../domain/campaigns/recipient';
import { countMetric } from '../../runtime/observability';
import { CampaignAudienceRepo } from '../../store/campaign-audience-repo';
import { CouponsRepo } from '../../store/coupons-repo';
import type { Job, JobCounters, JobPart } from '../../store/jobs-repo';
import { MessagesRepo } from '../../store/messages-repo';
import { RecipientsRepo, type RecipientPage } from '../../store/recipients-repo';
import { repoOf } from '../../store/repo-of';
import type { Ctx } from '../customers';
import { jobMessage, type StepOptions, type StepResult } from '../jobs/jobs';
import type { DeliveryOutcome } from '../messaging/types';
import { campaigns } from './campaigns';
import { skipCounter } from './counters';
import { campaignForStep } from './fanout';
import { campaignMessaging } from './messaging-port';
import { finishPart, isFinished } from './parts';
import { onDeliveryEnded } from './waves';

/**
 * The delivery of a wave (job kind `campaign-deliver`): one part per recipient shard, each step a
 * page of the wave's recipients from the part's checkpoint. With a send rate, a page first reserves
 * its slot on the campaign's pace (n messages take n / rate seconds of it): a slot in the future is
 * kept in the checkpoint and the step comes back at its instant (an SQS delay), so a retry never
 * reserves twice. Then each queued recipient gets its variant (the remainder: the winner), its
 * coupon code (claimed once, keyed by the recipient; none left: skipped `coupons-exhausted`) and
 * one `deliver()` with the key `cmp:<campaign>:<customer>` — the send pipeline sends a key once,
 * whatever the retries — and the recipient records the outcome. A step retried after a crash
 * delivers the same page again: recipients already moved are passed over, the pipeline answers
 * `duplicate` for messages already sent.
 */
const PAGE = 100;
const CONCURRENCY = 16;
/** A slot this close is waited for in the step; a later one comes back with the queue's delay. */
const WAIT_IN_STEP_MS = 1_000;
const MAX_DELAY_SECONDS = 900;

export const deliveryKey = (campaignId: string, customerId: string) => `cmp:${campaignId}:${customerId}`;

interface Checkpoint {
  after?: string;
  /** The pace slot reserved for the page at `after` (epoch ms). */
  slotAt?: number;
}

async function page(ctx: Ctx, c: Campaign, wave: string, shard: number, after: string | undefined, limit: number): Promise<RecipientPage> {
  const repo = repoOf(ctx.deps, RecipientsRepo);
  return wave === MAIN_WAVE ? repo.mainPage(c.id, shard, after, limit) : repo.wavePage(c.id, wave, shard, after, limit);
}

/** What the recipient records of the pipeline's answer. */
async function recordOf(ctx: Ctx, o: DeliveryOutcome): Promise<{ state: RecipientState; patch: Partial<Recipient> }> {
  const base = { messageId: o.messageId };
  if (o.status === 'sent') return { state: 'sent', patch: { ...base, sentAt: o.at } };
  if (o.status === 'scheduled') return { state: 'scheduled', patch: { ...base, sendAt: o.at, reason: o.reason } };
  if (o.status === 'skipped') return { state: 'skipped', patch: { ...base, reason: o.reason } };
  if (o.status === 'failed') return { state: 'failed', patch: { ...base, reason: o.reason } };
  // A retry of a send recorded before: the message tells what became of it.
  const m = await repoOf(ctx.deps, MessagesRepo).get(o.messageId);
  const reason = (m as { reason?: string } | undefined)?.reason;
  const sentAt = (m as { sentAt?: string } | undefined)?.sentAt;
  return { state: o.previous, patch: { ...base, ...(reason ? { reason } : {}), ...(sentAt ? { sentAt } : {}) } };
}

type Result = 'sent' | 'skipped' | 'failed' | 'scheduled' | 'passed';

/** A skipped recipient's coupon code goes back to the pool. */
async function releaseCoupon(ctx: Ctx, c: Campaign, customerId: string, code: string): Promise<void> {
  if (!c.couponPoolId) return;
  await repoOf(ctx.deps, CouponsRepo).release(c.couponPoolId, code, deliveryKey(c.id, customerId), repoOf(ctx.deps, RecipientsRepo).dropCouponItem(c.id, customerId, code));
}

async function deliverOne(ctx: Ctx, c: Campaign, r: Recipient): Promise<Result> {
  if (r.state !== 'queued') {
    // Skipped by the pipeline (its event recorded it first) before a crashed try gave the code back.
    if (r.state === 'skipped' && r.couponCode) await releaseCoupon(ctx, c, r.customerId, r.couponCode);
    return 'passed';
  }
  const recipients = repoOf(ctx.deps, RecipientsRepo);
  const variantId = r.variant ?? c.decision?.winner;
  const v = c.variants.find((x) => x.id === variantId);
  if (!v) return 'passed'; // a remainder before its winner (its wave is held): not this wave's to send
  let couponCode = r.couponCode;
  if (c.couponPoolId && !couponCode) {
    const now = ctx.deps.clock.now().toISOString();
    const claim = await repoOf(ctx.deps, CouponsRepo).claim(
      c.couponPoolId,
      deliveryKey(c.id, r.customerId),
      (code) => recipients.patchItem(c.id, r.customerId, { couponCode: code }, 'attribute_exists(PK) AND attribute_not_exists(#cc)'),
      async () => (await recipients.get(c.id, r.customerId))?.couponCode,
      now,
    );
    if (claim.kind === 'exhausted') {
      const repo = campaigns(ctx.deps);
      // The skip and its count in one transaction (the slot spread by customer: many skip at once when a pool runs dry).
      await repo.transact([recipients.moveItem(c.id, r.customerId, ['queued'], 'skipped', { reason: 'coupons-exhausted', variant: v.id, channel: v.channel, updatedAt: now }), repo.addItem(c.id, `K#${v.id}#${r.customerId.slice(-2)}`, { [skipCounter('coupons-exhausted', v.id, v.channel)]: 1 })]);
      return 'skipped';
    }
    couponCode = claim.code;
  }
  const outcome = await campaignMessaging(ctx.deps).deliver(ctx, {
    key: deliveryKey(c.id, r.customerId),
    customerId: r.customerId,
    channel: v.channel,
    templateId: v.templateId,
    ...(v.templateVersion !== undefined ? { templateVersion: v.templateVersion } : {}),
    ...(couponCode ? { vars: { couponCode } } : {}),
    purpose: 'marketing',
    source: { kind: 'campaign', id: c.id, variant: v.id },
  });
  const { state, patch } = await recordOf(ctx, outcome);
  const now = ctx.deps.clock.now().toISOString();
  if (state === 'skipped' && couponCode) {
    // Not sent (no consent, suppressed, capped): the code goes back to the pool.
    await releaseCoupon(ctx, c, r.customerId, couponCode);
    couponCode = undefined;
  }
  // The "recent campaign message" mark first: a crash after it sends nothing twice and marks again.
  if (state === 'sent') await repoOf(ctx.deps, CampaignAudienceRepo).markCampaignMessage(r.customerId, c.id, patch.sentAt ?? now);
  // An event may have moved it on already (MessageSent, then delivered): that is newer, keep it.
  await recipients.move(c.id, r.customerId, ['queued'], state, { ...patch, variant: v.id, channel: v.channel, ...(couponCode ? { couponCode } : {}), updatedAt: now });
  return state === 'sent' || state === 'skipped' || state === 'failed' || state === 'scheduled' ? state : 'passed';
}

export async function deliveryStep(ctx: Ctx, job: Job, p: JobPart, opts: StepOptions): Promise<StepResult> {
  const c = await campaignForStep(ctx, job);
  if (!c) return 'idle';
  const wave = job.params.wave as string;
  const limit = Math.min(opts.pageLimit ?? PAGE, c.sendRatePerSecond);
  if (isFinished(p)) return finishPart(ctx, job, p, p.step, {}, () => onDeliveryEnded(ctx, job, 'completed'));
  let step = p.step;
  let cp = (p.checkpoint ?? {}) as Checkpoint;
  for (;;) {
    const got = await page(ctx, c, wave, p.part, cp.after, limit);
    const queued = got.items.filter((r) => r.state === 'queued').length;
    if (queued > 0) {
      const nowMs = ctx.deps.clock.now().getTime();
      const slotAt = cp.slotAt ?? (await campaigns(ctx.deps).reserve(c.id, queued, c.sendRatePerSecond, nowMs));
      if (slotAt - nowMs > WAIT_IN_STEP_MS) {
        // Keep the slot with the checkpoint and come back at its instant.
        if (!(await ctx.deps.jobs.commit(job.id, p.part, step, { checkpoint: { ...cp, slotAt }, done: false }, {}, new Date(nowMs).toISOString()))) return 'idle';
        if (!ctx.deps.queue) throw new Error('a paced delivery step needs the work queue port (deps.queue)');
        await ctx.deps.queue.send('jobs', jobMessage(job.id, p.part), { delaySeconds: Math.min(MAX_DELAY_SECONDS, Math.ceil((slotAt - nowMs) / 1000)) });
        return 'idle';
      }
      if (slotAt > nowMs) await new Promise((r) => setTimeout(r, slotAt - nowMs));
    }
    const results: Result[] = [];
    const errors: unknown[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, got.items.length) }, async () => {
        while (next < got.items.length) {
          const r = got.items[next++]!;
          try {
            results.push(await deliverOne(ctx, c, r));
          } catch (e) {
            errors.push(e);
          }
        }
      }),
    );
    // Every delivery of the page finished first; then a failure retries the page (the rest is passed over).
    if (errors.length) throw errors[0];
    const delta: Partial<JobCounters> = { processed: got.read, changed: results.filter((x) => x === 'sent').length, failed: results.filter((x) => x === 'failed').length };
    countMetric('CampaignMessagesSent', delta.changed ?? 0);
    if (got.next === undefined) return finishPart(ctx, job, p, step, delta, () => onDeliveryEnded(ctx, job, 'completed'));
    const checkpoint: Checkpoint = { after: got.next };
    if (!(await ctx.deps.jobs.commit(job.id, p.part, step, { checkpoint, done: false }, delta, ctx.deps.clock.now().toISOString()))) return 'idle';
    step++;
    cp = checkpoint;
    // Paused or cancelled meanwhile: stop here (the checkpoint is kept for resume).
    if (!(await campaignForStep(ctx, job))) return 'idle';
    if (opts.deadline !== undefined && Date.now() > opts.deadline) return 'more';
  }
}
