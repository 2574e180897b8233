import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fields, startTestStack, type Api, type TestStack } from './helpers';

/**
 * The issue's proof, over HTTP on the local stack: the ready-made abandoned-cart journey, made with
 * 2-second and 12-second waits through step overrides, is published; a Shopify checkout arrives by
 * the signed webhook and is declared abandoned by the minute schedule; the customer is enrolled;
 * after the first wait the 1-hour reminder is in the dev outbox; the customer orders through the
 * order webhook; the enrollment exits, and the 24-hour reminder is never sent. Then bad input.
 */
let t: TestStack;
let secret = '';
const SHOP = 'journeys-e2e.myshopify.com';

beforeAll(async () => {
  t = await startTestStack();
  secret = JSON.parse(readFileSync(t.stack.webhookSecretsFile, 'utf8')).shopify['*'][0];
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
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
const shopify = (topic: string, body: unknown, eventId: string) => {
  const raw = Buffer.from(JSON.stringify(body));
  return t.call('POST', '/v1/webhooks/shopify', {
    role: null,
    raw,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-hmac-sha256': createHmac('sha256', secret).update(raw).digest('base64'),
      'x-shopify-shop-domain': SHOP,
      'x-shopify-event-id': eventId,
      'x-shopify-webhook-id': `wh-${eventId}`,
    },
  });
};

describe('an abandoned cart, end to end', () => {
  const email = `cart.${randomBytes(3).toString('hex')}@example.com`;
  const checkoutId = String(Date.now());
  let journeyId = '';
  let customerId = '';
  let enrollment: any; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('sets up: messaging without quiet hours, the ready-made abandoned-cart journey with short waits, published', async () => {
    const settings = ok(await t.call('GET', '/v1/messaging/settings'));
    const { version, updatedAt: _u, updatedBy: _b, ...rest } = settings;
    ok(await t.call('PUT', '/v1/messaging/settings', { body: { ...rest, quietHours: { ...rest.quietHours, enabled: false }, version } }));
    const templates = ok(await t.call('GET', '/v1/journey-templates'));
    expect(templates.items.map((x: { id: string }) => x.id)).toEqual(['welcome-series', 'abandoned-cart', 'post-purchase', 'win-back', 'birthday', 'vip-upgrade']);
    const created = ok(
      await t.call('POST', '/v1/journeys', {
        headers: { 'idempotency-key': `cart-${checkoutId}` },
        body: {
          name: 'Abandoned cart (e2e)',
          templateId: 'abandoned-cart',
          overrides: { 'wait-1h': { wait: { kind: 'duration', value: 2, unit: 'seconds' } }, 'wait-24h': { wait: { kind: 'duration', value: 12, unit: 'seconds' } } },
        },
      }),
      201,
    );
    journeyId = created.id;
    expect(created).toMatchObject({ status: 'draft', hasDraft: true, versions: 0 });
    const live = ok(await t.call('POST', `/v1/journeys/${journeyId}/publish?version=${created.version}`));
    expect(live).toMatchObject({ status: 'active', liveVersion: 1, hasDraft: false });
  });

  it('a Shopify checkout, abandoned: the customer is enrolled and waits', async () => {
    const past = new Date(Date.now() - 2 * 3_600_000).toISOString();
    const checkout = {
      id: checkoutId,
      token: `tok-${checkoutId}`,
      email,
      created_at: past,
      updated_at: past,
      completed_at: null,
      currency: 'USD',
      total_price: '129.00',
      buyer_accepts_marketing: true,
      shipping_address: [],
      billing_address: { first_name: 'Mei', last_name: 'Lin', city: 'Hangzhou', country_code: 'CN' },
      line_items: [{ product_id: 1, title: 'Tea set', quantity: 1, sku: 'TEA-1', price: '129.00' }],
      customer: null,
    };
    expect((await shopify('checkouts/create', checkout, `chk-${checkoutId}`)).status).toBe(202);
    await t.stack.waitForIdle();
    await t.stack.runSchedule('abandon-checkouts');
    customerId = await eventually('the customer', async () => ok(await t.call('GET', `/v1/customers?email=${encodeURIComponent(email)}`)).items[0]?.id);
    enrollment = await eventually('the enrollment', async () => ok(await t.call('GET', `/v1/customers/${customerId}/journey-enrollments`)).items.find((e: { journeyId: string }) => e.journeyId === journeyId));
    expect(enrollment).toMatchObject({ status: 'active', version: 1, trigger: { kind: 'event', eventType: 'CheckoutAbandoned' } });
  });

  it('after the first wait the 1-hour reminder is in the dev outbox', async () => {
    const mine = async () => ok(await t.call('GET', `/v1/dev/outbox?customerId=${customerId}`)).items.filter((m: { to: string }) => m.to === email);
    const first = await eventually('the 1-hour reminder', async () => (await mine()).find((m: { subject?: string }) => m.subject === 'You left something in your cart'));
    expect(first).toMatchObject({ channel: 'email', purpose: 'marketing' });
    // The runner that sent it goes on in the same run (the move onto wait-24h, then the wait begins):
    // read the enrollment once the stack has settled, not in between.
    await t.stack.waitForIdle();
    const one = ok(await t.call('GET', `/v1/journey-enrollments/${enrollment.id}`));
    expect(one.enrollment).toMatchObject({ status: 'active', position: { stepId: 'wait-24h', phase: 'wait' } });
    expect(one.history.map((h: { kind: string; stepId?: string; outcome: string }) => `${h.kind}${h.stepId ? ` ${h.stepId}` : ''} ${h.outcome}`)).toEqual([
      'entered CheckoutAbandoned',
      'waiting wait-1h until',
      'step wait-1h waited',
      'step reminder-1h sent',
      'waiting wait-24h until',
    ]);
    enrollment = one.enrollment;
  });

  it('the customer orders: the journey exits before the 24-hour step, which is never sent', async () => {
    const order = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'shopify', 'orders-create.json'), 'utf8'));
    Object.assign(order, { id: Number(checkoutId) + 1, email, contact_email: email, checkout_id: Number(checkoutId), phone: null, created_at: new Date().toISOString(), updated_at: new Date().toISOString(), processed_at: new Date().toISOString() });
    order.customer = { ...order.customer, id: Number(checkoutId) + 2, email, phone: null };
    if (order.billing_address) order.billing_address.phone = null;
    if (order.shipping_address) order.shipping_address.phone = null;
    expect((await shopify('orders/create', order, `ord-${checkoutId}`)).status).toBe(202);
    const ended = await eventually('the exit', async () => {
      const one = ok(await t.call('GET', `/v1/journey-enrollments/${enrollment.id}`));
      return one.enrollment.status !== 'active' ? one : undefined;
    });
    expect(ended.enrollment).toMatchObject({ status: 'exited', exitReason: 'goal', position: { stepId: 'wait-24h' } });
    // Past the 24-hour step's time: its timer fired, and sent nothing.
    const due = Date.parse(enrollment.position.waitUntil);
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now()) + 3000));
    await t.stack.waitForIdle();
    const outbox = ok(await t.call('GET', `/v1/dev/outbox?customerId=${customerId}`)).items.filter((m: { to: string }) => m.to === email);
    expect(outbox.map((m: { subject?: string }) => m.subject)).toEqual(['You left something in your cart']);
    const after = ok(await t.call('GET', `/v1/journey-enrollments/${enrollment.id}`));
    expect(after.history.map((h: { kind: string }) => h.kind)).toEqual(['entered', 'waiting', 'step', 'step', 'waiting', 'goal', 'exited']);
    const stats = ok(await t.call('GET', `/v1/journeys/${journeyId}/stats`));
    expect(stats).toMatchObject({ enrolled: 1, active: 0, goalReached: 1, exited: { total: 1, byReason: { goal: 1 } } });
    expect(stats.steps['reminder-1h']).toEqual({ reached: 1, outcomes: { sent: 1 } });
    expect(stats.steps['reminder-24h']).toBeUndefined();
    expect(stats.messages.total).toMatchObject({ sent: 1 });
  });
});

describe('bad input', () => {
  const step = (id: string, next?: string) => ({ id, type: 'wait', wait: { kind: 'duration', value: 1, unit: 'hours' }, ...(next ? { next } : {}) });
  const journey = (definition: unknown) => t.call('POST', '/v1/journeys', { body: { name: 'bad', definition } });

  it('a loop without a wait, a dangling edge, an unreachable step, an unknown event or template: 400 naming the step and the rule', async () => {
    const loop = await journey({ trigger: { type: 'event', event: 'OrderPlaced' }, steps: [{ id: 'a', type: 'condition', condition: { kind: 'tag', op: 'has', value: 'x' }, yes: 'b' }, { id: 'b', type: 'tag', add: ['y'], next: 'a' }], reentry: { mode: 'never' } });
    expect(loop.status).toBe(400);
    expect(loop.body.errors).toEqual([{ field: 'steps[0]', message: 'steps a → b → a form a loop without a wait of at least an hour (a cycle must pass through a wait)' }]);
    const dangling = await journey({ trigger: { type: 'event', event: 'OrderPlaced' }, steps: [step('a', 'b')], reentry: { mode: 'never' } });
    expect([dangling.status, fields(dangling)]).toEqual([400, ['steps[0].next']]);
    const unreachable = await journey({ trigger: { type: 'event', event: 'OrderPlaced' }, steps: [step('a'), step('b')], reentry: { mode: 'never' } });
    expect([unreachable.status, unreachable.body.errors[0].message]).toEqual([400, 'step "b" cannot be reached from the start "a" (an unreachable step)']);
    const unknown = await journey({ trigger: { type: 'event', event: 'CartForgotten' }, steps: [step('a')], reentry: { mode: 'never' } });
    expect([unknown.status, fields(unknown)]).toEqual([400, ['trigger.event']]);
    const template = await journey({ trigger: { type: 'event', event: 'OrderPlaced' }, steps: [{ id: 'm', type: 'message', channel: 'email', templateId: 'NOPE', purpose: 'marketing' }], reentry: { mode: 'never' } });
    expect([template.status, template.body.errors]).toEqual([400, [{ field: 'steps[0].templateId', message: 'names no message template "NOPE"' }]]);
    const validate = ok(await t.call('POST', '/v1/journeys/validate', { body: { definition: { trigger: { type: 'event', event: 'OrderPlaced' }, steps: [step('a', 'zz')], reentry: { mode: 'never' } } } }));
    expect(validate).toMatchObject({ valid: false, errors: [{ field: 'steps[0].next' }] });
    expect((await t.call('GET', '/v1/journeys')).body.items.filter((j: { name: string }) => j.name === 'bad')).toEqual([]);
  });

  it('who may do what; unknown ids; rules of the lifecycle', async () => {
    expect((await t.call('GET', '/v1/journeys', { role: 'agent' })).status).toBe(403);
    expect((await t.call('GET', '/v1/journeys', { role: 'analyst' })).status).toBe(200);
    expect((await t.call('POST', '/v1/journeys/validate', { role: 'analyst', body: { definition: {} } })).status).toBe(200);
    expect((await t.call('POST', '/v1/journeys', { role: 'analyst', body: { name: 'x', templateId: 'birthday' } })).status).toBe(403);
    expect((await t.call('GET', '/v1/journeys/01ARZ3NDEKTSV4RRFFQ69G5FAV')).status).toBe(404);
    expect((await t.call('POST', '/v1/journey-enrollments/01ARZ3NDEKTSV4RRFFQ69G5FAV/exit')).status).toBe(404);
    const j = ok(await t.call('POST', '/v1/journeys', { body: { name: 'VIP', templateId: 'vip-upgrade' } }), 201);
    const paused = await t.call('POST', `/v1/journeys/${j.id}/pause`);
    expect([paused.status, paused.body.rule]).toEqual([409, 'journey-not-active']);
    ok(await t.call('POST', `/v1/journeys/${j.id}/archive`));
    const edit = await t.call('PATCH', `/v1/journeys/${j.id}`, { body: { name: 'again' } });
    expect([edit.status, edit.body.rule]).toEqual([409, 'journey-archived']);
    const secret = ok(await t.call('PUT', '/v1/journey-secrets/shop-hooks', { body: { value: 'a-secret-of-enough-length-42' } }));
    expect(secret).toMatchObject({ name: 'shop-hooks', hint: '…h-42' });
    expect(JSON.stringify(ok(await t.call('GET', '/v1/journey-secrets')))).not.toContain('enough-length');
    expect((await t.call('PUT', '/v1/journey-secrets/shop-hooks', { body: { value: 'short' } })).status).toBe(400);
  });
});
