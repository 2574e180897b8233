import type { Recipient } from '../../shared/domain/campaigns/recipient';
import { CAMPAIGN_SHARDS } from '../../shared/store/keys';
import { RecipientsRepo } from '../../shared/store/recipients-repo';
import { repoOf } from '../../shared/store/repo-of';
import { campaigns, createCampaign } from '../../shared/usecases/campaigns/campaigns';
import { scheduleCampaign } from '../../shared/usecases/campaigns/lifecycle';
import { campaignResults } from '../../shared/usecases/campaigns/results';
import { attributeOrder } from '../../shared/usecases/messaging/attribution';
import { recordFeedback } from '../../shared/usecases/messaging/feedback';
import { campaignWorld, EMAIL, type CampaignWorld } from './campaigns-helpers';

/**
 * An A/B test on DynamoDB Local, with the send pipeline's real feedback and attribution: the test
 * share goes out split between the variants, opens favour B, orders are attributed, the window
 * closes, the winner is picked by the z-test and the remainder gets it; results and ROI follow.
 */
async function all(w: CampaignWorld, id: string): Promise<Recipient[]> {
  const repo = repoOf(w.deps, RecipientsRepo);
  return (await Promise.all(Array.from({ length: CAMPAIGN_SHARDS }, (_, s) => repo.shard(id, s)))).flat();
}

describe('an A/B test picks its winner and sends the remainder', () => {
  test('open rate: B wins significantly, the remainder gets B, results per variant with ROI', async () => {
    const w = await campaignWorld({ seed: 21 });
    const members = await w.customers(300, 'ab');
    const segmentId = await w.segment('ab');
    const a = await w.template({ ...EMAIL, subject: 'Our spring sale' });
    const b = await w.template({ ...EMAIL, subject: '{{ customer.firstName | default: "Friend" }}, 30% off ends tonight' });
    const c = await createCampaign(w.ctx(), {
      name: 'Subject test',
      audience: { segmentIds: [segmentId] },
      variants: [
        { id: 'A', channel: 'email', templateId: a, splitPercent: 50 },
        { id: 'B', channel: 'email', templateId: b, splitPercent: 50 },
      ],
      abTest: { testSharePercent: 40, metric: 'open-rate', windowMinutes: 60 },
      sendRatePerSecond: 10_000,
      cost: { currency: 'USD', fixedMinor: 5_000, perMessageMinor: { email: 10 } },
    });
    await scheduleCampaign(w.ctx(), c.id);
    await w.pump();

    let cur = (await campaigns(w.deps).get(c.id))!;
    const run = (await campaigns(w.deps).getRun(c.id))!;
    expect(run.waves.main).toMatchObject({ status: 'held' });
    expect(run.waves.t0).toMatchObject({ status: 'sent' });
    expect(run.decisionDueAt).toBe(new Date(Date.parse(run.waves.t0!.sendAt) + 60 * 60_000).toISOString());
    const test = (await all(w, c.id)).filter((r) => r.group === 'test');
    expect(test.length).toBeGreaterThan(90);
    expect(test.length).toBeLessThan(150);
    expect(test.every((r) => r.state === 'sent' && r.messageId)).toBe(true);

    // Opens: about 15 % of A, 55 % of B; clicks and two orders on B.
    let k = 0;
    for (const r of test) {
      k++;
      const opens = r.variant === 'B' ? k % 20 < 11 : k % 20 < 3;
      if (opens) await recordFeedback(w.ctx(), { messageId: r.messageId!, kind: 'opened' });
    }
    const buyers = test.filter((r) => r.variant === 'B').slice(0, 2);
    for (const [i, r] of buyers.entries()) {
      await recordFeedback(w.ctx(), { messageId: r.messageId!, kind: 'clicked', url: 'https://shop.example.com/sale' });
      await attributeOrder(w.ctx(), { customerId: r.customerId, orderId: `order-${i}`, platform: 'shopify', store: 'shop', totalMinor: 12_000 + i * 3_000, currency: 'USD', placedAt: new Date(w.clock.t).toISOString() });
    }
    await w.pump();
    const opened = await repoOf(w.deps, RecipientsRepo).byState(c.id, 'opened', 100);
    expect(opened.items.length).toBeGreaterThan(10);
    expect(opened.items.every((r) => r.openedAt)).toBe(true);
    const converted = await repoOf(w.deps, RecipientsRepo).byState(c.id, 'converted', 100);
    expect(converted.items.map((r) => r.customerId).sort()).toEqual(buyers.map((r) => r.customerId).sort());
    expect(converted.items.find((r) => r.customerId === buyers[1]!.customerId)).toMatchObject({ revenueMinor: { USD: 15_000 }, orderIds: ['order-1'] });

    // The window has not closed: no decision yet.
    cur = (await campaigns(w.deps).get(c.id))!;
    expect(cur.decision).toBeUndefined();
    w.clock.advance(61 * 60_000);
    await w.pump();
    cur = (await campaigns(w.deps).get(c.id))!;
    expect(cur.decision).toMatchObject({ winner: 'B', significant: true, basis: 'significant', test: 'two-proportion-z', metric: 'open-rate' });
    expect(cur.decision!.variants.find((v) => v.variant === 'A')!.pValue).toBeLessThan(0.05);
    expect(cur.status).toBe('completed');

    // The remainder: everyone else, sent B, once.
    const everyone = await all(w, c.id);
    expect(everyone.map((r) => r.customerId).sort()).toEqual([...members].sort());
    const rest = everyone.filter((r) => r.group === 'remainder');
    expect(rest.length).toBe(300 - test.length);
    expect(rest.every((r) => r.variant === 'B' && r.state === 'sent')).toBe(true);

    const results = await campaignResults(w.ctx(), c.id);
    expect(results.total).toMatchObject({ recipients: 300, sent: 300, pending: 0, converted: 2, orders: 2, revenue: 27_000 });
    const rb = results.byVariant.B!;
    expect(rb.recipients).toBe(300 - test.filter((r) => r.variant === 'A').length);
    expect(rb.revenue).toBe(27_000);
    // Cost: 50.00 fixed, shared by messages sent, plus 0.10 per e-mail.
    expect(results.total.costMinor).toBe(5_000 + 300 * 10);
    expect(results.total.roi).toBeCloseTo((27_000 - 8_000) / 8_000, 4);
    expect(rb.costMinor + results.byVariant.A!.costMinor).toBe(8_000);
    expect(results.byChannel.email!.roi).toBeCloseTo((27_000 - 8_000) / 8_000, 4);
    expect(results.decision?.winner).toBe('B');
  }, 240_000);

  test('a tiny audience (maybe nobody in the test share) still completes: every member sent once', async () => {
    const w = await campaignWorld({ seed: 4 });
    const members = await w.customers(4, 'tiny');
    const segmentId = await w.segment('tiny');
    const a = await w.template();
    const b = await w.template({ ...EMAIL, subject: 'Other subject' });
    const c = await createCampaign(w.ctx(), {
      name: 'Tiny',
      audience: { segmentIds: [segmentId] },
      variants: [
        { channel: 'email', templateId: a },
        { channel: 'email', templateId: b },
      ],
      abTest: { testSharePercent: 5, metric: 'click-rate', windowMinutes: 30, fallback: 'default-variant', defaultVariant: 'B' },
      sendRatePerSecond: 10_000,
    });
    await scheduleCampaign(w.ctx(), c.id);
    await w.pump();
    w.clock.advance(31 * 60_000);
    await w.pump();
    const done = (await campaigns(w.deps).get(c.id))!;
    expect(done.status).toBe('completed');
    expect(done.decision).toMatchObject({ significant: false, basis: 'default-variant', winner: 'B' });
    const everyone = await all(w, c.id);
    expect(everyone.map((r) => r.customerId).sort()).toEqual([...members].sort());
    expect(everyone.every((r) => r.state === 'sent')).toBe(true);
    expect(everyone.filter((r) => r.group === 'remainder').every((r) => r.variant === 'B')).toBe(true);
  }, 60_000);
});
