import { readFileSync } from 'node:fs';
import { LOCAL_CREDENTIALS } from '../../infra/local/dynamodb-local';
import { signCrm } from '../../shared/http/webhook-signatures';
import { DevOutbox } from '../../shared/runtime/messaging';
import { createDocumentClient } from '../../shared/store/client';
import { fields, startTestStack, unique, type Api, type TestStack } from './helpers';

/**
 * The proof over HTTP on the local stack: a segment, an A/B campaign to it with a coupon
 * pool, the test share's messages in the dev outbox, simulated opens and clicks through the dev
 * feedback route, an order from the signed webhook attributed to a message, the winner chosen when
 * the (one-minute) test window closes, the remainder sent the winner, results with ROI — and the
 * bad input and lifecycle refusals on the way.
 */
let t: TestStack;
let outbox: DevOutbox;
let secret: string;
const N = 120;

beforeAll(async () => {
  t = await startTestStack();
  outbox = new DevOutbox({ doc: createDocumentClient({ endpoint: t.stack.dynamoEndpoint, credentials: LOCAL_CREDENTIALS }), tableName: t.stack.tableName });
  secret = JSON.parse(readFileSync(t.stack.webhookSecretsFile, 'utf8')).generic.default[0];
});
afterAll(async () => {
  await t?.stop();
});

const ok = (res: Api, status = 200) => {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
  return res.body;
};
async function eventually<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false && v !== null) return v as T;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
const as = { role: 'marketer' as const };

describe('a campaign with an A/B test, end to end', () => {
  const emails = new Map<string, string>();
  let segmentId = '';
  let templateA = '';
  let templateB = '';
  let poolId = '';
  let campaign: any; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('sets up: messaging settings, customers with consent, a segment, two templates, a coupon pool', async () => {
    const current = ok(await t.call('GET', '/v1/messaging/settings', as));
    ok(await t.call('PUT', '/v1/messaging/settings', { ...as, body: { ...current, linkBaseUrl: t.stack.url, quietHours: { enabled: false, start: '21:00', end: '08:00' }, frequencyCaps: { perDay: 0, perWeek: 0, week: 'rolling' } } }));
    for (let i = 0; i < N; i++) {
      const u = unique('spring');
      const c = ok(await t.call('POST', '/v1/customers', { body: { name: u.name, email: u.email, tags: ['spring-ab'], consent: { email: { granted: i % 20 !== 0, source: 'signup' } } } }), 201);
      emails.set(c.id, u.email);
    }
    segmentId = ok(await t.call('POST', '/v1/segments', { body: { name: 'Spring A/B', condition: { kind: 'tag', op: 'has', value: 'spring-ab' } } }), 201).id;
    await eventually('the segment backfill', async () => (ok(await t.call('GET', `/v1/segments/${segmentId}/count`)).count === N ? true : undefined));
    const html = '<html><body><p>Hi {{ customer.firstName | default: "there" }}, your code: {{ coupon.code | default: "none" }}</p></body></html>';
    templateA = ok(await t.call('POST', '/v1/templates', { ...as, body: { name: 'Spring A', channel: 'email', content: { subject: 'Spring sale', html } } }), 201).id;
    templateB = ok(await t.call('POST', '/v1/templates', { ...as, body: { name: 'Spring B', channel: 'email', content: { subject: '{{ customer.firstName | default: "Friend" }}, 30% off ends tonight', html } } }), 201).id;
    poolId = ok(await t.call('POST', '/v1/coupon-pools', { ...as, body: { name: 'Spring codes' } }), 201).id;
    const added = ok(await t.call('POST', `/v1/coupon-pools/${poolId}/codes`, { ...as, body: { generate: { count: 200, prefix: 'SPRING-' } } }));
    expect(added).toMatchObject({ added: 200, pool: { available: 200 } });
  }, 180_000);

  it('refuses bad campaigns with the reason: no audience, an unknown template, splits not adding up', async () => {
    const variants = [{ channel: 'email', templateId: templateA }];
    const noAudience = await t.call('POST', '/v1/campaigns', { ...as, body: { name: 'x', audience: { segmentIds: [] }, variants } });
    expect(noAudience.status).toBe(400);
    expect(noAudience.body.errors).toEqual([{ field: 'audience.segmentIds', message: expect.stringContaining('needs an audience') }]);
    const unknownTemplate = await t.call('POST', '/v1/campaigns', { ...as, body: { name: 'x', audience: { segmentIds: [segmentId] }, variants: [{ channel: 'email', templateId: '01JN0TEMP1ATE0000000000000' }] } });
    expect(unknownTemplate.status).toBe(400);
    expect(fields(unknownTemplate)).toEqual(['variants[0].templateId']);
    const wrongChannel = await t.call('POST', '/v1/campaigns', { ...as, body: { name: 'x', audience: { segmentIds: [segmentId] }, variants: [{ channel: 'sms', templateId: templateA }] } });
    expect(fields(wrongChannel)).toEqual(['variants[0].channel']);
    const splits = await t.call('POST', '/v1/campaigns', { ...as, body: { name: 'x', audience: { segmentIds: [segmentId] }, variants: [{ channel: 'email', templateId: templateA, splitPercent: 70 }, { channel: 'email', templateId: templateB, splitPercent: 20 }] } });
    expect(fields(splits)).toEqual(['variants']);
    expect((await t.call('POST', '/v1/campaigns', { role: 'analyst', body: { name: 'x', audience: { segmentIds: [segmentId] }, variants } })).status).toBe(403);
  });

  it('creates the A/B campaign and previews its reachable audience', async () => {
    campaign = ok(
      await t.call('POST', '/v1/campaigns', {
        ...as,
        body: {
          name: 'Spring subject test',
          audience: { segmentIds: [segmentId] },
          variants: [
            { id: 'A', channel: 'email', templateId: templateA, splitPercent: 50 },
            { id: 'B', channel: 'email', templateId: templateB, splitPercent: 50 },
          ],
          abTest: { testSharePercent: 50, metric: 'open-rate', windowMinutes: 1, confidence: 0.95 },
          couponPoolId: poolId,
          sendRatePerSecond: 500,
          cost: { currency: 'USD', fixedMinor: 2_000, perMessageMinor: { email: 5 } },
        },
      }),
      201,
    );
    expect(campaign).toMatchObject({ status: 'draft', purpose: 'marketing', schedule: { kind: 'now' }, attributionWindowDays: 5 });
    const preview = ok(await t.call('GET', `/v1/campaigns/${campaign.id}/audience`, as));
    expect(preview).toMatchObject({ members: N, exact: true, eligible: N, reachable: N - N / 20, unreachable: { 'no-consent': N / 20 } });
    // A test send renders with the sample customer (Li Lei) to the marketer's own address.
    const test = ok(await t.call('POST', `/v1/campaigns/${campaign.id}/test-send`, { ...as, body: { variant: 'B', to: 'marketer@brand.example.com' } }), 202);
    expect((await outbox.get(test.messageId))!.subject).toBe('[TEST] Li, 30% off ends tonight');
  });

  it('sends the test share, split between A and B, each with its own coupon code', async () => {
    campaign = ok(await t.call('POST', `/v1/campaigns/${campaign.id}/schedule`, { ...as, body: { version: campaign.version } }));
    expect(campaign.status).toBe('running');
    expect((await t.call('PATCH', `/v1/campaigns/${campaign.id}`, { ...as, body: { version: campaign.version, name: 'late edit' } })).body).toMatchObject({ rule: 'edit-only-draft-or-scheduled' });
    campaign = await eventually('the test share sent', async () => {
      const c = ok(await t.call('GET', `/v1/campaigns/${campaign.id}`, as));
      return c.phase === 'waiting-for-winner' ? c : undefined;
    });
    const sent = ok(await t.call('GET', `/v1/campaigns/${campaign.id}/recipients?state=sent&limit=100`, as)).items as { customerId: string; variant: string; couponCode: string; messageId: string }[];
    expect(sent.length).toBeGreaterThan(35);
    expect(new Set(sent.map((r) => r.variant))).toEqual(new Set(['A', 'B']));
    expect(new Set(sent.map((r) => r.couponCode)).size).toBe(sent.length);
    const captured = (await outbox.list(1000)).filter((m) => m.customerId && emails.has(m.customerId));
    expect(captured).toHaveLength(sent.length);
    for (const r of sent) expect(captured.find((m) => m.customerId === r.customerId)!.html).toContain(r.couponCode);
  });

  it('records opens and clicks (dev feedback route) and an order from the webhook; the window closes and B wins', async () => {
    const sent = ok(await t.call('GET', `/v1/campaigns/${campaign.id}/recipients?state=sent&limit=100`, as)).items as { customerId: string; variant: string; messageId: string }[];
    let k = 0;
    for (const r of sent) {
      k++;
      ok(await t.call('POST', `/v1/dev/messages/${r.messageId}/events`, { ...as, body: { type: 'delivered' } }));
      if (r.variant === 'B' ? k % 10 < 8 : k % 10 < 1) ok(await t.call('POST', `/v1/dev/messages/${r.messageId}/events`, { ...as, body: { type: 'opened' } }));
    }
    const buyer = sent.find((r) => r.variant === 'B')!;
    ok(await t.call('POST', `/v1/dev/messages/${buyer.messageId}/events`, { ...as, body: { type: 'clicked' } }));
    const now = new Date().toISOString();
    const body = JSON.stringify({ id: 'cmp-o1', type: 'order.upsert', occurredAt: now, data: { orderId: 'cmp-o1', customer: { email: emails.get(buyer.customerId) }, placedAt: now, status: 'paid', currency: 'USD', total: '180.00', lines: [{ product: 'Silk scarf', quantity: 1, unitPrice: '180.00' }] } });
    expect((await t.call('POST', '/v1/webhooks/generic/default', { role: null, raw: body, headers: { 'content-type': 'application/json', 'x-crm-signature': signCrm(body, secret, Math.floor(Date.now() / 1000)) } })).status).toBe(202);
    await eventually('the buyer converted', async () => {
      const page = ok(await t.call('GET', `/v1/campaigns/${campaign.id}/recipients?state=converted`, as));
      return page.items.find((r: { customerId: string }) => r.customerId === buyer.customerId);
    });

    const done = await eventually(
      'the winner and the remainder',
      async () => {
        const c = ok(await t.call('GET', `/v1/campaigns/${campaign.id}`, as));
        return c.status === 'completed' ? c : undefined;
      },
      180_000,
    );
    expect(done.decision).toMatchObject({ winner: 'B', metric: 'open-rate', significant: true, basis: 'significant', test: 'two-proportion-z' });
    expect(done.phase).toBe('done');
    expect((await t.call('DELETE', `/v1/campaigns/${campaign.id}`, as)).body).toMatchObject({ rule: 'delete-only-draft' });
  }, 240_000);

  it('sent the remainder the winner, every member once, and reports results with ROI', async () => {
    const captured = (await outbox.list(2000)).filter((m) => m.customerId && emails.has(m.customerId) && m.purpose !== 'campaign-test');
    const consenting = N - N / 20;
    expect(captured).toHaveLength(consenting);
    expect(new Set(captured.map((m) => m.customerId)).size).toBe(consenting);
    const results = ok(await t.call('GET', `/v1/campaigns/${campaign.id}/results`, as));
    expect(results.total).toMatchObject({ recipients: N, sent: consenting, skipped: N / 20, skippedBy: { 'no-consent': N / 20 }, converted: 1, revenue: 18_000, pending: 0 });
    expect(results.total.costMinor).toBe(2_000 + consenting * 5);
    expect(results.total.roi).toBeCloseTo((18_000 - results.total.costMinor) / results.total.costMinor, 4);
    expect(results.byVariant.B.recipients).toBeGreaterThan(results.byVariant.A.recipients);
    expect(results.byVariant.B.rates.open).toBeGreaterThan(results.byVariant.A.rates.open);
    expect(results.byVariant.B).toMatchObject({ revenue: 18_000, converted: 1 });
    expect(results.byChannel.email).toMatchObject({ sent: consenting, revenue: 18_000 });
    expect(results.decision.variants.find((v: { variant: string }) => v.variant === 'A').pValue).toBeLessThan(0.05);
    const pool = ok(await t.call('GET', `/v1/coupon-pools/${poolId}`, as));
    expect(pool).toMatchObject({ uploaded: 200, assigned: consenting, available: 200 - consenting });
    const skipped = ok(await t.call('GET', `/v1/campaigns/${campaign.id}/recipients?state=skipped`, as));
    expect(skipped.items).toHaveLength(N / 20);
    expect(skipped.items.every((r: { reason: string }) => r.reason === 'no-consent')).toBe(true);
  });
});
