import { DevOutbox } from '../../shared/runtime/messaging';
import { CAMPAIGN_SHARDS } from '../../shared/store/keys';
import { RecipientsRepo } from '../../shared/store/recipients-repo';
import { repoOf } from '../../shared/store/repo-of';
import type { Recipient } from '../../shared/domain/campaigns/recipient';
import { campaigns, createCampaign } from '../../shared/usecases/campaigns/campaigns';
import { addCodes, createPool, getPool } from '../../shared/usecases/campaigns/coupons';
import { cancelCampaign, pauseCampaign, resumeCampaign, scheduleCampaign } from '../../shared/usecases/campaigns/lifecycle';
import { campaignResults } from '../../shared/usecases/campaigns/results';
import { campaignWorld, type CampaignWorld } from './campaigns-helpers';

/**
 * The fan-out and delivery of a campaign on DynamoDB Local, with workers failing at random: a share
 * of their table writes fail (before or after reaching the table) and job messages are delivered
 * twice. Every member must still get exactly one recipient item and at most one message.
 */
async function allRecipients(w: CampaignWorld, campaignId: string): Promise<Recipient[]> {
  const repo = repoOf(w.deps, RecipientsRepo);
  return (await Promise.all(Array.from({ length: CAMPAIGN_SHARDS }, (_, s) => repo.shard(campaignId, s)))).flat();
}

async function outboxOf(w: CampaignWorld, customers: readonly string[]) {
  const set = new Set(customers);
  return (await new DevOutbox(w.deps.db).list(10_000)).filter((m) => m.customerId && set.has(m.customerId));
}

/** Runs the world, moving the clock to each held-back message, until nothing is left. */
async function settle(w: CampaignWorld): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    await w.pump();
    const next = w.queue.nextVisible('jobs');
    if (next === undefined) return;
    w.clock.t = Math.max(w.clock.t, next);
  }
  throw new Error('did not settle');
}

describe('campaign fan-out and delivery under worker failures', () => {
  test('every member gets exactly one recipient and one message; exclusions, consent skips and coupons hold', async () => {
    const w = await campaignWorld({ seed: 11 });
    const members = await w.customers(120, 'spring', (i) => ({
      ...(i % 12 === 0 ? { consent: { email: { granted: false, source: 'signup' } } } : {}),
      ...(i % 8 === 1 ? { tags: ['spring', 'staff'] } : {}),
    }));
    const segmentId = await w.segment('spring');
    const staff = await w.segment('staff');
    const templateId = await w.template();
    const pool = await createPool(w.ctx(), { name: 'Spring codes' });
    await addCodes(w.ctx(), pool.id, { generate: { count: 150, prefix: 'SPR-' } });
    const c = await createCampaign(w.ctx(), {
      name: 'Spring sale',
      audience: { segmentIds: [segmentId], excludeSegmentIds: [staff] },
      variants: [
        { channel: 'email', templateId },
        { channel: 'email', templateId },
      ],
      sendRatePerSecond: 10_000,
      couponPoolId: pool.id,
    });
    await scheduleCampaign(w.ctx(), c.id);
    w.faults.writeFailRate = 0.05;
    w.faults.redeliverRate = 0.25;
    await settle(w);
    w.faults.writeFailRate = 0;
    expect(w.faults.injected).toBeGreaterThan(20);

    const done = (await campaigns(w.deps).get(c.id))!;
    expect(done.status).toBe('completed');
    const staffIds = new Set(members.filter((_, i) => i % 8 === 1));
    const noConsent = new Set(members.filter((_, i) => i % 12 === 0 && !staffIds.has(members[i]!)));
    const eligible = members.filter((id) => !staffIds.has(id));
    const recipients = await allRecipients(w, c.id);
    // Exactly one recipient per eligible member, none for the excluded.
    expect(recipients.map((r) => r.customerId).sort()).toEqual([...eligible].sort());
    const sent = recipients.filter((r) => r.state === 'sent');
    expect(sent.map((r) => r.customerId).sort()).toEqual(eligible.filter((id) => !noConsent.has(id)).sort());
    expect(recipients.filter((r) => r.state === 'skipped' && !(r.reason === 'no-consent' && noConsent.has(r.customerId) && !r.couponCode))).toEqual([]);
    // One message per sent recipient, none twice, each with the recipient's own code.
    const outbox = await outboxOf(w, members);
    expect(outbox).toHaveLength(sent.length);
    expect(new Set(outbox.map((m) => m.customerId)).size).toBe(sent.length);
    const codes = sent.map((r) => r.couponCode!);
    expect(new Set(codes).size).toBe(sent.length);
    for (const r of sent) expect(outbox.find((m) => m.customerId === r.customerId)!.html).toContain(r.couponCode!);
    // The pool: one code per sent recipient; the skipped gave theirs back.
    expect(await getPool(w.ctx(), pool.id)).toMatchObject({ uploaded: 150, assigned: sent.length, available: 150 - sent.length });
    // Both variants used, about half each.
    const a = recipients.filter((r) => r.variant === 'A').length;
    expect(a).toBeGreaterThan(recipients.length * 0.3);
    expect(a).toBeLessThan(recipients.length * 0.7);

    const results = await campaignResults(w.ctx(), c.id);
    expect(results.total).toMatchObject({ recipients: eligible.length, sent: sent.length, skipped: noConsent.size, pending: 0 });
    expect(results.total.skippedBy).toEqual({ 'no-consent': noConsent.size });
    expect(results.excluded.segment).toBe(staffIds.size);
    expect(results.byVariant.A!.recipients + results.byVariant.B!.recipients).toBe(eligible.length);
    expect(results.byChannel.email!.sent).toBe(sent.length);
  }, 240_000);

  test('two included segments: a customer in both is one recipient; another campaign within N days excludes', async () => {
    const w = await campaignWorld({ seed: 3 });
    const both = await w.customers(12, 'one', (i) => ({ tags: i < 6 ? ['one', 'two'] : ['one'] }));
    const onlyTwo = await w.customers(5, 'two', (i) => ({ email: `two${i}@example.com` }));
    const one = await w.segment('one');
    const two = await w.segment('two');
    const templateId = await w.template();
    const first = await createCampaign(w.ctx(), { name: 'First', audience: { segmentIds: [one, two] }, variants: [{ channel: 'email', templateId }], sendRatePerSecond: 10_000 });
    await scheduleCampaign(w.ctx(), first.id);
    await settle(w);
    expect((await allRecipients(w, first.id)).map((r) => r.customerId).sort()).toEqual([...both, ...onlyTwo].sort());
    const r1 = await campaignResults(w.ctx(), first.id);
    expect(r1.total.recipients).toBe(17);
    expect(r1.excluded.duplicate).toBe(6);

    const second = await createCampaign(w.ctx(), { name: 'Second', audience: { segmentIds: [two], excludeRecentDays: 3 }, variants: [{ channel: 'email', templateId }], sendRatePerSecond: 10_000 });
    await scheduleCampaign(w.ctx(), second.id);
    await settle(w);
    expect(await allRecipients(w, second.id)).toEqual([]);
    expect((await campaignResults(w.ctx(), second.id)).excluded.recent).toBe(11);
    expect((await campaigns(w.deps).get(second.id))!.status).toBe('completed');
  }, 120_000);
});

describe('pause, resume and cancel', () => {
  test('a paused campaign sends nothing more; resumed, it finishes from its checkpoints, each member once', async () => {
    const w = await campaignWorld({ seed: 5 });
    const members = await w.customers(60, 'paced');
    const segmentId = await w.segment('paced');
    const templateId = await w.template();
    // 5 messages a second on a clock that stands still: the first slots go now, the rest wait.
    const c = await createCampaign(w.ctx(), { name: 'Paced', audience: { segmentIds: [segmentId] }, variants: [{ channel: 'email', templateId }], sendRatePerSecond: 5 });
    await scheduleCampaign(w.ctx(), c.id);
    await w.pump();
    const before = (await outboxOf(w, members)).length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(60);
    await pauseCampaign(w.ctx(), c.id);
    for (let i = 0; i < 20; i++) {
      w.clock.advance(60_000);
      await w.pump();
    }
    expect((await outboxOf(w, members)).length).toBe(before);
    expect((await campaigns(w.deps).get(c.id))!.status).toBe('paused');

    await resumeCampaign(w.ctx(), c.id);
    w.faults.redeliverRate = 0.3;
    await settle(w);
    const outbox = await outboxOf(w, members);
    expect(outbox).toHaveLength(60);
    expect(new Set(outbox.map((m) => m.customerId)).size).toBe(60);
    expect((await campaigns(w.deps).get(c.id))!.status).toBe('completed');
    // The pace held: 60 messages at 5 a second span at least 11 seconds of the test clock.
    const times = outbox.map((m) => Date.parse(m.sentAt)).sort((a, b) => a - b);
    expect(times[times.length - 1]! - times[0]!).toBeGreaterThanOrEqual(11_000);
  }, 120_000);

  test('a cancelled campaign stops for good: its jobs end cancelled, its recipients stay queued', async () => {
    const w = await campaignWorld({ seed: 9 });
    const members = await w.customers(40, 'cancel');
    const segmentId = await w.segment('cancel');
    const templateId = await w.template();
    const c = await createCampaign(w.ctx(), { name: 'Cancelled', audience: { segmentIds: [segmentId] }, variants: [{ channel: 'email', templateId }], sendRatePerSecond: 4 });
    await scheduleCampaign(w.ctx(), c.id);
    await w.pump();
    const before = (await outboxOf(w, members)).length;
    await cancelCampaign(w.ctx(), c.id);
    await settle(w);
    expect((await outboxOf(w, members)).length).toBe(before);
    const done = (await campaigns(w.deps).get(c.id))!;
    expect(done.status).toBe('cancelled');
    const run = (await campaigns(w.deps).getRun(c.id))!;
    const job = await w.deps.jobs.getJob(run.waves.main!.jobId!);
    expect(job!.status).toBe('cancelled');
    const recipients = await allRecipients(w, c.id);
    expect(recipients.filter((r) => r.state === 'queued')).toHaveLength(40 - before);
    await expect(resumeCampaign(w.ctx(), c.id)).rejects.toMatchObject({ status: 409, extra: { rule: 'resume-only-paused' } });
  }, 120_000);
});
