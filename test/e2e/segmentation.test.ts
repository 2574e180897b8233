import { readFileSync } from 'node:fs';
import { parseCondition } from '../../shared/domain/conditions';
import { signCrm } from '../../shared/http/webhook-signatures';
import { getDeps } from '../../shared/runtime/deps';
import { startTestStack, type TestStack } from './helpers';

/**
 * A rule tag and segments in the running local stack, fed by signed webhooks: an order puts the
 * buyer in a spend segment within seconds; "no order in 90 days" flips by itself at the instant
 * it becomes true (a timer, not a nightly job); three inquiries in 30 days apply the rule tag.
 */
let t: TestStack;
let secret: string;
beforeAll(async () => {
  t = await startTestStack();
  secret = JSON.parse(readFileSync(t.stack.webhookSecretsFile, 'utf8')).generic.default[0];
  const deps = await getDeps();
  const now = new Date().toISOString();
  const seg = (id: string, condition: unknown) => deps.definitions.putSegment({ id, name: id, condition: parseCondition(condition), version: 1, createdAt: now, updatedAt: now });
  await seg('big-spenders', { kind: 'orders', field: 'totalSpent', op: 'gte', value: 100, currency: 'USD' });
  await seg('lapsed', { kind: 'orders', field: 'daysSinceLastOrder', op: 'gte', value: 90 });
  await deps.definitions.putTag({ name: 'inquirer', category: 'behaviour', condition: parseCondition({ kind: 'behaviour', event: 'interaction:inquiry', withinDays: 30, op: 'gte', value: 3 }), version: 1, createdAt: now, updatedAt: now });
});
afterAll(async () => {
  await t?.stop();
});

const send = (envelope: object) => {
  const body = JSON.stringify(envelope);
  return t.call('POST', '/v1/webhooks/generic/default', { role: null, raw: body, headers: { 'content-type': 'application/json', 'x-crm-signature': signCrm(body, secret, Math.floor(Date.now() / 1000)) } });
};

async function view(platformId: string) {
  const found = await t.call('GET', `/v1/customers?platform=shop&store=main&platformId=${platformId}`);
  const id = found.body?.items?.[0]?.id as string | undefined;
  return id ? (await t.call('GET', `/v1/customers/${id}/360`)).body : undefined;
}

async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('moves a buyer into a spend segment on their order, and into "lapsed" by itself at the instant', async () => {
  // Last order 90 days ago less 6 seconds: lapsed 6 seconds from now.
  const placedAt = new Date(Date.now() - 90 * 86_400_000 + 6_000).toISOString();
  const res = await send({ id: 'seg-o1', type: 'order.upsert', occurredAt: placedAt, data: { platform: 'shop', store: 'main', orderId: 'seg-o1', customer: { id: 'seg-1' }, placedAt, status: 'paid', currency: 'USD', total: '150.00', lines: [{ product: 'Tea', quantity: 1, unitPrice: '150.00' }] } });
  expect(res.status).toBe(202);
  const first = await until(() => view('seg-1'), (v) => !!v?.segments?.includes('big-spenders'), 10_000);
  expect(first.segments).toEqual(['big-spenders']);
  const lapseAt = Date.parse(placedAt) + 90 * 86_400_000;
  const later = await until(() => view('seg-1'), (v) => !!v?.segments?.includes('lapsed'), 20_000);
  expect(later.segments.sort()).toEqual(['big-spenders', 'lapsed']);
  // Not before its instant (the timer never fires early), and within seconds after it.
  expect(Date.now()).toBeGreaterThanOrEqual(lapseAt);
  expect(Date.now() - lapseAt).toBeLessThan(5_000);
}, 40_000);

it('applies the rule tag once the third inquiry arrives', async () => {
  const inquiry = (n: number) => send({ id: `seg-i${n}`, type: 'behaviour', occurredAt: new Date().toISOString(), data: { platform: 'shop', store: 'main', customer: { id: 'seg-2' }, action: 'inquiry', note: `question ${n}` } });
  await inquiry(1);
  await inquiry(2);
  await t.stack.waitForIdle();
  expect((await view('seg-2'))?.profile.tags).toEqual([]);
  await inquiry(3);
  const tagged = await until(() => view('seg-2'), (v) => !!v?.profile?.tags?.includes('inquirer'), 10_000);
  expect(tagged.profile.tags).toEqual(['inquirer']);
}, 30_000);
