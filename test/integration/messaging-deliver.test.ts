import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DevOutbox } from '../../shared/runtime/messaging';
import { customerPk } from '../../shared/store/keys';
import { MessagesRepo } from '../../shared/store/messages-repo';
import { repoOf } from '../../shared/store/repo-of';
import { SuppressionsRepo } from '../../shared/store/suppressions-repo';
import { deliver } from '../../shared/usecases/messaging/deliver';
import { recordFeedback } from '../../shared/usecases/messaging/feedback';
import { ATTEMPT_LEASE_MS, OUTCOME_UNKNOWN } from '../../shared/usecases/messaging/send';
import { sourceStats } from '../../shared/usecases/messaging/stats';
import { updateCustomer } from '../../shared/usecases/customers';
import { EMAIL, messagingWorld, SMS, type MessagingWorld } from './messaging-helpers';

/** deliver() against DynamoDB Local: once per key, consent and suppression skips, caps under concurrency, crashes anywhere. */
let w: MessagingWorld;
beforeAll(async () => {
  w = await messagingWorld();
});

const outbox = () => new DevOutbox(w.deps.db).list(1000);

describe('deliver', () => {
  it('sends once per key: recorded, captured with the unsubscribe link and headers, counted, on the timeline', async () => {
    const customerId = await w.customer();
    const templateId = await w.template('email', EMAIL);
    const req = w.request(customerId, templateId, { vars: { couponCode: 'SAVE10' }, source: { kind: 'campaign', id: 'cmp-once', variant: 'A' } });
    const first = await deliver(w.ctx(), req);
    expect(first).toMatchObject({ status: 'sent' });
    const again = await deliver(w.ctx(), req);
    expect(again).toEqual({ status: 'duplicate', messageId: first.messageId, previous: 'sent' });

    const captured = (await outbox()).filter((m) => m.id === first.messageId);
    expect(captured).toHaveLength(1);
    expect(captured[0]!.subject).toBe('Hello Li');
    expect(captured[0]!.html).toContain('your code is SAVE10');
    expect(captured[0]!.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(captured[0]!.headers?.['List-Unsubscribe']).toMatch(new RegExp(`^<http://localhost:3000/v1/unsubscribe/${first.messageId}\\.`));
    expect(captured[0]!.html).toContain('>Unsubscribe</a>');
    expect(captured[0]!.body).toContain('Unsubscribe: http://localhost:3000/v1/unsubscribe/');

    const m = await repoOf(w.deps, MessagesRepo).get(first.messageId);
    expect(m).toMatchObject({ state: 'sent', customerId, channel: 'email', purpose: 'marketing', templateVersion: 1, provider: 'dev-outbox' });
    const stats = await sourceStats(w.deps, 'campaign', 'cmp-once');
    expect(stats.total).toMatchObject({ sent: 1, skipped: 0 });
    expect(stats.byVariant.A).toMatchObject({ sent: 1 });
    expect(stats.byChannel.email).toMatchObject({ sent: 1 });

    const timeline = await w.deps.db.doc.send(new QueryCommand({ TableName: w.deps.db.tableName, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :t)', ExpressionAttributeValues: { ':pk': customerPk(customerId), ':t': 'T#' } }));
    expect((timeline.Items ?? []).filter((i) => i.kind === 'message').map((i) => i.data.messageId)).toEqual([first.messageId]);
  });

  it('records a skip with its reason: no consent, unsubscribed, suppressed, no address, unknown template', async () => {
    const templateId = await w.template('email', EMAIL);
    const smsTemplate = await w.template('sms', SMS);
    const noConsent = await w.customer({ consent: {} });
    const unsubscribed = await w.customer({ consent: { email: { granted: false, source: 'unsubscribe' } } });
    const suppressedId = await w.customer();
    const noPhone = await w.customer();
    const suppressed = await w.deps.customers.require(suppressedId);
    await repoOf(w.deps, SuppressionsRepo).add({ id: 'x', channel: 'email', address: suppressed.email!, hash: w.deps.hash({ kind: 'email', value: suppressed.email! }), reason: 'bounce', createdAt: '2026-05-01T00:00:00.000Z', createdBy: 'test' });
    const src = { kind: 'campaign' as const, id: 'cmp-skips' };
    const outcomes = [
      await deliver(w.ctx(), w.request(noConsent, templateId, { source: src })),
      await deliver(w.ctx(), w.request(unsubscribed, templateId, { source: src })),
      await deliver(w.ctx(), w.request(suppressedId, templateId, { source: src })),
      await deliver(w.ctx(), w.request(noPhone, smsTemplate, { source: src, channel: 'sms' })),
      await deliver(w.ctx(), w.request(noConsent, '01HXXXXXXXXXXXXXXXXXXXXXXX', { source: src })),
      await deliver(w.ctx(), w.request('01HNOSUCHCUSTOMER000000000', templateId, { source: src })),
    ];
    expect(outcomes.map((o) => (o.status === 'skipped' ? o.reason : o.status))).toEqual(['no-consent', 'unsubscribed', 'suppressed', 'no-address', 'template-not-found', 'customer-not-found']);
    const m = await repoOf(w.deps, MessagesRepo).get(outcomes[0]!.messageId);
    expect(m).toMatchObject({ state: 'skipped', reason: 'no-consent', detail: 'no granted email consent' });
    const stats = await sourceStats(w.deps, 'campaign', 'cmp-skips');
    expect(stats.total).toMatchObject({ sent: 0, skipped: 6 });
    expect(stats.total.skippedBy).toEqual({ 'no-consent': 1, unsubscribed: 1, suppressed: 1, 'no-address': 1, 'template-not-found': 1, 'customer-not-found': 1 });
    // A transactional message needs no marketing consent.
    const tx = await deliver(w.ctx(), w.request(noConsent, templateId, { source: src, purpose: 'transactional' }));
    expect(tx.status).toBe('sent');
  });

  it('never exceeds the caps: 10 concurrent deliveries to one customer with a daily cap of 2 send exactly 2', async () => {
    await w.settings({ frequencyCaps: { perDay: 2, perWeek: 5, week: 'rolling' } });
    const customerId = await w.customer();
    const templateId = await w.template('email', EMAIL);
    const src = { kind: 'campaign' as const, id: 'cmp-caps' };
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => deliver(w.ctx(), w.request(customerId, templateId, { source: src }))));
    const sent = outcomes.filter((o) => o.status === 'sent');
    const skipped = outcomes.filter((o) => o.status === 'skipped' && o.reason === 'frequency-cap');
    expect(sent).toHaveLength(2);
    expect(skipped).toHaveLength(8);
    expect((await outbox()).filter((m) => m.customerId === customerId)).toHaveLength(2);
    expect((await sourceStats(w.deps, 'campaign', 'cmp-caps')).total).toMatchObject({ sent: 2, skipped: 8, skippedBy: { 'frequency-cap': 8 } });
    // Transactional messages are not capped.
    expect((await deliver(w.ctx(), w.request(customerId, templateId, { source: src, purpose: 'transactional' }))).status).toBe('sent');
  });

  it('a weekly cap counts the last 7 days across days', async () => {
    await w.settings({ frequencyCaps: { perDay: 2, perWeek: 3, week: 'rolling' } });
    const customerId = await w.customer();
    const templateId = await w.template('email', EMAIL);
    const start = w.clock.t;
    const statuses: string[] = [];
    for (let day = 0; day < 3; day++) {
      w.clock.set(new Date(start + day * 86_400_000).toISOString());
      for (let i = 0; i < 2; i++) {
        const o = await deliver(w.ctx(), w.request(customerId, templateId));
        statuses.push(o.status === 'skipped' ? o.reason : o.status);
      }
    }
    expect(statuses).toEqual(['sent', 'sent', 'sent', 'frequency-cap', 'frequency-cap', 'frequency-cap']);
    w.clock.set(new Date(start + 7 * 86_400_000 + 1000).toISOString());
    expect((await deliver(w.ctx(), w.request(customerId, templateId))).status).toBe('sent');
    w.clock.set(new Date(start).toISOString());
  });
});

describe('deliver after a crash', () => {
  it('a crash before the provider call: the retry sends it, once', async () => {
    await w.settings({ frequencyCaps: { perDay: 0, perWeek: 0, week: 'rolling' } });
    const customerId = await w.customer();
    const templateId = await w.template('email', EMAIL);
    const req = w.request(customerId, templateId);
    w.sender.failBefore = 1;
    await expect(deliver(w.ctx(), req)).rejects.toThrow('crash before the provider call');
    const retried = await deliver(w.ctx(), req);
    expect(retried.status).toBe('sent');
    expect((await outbox()).filter((m) => m.id === retried.messageId)).toHaveLength(1);
    expect((await sourceStats(w.deps, 'campaign', 'cmp-1')).total.failed).toBe(0);
  });

  it('an error after an idempotent provider accepted it: the retry sends it again under the same id (one message arrives)', async () => {
    const customerId = await w.customer({ phone: `+1415555${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}` });
    const templateId = await w.template('sms', SMS);
    const req = w.request(customerId, templateId, { channel: 'sms', source: { kind: 'journey', id: 'jrn-crash', step: 's1' } });
    w.sender.failAfter = 1;
    await expect(deliver(w.ctx(), req)).rejects.toThrow('crash after the provider call');
    const retried = await deliver(w.ctx(), req);
    expect(retried.status).toBe('sent');
    const captured = (await outbox()).filter((m) => m.customerId === customerId);
    expect(captured).toHaveLength(1);
    expect(captured[0]!.body).toBe('Hi Li, 20% off today\nReply STOP to opt out');
    expect((await sourceStats(w.deps, 'journey', 'jrn-crash')).total).toMatchObject({ sent: 1, failed: 0 });
  });

  it('a process that stops during the provider call: in progress within the lease, then taken over; the late original changes nothing', async () => {
    const customerId = await w.customer();
    const templateId = await w.template('email', EMAIL);
    const req = w.request(customerId, templateId, { source: { kind: 'campaign', id: 'cmp-hang' } });
    w.sender.hang = true;
    const stuck = deliver(w.ctx(), req);
    await new Promise((r) => setTimeout(r, 300));
    await expect(deliver(w.ctx(), req)).rejects.toMatchObject({ status: 409, extra: { rule: 'delivery-in-progress' } });
    w.clock.advance(ATTEMPT_LEASE_MS + 1000);
    const taken = await deliver(w.ctx(), req);
    expect(taken.status).toBe('sent');
    w.sender.release();
    expect(await stuck).toEqual({ status: 'duplicate', messageId: taken.messageId, previous: 'sent' });
    expect((await outbox()).filter((m) => m.customerId === customerId)).toHaveLength(1);
    expect((await sourceStats(w.deps, 'campaign', 'cmp-hang')).total).toMatchObject({ sent: 1 });
  });

  it('a crash after a non-idempotent provider (SES, SMS) accepted it: never sent twice, recorded as an unknown outcome', async () => {
    const customerId = await w.customer();
    const templateId = await w.template('email', EMAIL);
    const req = w.request(customerId, templateId, { source: { kind: 'campaign', id: 'cmp-ses-crash' } });
    w.sender.idempotent = false;
    try {
      const before = w.sender.calls;
      w.sender.failAfter = 1;
      await expect(deliver(w.ctx(), req)).rejects.toThrow('crash after the provider call');
      w.clock.advance(ATTEMPT_LEASE_MS + 1000);
      const retried = await deliver(w.ctx(), req);
      expect(retried).toEqual({ status: 'failed', messageId: expect.any(String), reason: OUTCOME_UNKNOWN });
      expect(w.sender.calls - before).toBe(1);
      expect(await deliver(w.ctx(), req)).toMatchObject({ status: 'duplicate', previous: 'failed' });
      expect((await sourceStats(w.deps, 'campaign', 'cmp-ses-crash')).total).toMatchObject({ sent: 0, failed: 1 });
      // SES then reports the delivery: it did go out, so it is recorded sent and delivered after all.
      await recordFeedback(w.ctx(), { messageId: retried.messageId, kind: 'delivered', eventId: 'ses-delivery-1' });
      expect(await repoOf(w.deps, MessagesRepo).get(retried.messageId)).toMatchObject({ state: 'delivered' });
      expect((await sourceStats(w.deps, 'campaign', 'cmp-ses-crash')).total).toMatchObject({ sent: 1, failed: 0, delivered: 1 });
    } finally {
      w.sender.idempotent = true;
    }
  });

  it('concurrent duplicates of one key send one message', async () => {
    const customerId = await w.customer();
    const templateId = await w.template('email', EMAIL);
    const req = w.request(customerId, templateId);
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => deliver(w.ctx(), req)));
    const ok = outcomes.filter((o): o is PromiseFulfilledResult<Awaited<ReturnType<typeof deliver>>> => o.status === 'fulfilled').map((o) => o.value);
    expect(ok.filter((o) => o.status === 'sent')).toHaveLength(1);
    expect(new Set(ok.map((o) => o.messageId)).size).toBe(1);
    expect((await outbox()).filter((m) => m.customerId === customerId)).toHaveLength(1);
  });
});

describe('quiet hours', () => {
  it('schedules a marketing message for the end of quiet hours in the customer zone, then sends it when the timer fires', async () => {
    await w.settings({ quietHours: { enabled: true, start: '21:00', end: '08:00' }, frequencyCaps: { perDay: 1, perWeek: 0, week: 'rolling' } });
    w.clock.set('2026-05-12T14:30:00.000Z'); // 22:30 in Shanghai, 16:30 in Berlin
    const shanghai = await w.customer({ timeZone: 'Asia/Shanghai' });
    const berlin = await w.customer({ timeZone: 'Europe/Berlin' });
    const templateId = await w.template('email', EMAIL);
    const night = await deliver(w.ctx(), w.request(shanghai, templateId, { source: { kind: 'campaign', id: 'cmp-quiet' } }));
    expect(night).toEqual({ status: 'scheduled', messageId: expect.any(String), at: '2026-05-13T00:00:00.000Z', reason: 'quiet-hours' });
    expect((await deliver(w.ctx(), w.request(berlin, templateId, { source: { kind: 'campaign', id: 'cmp-quiet' } }))).status).toBe('sent');
    // A transactional message is not held.
    expect((await deliver(w.ctx(), w.request(shanghai, templateId, { purpose: 'transactional' }))).status).toBe('sent');
    expect((await sourceStats(w.deps, 'campaign', 'cmp-quiet')).total).toMatchObject({ scheduled: 1, sent: 1 });

    w.clock.set('2026-05-12T23:59:00.000Z');
    expect(await w.fireDue()).toEqual([]);
    w.clock.set('2026-05-13T00:00:01.000Z');
    expect(await w.fireDue()).toEqual([`message-send:${night.messageId}`]);
    const m = await repoOf(w.deps, MessagesRepo).get(night.messageId);
    expect(m).toMatchObject({ state: 'sent', sentAt: '2026-05-13T00:00:01.000Z' });
    expect((await sourceStats(w.deps, 'campaign', 'cmp-quiet')).total).toMatchObject({ scheduled: 0, sent: 2 });
    // Firing again changes nothing.
    expect(await w.fireDue()).toEqual([]);
  });

  it('checks the caps and consent again when the timer fires', async () => {
    w.clock.set('2026-05-14T14:30:00.000Z'); // 22:30 in Shanghai
    const customerId = await w.customer({ timeZone: 'Asia/Shanghai' });
    const templateId = await w.template('email', EMAIL);
    const a = await deliver(w.ctx(), w.request(customerId, templateId, { source: { kind: 'campaign', id: 'cmp-refire' } }));
    const b = await deliver(w.ctx(), w.request(customerId, templateId, { source: { kind: 'campaign', id: 'cmp-refire' } }));
    expect([a.status, b.status]).toEqual(['scheduled', 'scheduled']);
    w.clock.set('2026-05-15T00:00:05.000Z');
    await w.fireDue();
    const states = await repoOf(w.deps, MessagesRepo).getMany([a.messageId, b.messageId]);
    expect(states.map((m) => m.state).sort()).toEqual(['sent', 'skipped']);
    expect(states.find((m) => m.state === 'skipped')?.reason).toBe('frequency-cap');
    expect((await sourceStats(w.deps, 'campaign', 'cmp-refire')).total).toMatchObject({ scheduled: 0, sent: 1, skipped: 1, skippedBy: { 'frequency-cap': 1 } });

    // Consent withdrawn during the night: skipped at the end of quiet hours.
    w.clock.set('2026-05-16T14:30:00.000Z');
    const c = await deliver(w.ctx(), w.request(customerId, templateId, { source: { kind: 'campaign', id: 'cmp-refire' } }));
    const profile = await w.deps.customers.require(customerId);
    await updateCustomer(w.ctx(), customerId, profile.version, { consent: { email: { granted: false, source: 'preference-center' } } });
    w.clock.set('2026-05-17T00:00:05.000Z');
    await w.fireDue();
    expect(await repoOf(w.deps, MessagesRepo).get(c.messageId)).toMatchObject({ state: 'skipped', reason: 'no-consent' });
  });
});
