import { linkToken, messagingLinkKey } from '../../shared/domain/messaging/links';
import { DevOutbox } from '../../shared/runtime/messaging';
import { MessagesRepo } from '../../shared/store/messages-repo';
import { repoOf } from '../../shared/store/repo-of';
import { SuppressionsRepo } from '../../shared/store/suppressions-repo';
import { attributeOrder } from '../../shared/usecases/messaging/attribution';
import { deliver } from '../../shared/usecases/messaging/deliver';
import { recordFeedback } from '../../shared/usecases/messaging/feedback';
import { sourceStats } from '../../shared/usecases/messaging/stats';
import { archiveTemplate, getTemplate, updateTemplate } from '../../shared/usecases/messaging/templates';
import { inboundSms, unsubscribe } from '../../shared/usecases/messaging/unsubscribe';
import { EMAIL, messagingWorld, type MessagingWorld } from './messaging-helpers';

/** Feedback, unsubscribes, SMS replies, attribution and template versions against DynamoDB Local: every count exactly once. */
let w: MessagingWorld;
beforeAll(async () => {
  w = await messagingWorld('2026-05-12T04:00:00.000Z', { frequencyCaps: { perDay: 0, perWeek: 0, week: 'rolling' } });
});

const messages = () => repoOf(w.deps, MessagesRepo);
const send = async (source: { kind: 'campaign'; id: string; variant?: string }, customerId?: string) => {
  const cid = customerId ?? (await w.customer());
  const templateId = await w.template('email', EMAIL);
  const o = await deliver(w.ctx(), w.request(cid, templateId, { source }));
  expect(o.status).toBe('sent');
  return { messageId: o.messageId, customerId: cid, templateId };
};

describe('delivery feedback', () => {
  it('counts each first occurrence once and every distinct open, whatever is redelivered', async () => {
    const { messageId } = await send({ kind: 'campaign', id: 'fb-1', variant: 'B' });
    const ctx = w.ctx();
    expect((await recordFeedback(ctx, { messageId, kind: 'delivered', eventId: 'sns-1' })).applied).toBe(true);
    expect((await recordFeedback(ctx, { messageId, kind: 'delivered', eventId: 'sns-1' })).applied).toBe(false);
    expect((await recordFeedback(ctx, { messageId, kind: 'delivered', eventId: 'sns-2' })).applied).toBe(false);
    await recordFeedback(ctx, { messageId, kind: 'opened', eventId: 'sns-3' });
    await recordFeedback(ctx, { messageId, kind: 'opened', eventId: 'sns-3' }); // SQS redelivery
    await recordFeedback(ctx, { messageId, kind: 'opened', eventId: 'sns-4' }); // a second open
    await Promise.all([recordFeedback(ctx, { messageId, kind: 'clicked', eventId: 'sns-5' }), recordFeedback(ctx, { messageId, kind: 'clicked', eventId: 'sns-5' }), recordFeedback(ctx, { messageId, kind: 'clicked', eventId: 'sns-6' })]);
    expect(await messages().get(messageId)).toMatchObject({ state: 'clicked', opens: 2, clicks: 2 });
    const s = await sourceStats(w.deps, 'campaign', 'fb-1');
    expect(s.total).toMatchObject({ sent: 1, delivered: 1, opened: 1, opens: 2, clicked: 1, clicks: 2 });
    expect(s.byVariant.B).toMatchObject({ delivered: 1, opened: 1, clicked: 1 });
  });

  it('a hard bounce suppresses the address (the next send is skipped); a soft bounce does not', async () => {
    const hard = await send({ kind: 'campaign', id: 'fb-bounce' });
    const soft = await send({ kind: 'campaign', id: 'fb-bounce' });
    await recordFeedback(w.ctx(), { messageId: soft.messageId, kind: 'bounced', bounce: { hard: false, reason: 'Transient/MailboxFull' }, eventId: 'e-soft' });
    await recordFeedback(w.ctx(), { messageId: hard.messageId, kind: 'bounced', bounce: { hard: true, reason: 'Permanent/General' }, eventId: 'e-hard' });
    await recordFeedback(w.ctx(), { messageId: hard.messageId, kind: 'bounced', bounce: { hard: true }, eventId: 'e-hard' });
    expect(await messages().get(hard.messageId)).toMatchObject({ state: 'bounced' });
    expect(await messages().get(soft.messageId)).toMatchObject({ state: 'sent', softBounces: 1 });
    const to = (await messages().get(hard.messageId))!.to!;
    expect(await repoOf(w.deps, SuppressionsRepo).get('email', w.deps.hash({ kind: 'email', value: to }))).toMatchObject({ reason: 'bounce', note: 'Permanent/General', messageId: hard.messageId });
    expect((await sourceStats(w.deps, 'campaign', 'fb-bounce')).total).toMatchObject({ sent: 2, bounced: 1 });
    const again = await deliver(w.ctx(), w.request(hard.customerId, hard.templateId, { source: { kind: 'campaign', id: 'fb-bounce' }, purpose: 'transactional' }));
    expect(again).toMatchObject({ status: 'skipped', reason: 'suppressed' });
    expect((await deliver(w.ctx(), w.request(soft.customerId, soft.templateId))).status).toBe('sent');
  });

  it('a complaint suppresses the address and revokes marketing consent', async () => {
    const { messageId, customerId } = await send({ kind: 'campaign', id: 'fb-complaint' });
    await recordFeedback(w.ctx(), { messageId, kind: 'complained', eventId: 'c1' });
    expect((await w.deps.customers.require(customerId)).consent.email).toMatchObject({ granted: false, source: 'complaint' });
    expect((await sourceStats(w.deps, 'campaign', 'fb-complaint')).total).toMatchObject({ complained: 1 });
  });
});

describe('unsubscribe and SMS replies', () => {
  it('the link revokes the channel consent and records the message once', async () => {
    const { messageId, customerId, templateId } = await send({ kind: 'campaign', id: 'unsub' });
    const token = linkToken(messagingLinkKey(w.deps.linkKey), 'unsubscribe', messageId);
    expect(await unsubscribe(w.ctx(), token)).toEqual({ channel: 'email', changed: true });
    expect(await unsubscribe(w.ctx(), token)).toEqual({ channel: 'email', changed: false });
    await expect(unsubscribe(w.ctx(), `${messageId}.AAAAAAAAAAAAAAAAAAAAAA`)).rejects.toMatchObject({ status: 403 });
    expect((await w.deps.customers.require(customerId)).consent.email).toMatchObject({ granted: false, source: 'unsubscribe' });
    expect(await messages().get(messageId)).toMatchObject({ state: 'unsubscribed' });
    expect((await sourceStats(w.deps, 'campaign', 'unsub')).total).toMatchObject({ unsubscribed: 1 });
    expect(await deliver(w.ctx(), w.request(customerId, templateId))).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
  });

  it('STOP opts the number out (consent, suppression, the last text counts it); START opts back in; other texts are logged', async () => {
    const phone = '+8613912345678';
    const customerId = await w.customer({ phone });
    const smsTemplate = await w.template('sms', { body: 'Sale {{ customer.firstName | default: "" }}' });
    const sent = await deliver(w.ctx(), w.request(customerId, smsTemplate, { channel: 'sms', source: { kind: 'journey', id: 'j-sms' } }));
    expect(sent.status).toBe('sent');
    expect(await inboundSms(w.ctx(), { from: '139 1234 5678', body: 'TD' })).toEqual({ action: 'stop', customers: 1 });
    const hash = w.deps.hash({ kind: 'phone', value: phone });
    expect(await repoOf(w.deps, SuppressionsRepo).get('sms', hash)).toMatchObject({ reason: 'opt-out' });
    expect((await w.deps.customers.require(customerId)).consent.sms).toMatchObject({ granted: false, source: 'sms-keyword' });
    expect(await messages().get(sent.messageId)).toMatchObject({ state: 'unsubscribed' });
    expect(await deliver(w.ctx(), w.request(customerId, smsTemplate, { channel: 'sms' }))).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    // An opt-out still gets transactional texts.
    expect((await deliver(w.ctx(), w.request(customerId, smsTemplate, { channel: 'sms', purpose: 'transactional' }))).status).toBe('sent');

    expect(await inboundSms(w.ctx(), { from: phone, body: 'START' })).toEqual({ action: 'start', customers: 1 });
    expect(await repoOf(w.deps, SuppressionsRepo).get('sms', hash)).toBeUndefined();
    expect((await deliver(w.ctx(), w.request(customerId, smsTemplate, { channel: 'sms' }))).status).toBe('sent');
    expect(await inboundSms(w.ctx(), { from: phone, body: 'Is the oolong back in stock?' })).toEqual({ action: 'logged', customers: 1 });
    expect(await inboundSms(w.ctx(), { from: '+8613900000001', body: 'hello' })).toEqual({ action: 'ignored', customers: 0 });
  });
});

describe('attribution', () => {
  const order = (customerId: string, orderId: string, placedAt: string, totalMinor = 29800) => ({ customerId, orderId, platform: 'shop', store: 'main', totalMinor, currency: 'CNY', placedAt });

  it('the last clicked message gets the order, once; more orders add revenue, not conversions', async () => {
    const customerId = await w.customer();
    const a = await send({ kind: 'campaign', id: 'attr', variant: 'A' }, customerId);
    w.clock.advance(3_600_000);
    const b = await send({ kind: 'campaign', id: 'attr', variant: 'B' }, customerId);
    await recordFeedback(w.ctx(), { messageId: a.messageId, kind: 'clicked' });
    await recordFeedback(w.ctx(), { messageId: b.messageId, kind: 'delivered' });
    w.clock.advance(86_400_000);
    const placed = new Date(w.clock.t).toISOString();
    expect(await attributeOrder(w.ctx(), order(customerId, 'o-1', placed))).toEqual({ messageId: a.messageId });
    expect(await attributeOrder(w.ctx(), order(customerId, 'o-1', placed))).toBeUndefined(); // redelivered OrderPlaced
    expect(await attributeOrder(w.ctx(), order(customerId, 'o-2', placed, 10000))).toEqual({ messageId: a.messageId });
    expect(await messages().get(a.messageId)).toMatchObject({ state: 'converted', orders: 2, revenueMinor: { CNY: 39800 } });
    const s = await sourceStats(w.deps, 'campaign', 'attr');
    expect(s.total).toMatchObject({ converted: 1, orders: 2, revenueMinor: { CNY: 39800 } });
    expect(s.byVariant.A).toMatchObject({ converted: 1, revenueMinor: { CNY: 39800 } });
    expect(s.byVariant.B).toMatchObject({ converted: 0, revenueMinor: {} });
    expect(s.byChannel.email).toMatchObject({ converted: 1, orders: 2 });
  });

  it('nothing outside the attribution window of the settings', async () => {
    const customerId = await w.customer();
    const { messageId } = await send({ kind: 'campaign', id: 'attr-window' }, customerId);
    w.clock.advance(6 * 86_400_000);
    expect(await attributeOrder(w.ctx(), order(customerId, 'late-1', new Date(w.clock.t).toISOString()))).toBeUndefined();
    await w.settings({ attributionWindowDays: 7 });
    expect(await attributeOrder(w.ctx(), order(customerId, 'late-2', new Date(w.clock.t).toISOString()))).toEqual({ messageId });
    await w.settings({ attributionWindowDays: 5 });
  });
});

describe('templates', () => {
  it('an edit is a new version; old versions stay readable and pinnable; an archived template needs a pin', async () => {
    const customerId = await w.customer();
    const templateId = await w.template('email', EMAIL);
    await expect(updateTemplate(w.ctx(), templateId, { version: 2, content: EMAIL })).rejects.toMatchObject({ status: 409 });
    await expect(updateTemplate(w.ctx(), templateId, { version: 1, content: { subject: 'Hi {{ customer.nick }}', html: '<p/>' } })).rejects.toMatchObject({ status: 400 });
    const v2 = await updateTemplate(w.ctx(), templateId, { version: 1, content: { subject: 'Version two', html: '<p>two</p>' } });
    expect(v2).toMatchObject({ currentVersion: 2, version: 2 });
    expect((await getTemplate(w.ctx(), templateId, 1)).content).toEqual(EMAIL);
    const current = await deliver(w.ctx(), w.request(customerId, templateId));
    const pinned = await deliver(w.ctx(), w.request(customerId, templateId, { templateVersion: 1 }));
    const outbox = await new DevOutbox(w.deps.db).list(1000);
    expect(outbox.find((m) => m.id === current.messageId)?.subject).toBe('Version two');
    expect(outbox.find((m) => m.id === pinned.messageId)?.subject).toBe('Hello Li');
    await archiveTemplate(w.ctx(), templateId);
    expect(await deliver(w.ctx(), w.request(customerId, templateId))).toMatchObject({ status: 'skipped', reason: 'template-not-found' });
    expect((await deliver(w.ctx(), w.request(customerId, templateId, { templateVersion: 2 }))).status).toBe('sent');
    await expect(updateTemplate(w.ctx(), templateId, { version: 2, name: 'x' })).rejects.toMatchObject({ status: 409, extra: { rule: 'template-archived' } });
  });
});
