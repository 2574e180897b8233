import { readFileSync } from 'node:fs';
import { signCrm } from '../../shared/http/webhook-signatures';
import { startTestStack, unique, type TestStack } from './helpers';

/**
 * The send pipeline over HTTP on the local stack: a template (bad ones refused with the reason), a
 * one-off send to a customer, the message in the dev outbox, an open through the pixel and a click
 * through the tracked link, simulated delivery feedback, an order attributed to the message, the
 * one-click unsubscribe, and the second send skipped — with the source's counters at each step.
 */
let t: TestStack;
let secret: string;
const SMS_CHANNEL_SECRET = 'e2e-sms-gateway-secret';

beforeAll(async () => {
  process.env.CRM_CHANNEL_WEBHOOK_SECRET = SMS_CHANNEL_SECRET;
  t = await startTestStack();
  secret = JSON.parse(readFileSync(t.stack.webhookSecretsFile, 'utf8')).generic.default[0];
});
afterAll(async () => {
  await t?.stop();
  delete process.env.CRM_CHANNEL_WEBHOOK_SECRET;
});

async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const path = (url: string) => url.slice(t.stack.url.length);
const stats = async () => (await t.call('GET', '/v1/messaging/stats/manual/one-off', { role: 'marketer' })).body;

it('sends, tracks, attributes and unsubscribes a message end to end', async () => {
  // Settings: links point at this stack, quiet hours off (the test runs at any hour).
  const current = await t.call('GET', '/v1/messaging/settings', { role: 'marketer' });
  expect(current.status).toBe(200);
  const put = await t.call('PUT', '/v1/messaging/settings', { role: 'marketer', body: { ...current.body, linkBaseUrl: t.stack.url, quietHours: { enabled: false, start: '21:00', end: '08:00' }, email: { fromName: 'Tea House', fromAddress: 'hello@tea.example.com' } } });
  expect(put.status).toBe(200);
  expect((await t.call('PUT', '/v1/messaging/settings', { role: 'marketer', body: { ...current.body } })).status).toBe(409);
  expect((await t.call('PUT', '/v1/messaging/settings', { role: 'analyst', body: { ...put.body } })).status).toBe(403);

  // Bad templates are refused with the reason.
  const unknown = await t.call('POST', '/v1/templates', { role: 'marketer', body: { name: 'bad', channel: 'email', content: { subject: 'Hi {{ customr.name }}', html: '<p>x</p>' } } });
  expect(unknown.status).toBe(400);
  expect(unknown.body.errors).toEqual([{ field: 'content.subject', message: expect.stringContaining('unknown variable "customr.name"') }]);
  const noFallback = await t.call('POST', '/v1/templates', { role: 'marketer', body: { name: 'bad', channel: 'sms', content: { body: 'Hi {{ customer.firstName }}' } } });
  expect(noFallback.status).toBe(400);
  expect(noFallback.body.errors[0].message).toContain('"customer.firstName" can be missing');
  const empty = await t.call('POST', '/v1/templates', { role: 'marketer', body: { name: 'bad', channel: 'email', content: { subject: ' ', html: '' } } });
  expect(empty.status).toBe(400);
  expect(empty.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['content.html', 'content.subject']);

  const created = await t.call('POST', '/v1/templates', {
    role: 'marketer',
    body: {
      name: 'Spring tea',
      channel: 'email',
      content: {
        subject: '{{ customer.firstName | default: "Friend" }}, spring tea is here',
        preheader: 'New harvest',
        html: '<html><body><p>Hi {{ customer.firstName | default: "there" }} & welcome.</p>{% for p in products limit: 2 %}<a href="{{ p.url | default: "https://tea.example.com" }}">{{ p.name }}</a>{% endfor %}<p>Code: {{ coupon.code | default: "none" }}</p></body></html>',
      },
    },
  });
  expect(created.status).toBe(201);
  const templateId = created.body.id as string;
  const sample = await t.call('POST', `/v1/templates/${templateId}/render`, { role: 'marketer', body: {} });
  expect(sample.status).toBe(200);
  expect(sample.body.html).toContain('Hi Li & welcome.');
  expect(sample.body.html).toContain('Silk scarf');
  // Values are HTML-escaped in the html part, not in the subject.
  const render = await t.call('POST', `/v1/templates/${templateId}/render`, { role: 'marketer', body: { vars: { recommendedProducts: JSON.stringify([{ name: '<script>Tea & Co</script>' }]) } } });
  expect(render.body.html).toContain('&lt;script&gt;Tea &amp; Co&lt;/script&gt;');
  expect(render.body.html).not.toContain('<script>');
  expect(render.body.headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');

  // A customer with e-mail consent and a time zone (a bad zone is refused).
  const who = unique('tea');
  expect((await t.call('POST', '/v1/customers', { body: { name: 'Wang Fang', email: who.email, timeZone: 'Mars/Olympus' } })).status).toBe(400);
  const customer = await t.call('POST', '/v1/customers', { body: { name: 'Wang Fang', email: who.email, timeZone: 'Asia/Shanghai', consent: { email: { granted: true, source: 'signup' } } } });
  expect(customer.status).toBe(201);
  expect(customer.body.timeZone).toBe('Asia/Shanghai');
  const customerId = customer.body.id as string;

  // Send it; a marketer may, an analyst may not.
  const send = { customerId, channel: 'email', templateId, vars: { couponCode: 'SPRING10', recommendedProducts: JSON.stringify([{ name: 'Oolong', url: 'https://tea.example.com/oolong' }]) } };
  expect((await t.call('POST', '/v1/messages', { role: 'analyst', body: send })).status).toBe(403);
  const sent = await t.call('POST', '/v1/messages', { role: 'marketer', body: send });
  expect(sent.status).toBe(200);
  expect(sent.body).toMatchObject({ status: 'sent' });
  const messageId = sent.body.messageId as string;

  // In the dev outbox, as it would have gone out.
  const outbox = await t.call('GET', `/v1/dev/outbox?customerId=${customerId}`, { role: 'marketer' });
  expect(outbox.status).toBe(200);
  expect(outbox.body.items).toHaveLength(1);
  const mail = outbox.body.items[0];
  expect(mail).toMatchObject({ id: messageId, channel: 'email', to: who.email, subject: 'Wang, spring tea is here' });
  expect(mail.html).toContain('Code: SPRING10');
  expect(mail.headers['List-Unsubscribe']).toMatch(/^<http:\/\/.+\/v1\/unsubscribe\/.+>$/);
  const pixel = /<img src="([^"]+\/v1\/track\/open\/[^"]+)"/.exec(mail.html)![1]!;
  const tracked = /<a href="([^"]+\/v1\/track\/click\/[^"]+)"/.exec(mail.html)![1]!.replace(/&amp;/g, '&');
  const unsubscribeUrl = /^<(.+)>$/.exec(mail.headers['List-Unsubscribe'])![1]!;

  // The pixel answers a GIF and records the open; the link redirects and records the click.
  const open = await fetch(pixel);
  expect(open.status).toBe(200);
  expect(open.headers.get('content-type')).toBe('image/gif');
  expect(Buffer.from(await open.arrayBuffer()).subarray(0, 6).toString()).toBe('GIF89a');
  const click = await fetch(tracked, { redirect: 'manual' });
  expect(click.status).toBe(302);
  expect(click.headers.get('location')).toBe('https://tea.example.com/oolong');
  const forged = await fetch(tracked.replace('oolong', 'evil'), { redirect: 'manual' });
  expect(forged.status).toBe(403);
  // Feedback a provider would report: a second open (total opens 2, unique 1), a delivery already implied.
  const opened = await t.call('POST', `/v1/dev/messages/${messageId}/events`, { role: 'marketer', body: { type: 'opened' } });
  expect(opened.status).toBe(200);
  expect(opened.body.message).toMatchObject({ state: 'clicked', opens: 2, clicks: 1 });
  const delivered = await t.call('POST', `/v1/dev/messages/${messageId}/events`, { role: 'marketer', body: { type: 'delivered' } });
  expect(delivered.body.applied).toBe(false);

  // An order within the attribution window converts the message.
  const body = JSON.stringify({ id: 'msg-o1', type: 'order.upsert', occurredAt: new Date().toISOString(), data: { orderId: 'msg-o1', customer: { id: 'tea-1', email: who.email }, placedAt: new Date().toISOString(), status: 'paid', currency: 'CNY', total: '298.00', lines: [{ product: 'Oolong', quantity: 2, unitPrice: '149.00' }] } });
  const order = await t.call('POST', '/v1/webhooks/generic/default', { role: null, raw: body, headers: { 'content-type': 'application/json', 'x-crm-signature': signCrm(body, secret, Math.floor(Date.now() / 1000)) } });
  expect(order.status).toBe(202);
  const converted = await until(() => t.call('GET', `/v1/messages/${messageId}`, { role: 'marketer' }), (r) => r.body?.state === 'converted');
  expect(converted.body).toMatchObject({ state: 'converted', orders: 1, revenueMinor: { CNY: 29800 }, opens: 2, clicks: 1 });
  expect(converted.body.to).toMatch(/\*\*\*/); // a marketer sees the address masked

  // Unsubscribe through the link: GET asks, POST (RFC 8058 one-click) unsubscribes.
  const page = await t.call('GET', path(unsubscribeUrl), { role: null });
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toContain('text/html');
  expect(page.text).toContain('<form method="post">');
  expect(page.text).toContain('Tea House');
  const oneClick = await t.call('POST', path(unsubscribeUrl), { role: null, raw: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  expect(oneClick.status).toBe(200);
  expect(oneClick.text).toContain('You are unsubscribed');
  const bad = await t.call('GET', path(unsubscribeUrl).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), { role: null });
  expect(bad.status).toBe(403);
  expect(bad.headers.get('content-type')).toContain('text/html');
  const profile = await t.call('GET', `/v1/customers/${customerId}`);
  expect(profile.body.consent.email).toMatchObject({ granted: false, source: 'unsubscribe' });

  // The second send is skipped, with the reason.
  const second = await t.call('POST', '/v1/messages', { role: 'marketer', body: send });
  expect(second.body).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
  const messages = await t.call('GET', `/v1/customers/${customerId}/messages`, { role: 'marketer' });
  expect(messages.body.items.map((m: { state: string }) => m.state)).toEqual(['skipped', 'unsubscribed']);

  const s = await until(stats, (v) => v?.total?.unsubscribed === 1);
  expect(s.total).toMatchObject({ sent: 1, delivered: 1, opened: 1, opens: 2, clicked: 1, clicks: 1, converted: 1, orders: 1, unsubscribed: 1, skipped: 1, revenueMinor: { CNY: 29800 }, skippedBy: { unsubscribed: 1 } });
  expect(s.byChannel.email).toMatchObject({ sent: 1, converted: 1 });
});

it('suppressions: add, find, refuse a send, remove; an SMS STOP reply opts the number out', async () => {
  const who = unique('sms');
  const phone = `+86139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const c = await t.call('POST', '/v1/customers', { body: { name: '李雷', email: who.email, phone, consent: { email: { granted: true, source: 'signup' }, sms: { granted: true, source: 'signup' } } } });
  expect(c.status).toBe(201);
  const sms = await t.call('POST', '/v1/templates', { role: 'marketer', body: { name: 'Flash sale', channel: 'sms', content: { body: '{{ customer.firstName | default: "您好" }}，春茶八折' } } });
  expect(sms.status).toBe(201);
  expect(sms.body.sms.segments).toMatchObject({ encoding: 'UCS-2', segments: 1 });

  const first = await t.call('POST', '/v1/messages', { role: 'marketer', body: { customerId: c.body.id, channel: 'sms', templateId: sms.body.id } });
  expect(first.body.status).toBe('sent');
  const captured = (await t.call('GET', `/v1/dev/outbox?customerId=${c.body.id}`, { role: 'marketer' })).body.items[0];
  expect(captured.body).toBe('李雷，春茶八折回TD退订');

  // The gateway forwards the reply, signed with the channel secret.
  const reply = JSON.stringify({ from: phone, text: '退订' });
  expect((await t.call('POST', '/v1/messaging/sms-inbound', { role: null, raw: reply, headers: { 'content-type': 'application/json', 'x-crm-signature': signCrm(reply, 'wrong', Math.floor(Date.now() / 1000)) } })).status).toBe(401);
  const stop = await t.call('POST', '/v1/messaging/sms-inbound', { role: null, raw: reply, headers: { 'content-type': 'application/json', 'x-crm-signature': signCrm(reply, SMS_CHANNEL_SECRET, Math.floor(Date.now() / 1000)) } });
  expect(stop.status).toBe(200);
  expect(stop.body).toEqual({ action: 'stop', customers: 1 });
  const found = await t.call('GET', `/v1/suppressions?channel=sms&address=${encodeURIComponent(phone)}`, { role: 'admin' });
  expect(found.body.items).toEqual([expect.objectContaining({ channel: 'sms', address: phone, reason: 'opt-out' })]);
  expect((await t.call('GET', `/v1/messages/${first.body.messageId}`, { role: 'marketer' })).body.state).toBe('unsubscribed');
  const again = await t.call('POST', '/v1/messages', { role: 'marketer', body: { customerId: c.body.id, channel: 'sms', templateId: sms.body.id } });
  expect(again.body).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });

  // A manual e-mail suppression refuses even a transactional e-mail; removing it lets it through.
  const email = await t.call('POST', '/v1/templates', { role: 'marketer', body: { name: 'Receipt', channel: 'email', content: { subject: 'Your receipt', html: '<p>Thanks</p>' } } });
  const added = await t.call('POST', '/v1/suppressions', { role: 'marketer', body: { channel: 'email', address: who.email.toUpperCase(), reason: 'manual', note: 'asked by phone' } });
  expect(added.status).toBe(201);
  expect(added.body.address).not.toBe(who.email); // masked for a marketer
  const refused = await t.call('POST', '/v1/messages', { role: 'marketer', body: { customerId: c.body.id, channel: 'email', templateId: email.body.id, purpose: 'transactional' } });
  expect(refused.body).toMatchObject({ status: 'skipped', reason: 'suppressed' });
  expect((await t.call('DELETE', `/v1/suppressions/${added.body.id}?reason=${encodeURIComponent('customer asked again')}`, { role: 'marketer' })).status).toBe(200);
  const through = await t.call('POST', '/v1/messages', { role: 'marketer', body: { customerId: c.body.id, channel: 'email', templateId: email.body.id, purpose: 'transactional' } });
  expect(through.body.status).toBe('sent');
});
