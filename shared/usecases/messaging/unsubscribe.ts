import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors';
import { normalizePhone } from '../../domain/identity';
import { smsKeyword } from '../../domain/messaging/compliance';
import { checkLinkToken, messagingLinkKey } from '../../domain/messaging/links';
import { MessagesRepo } from '../../store/messages-repo';
import { repoOf } from '../../store/repo-of';
import { SuppressionsRepo } from '../../store/suppressions-repo';
import type { Ctx } from '../customers';
import { logInteraction } from '../interactions';
import { setConsent } from './consent';
import { consentChannelOf, settingsOf, suppressionHash } from './decide';
import { recordFeedback } from './feedback';

/**
 * Opting out. The one-click unsubscribe link (RFC 8058: GET shows a confirmation page, POST
 * unsubscribes) revokes the marketing consent of the message's channel with source `unsubscribe`
 * and records the message as unsubscribed (counted once in its source's stats). An inbound SMS
 * saying STOP (UNSUBSCRIBE, TD, 退订, …) revokes SMS consent of the customers with that number and
 * puts the number on the suppression list (opt-out); START takes it off again. Any other reply is
 * logged on the customer's timeline as an inbound SMS.
 */
const key = (ctx: Ctx) => messagingLinkKey(ctx.deps.linkKey);

export async function messageOfUnsubscribeToken(ctx: Ctx, token: string) {
  const messageId = checkLinkToken(key(ctx), 'unsubscribe', token);
  if (!messageId) throw new ForbiddenError('This unsubscribe link is not valid; use the link in the message you received.');
  const m = await repoOf(ctx.deps, MessagesRepo).get(messageId);
  if (!m) throw new NotFoundError('Message', messageId);
  return m;
}

/** What the confirmation page shows: the brand and the channel, no personal data. */
export async function unsubscribePage(ctx: Ctx, token: string) {
  const m = await messageOfUnsubscribeToken(ctx, token);
  const settings = await settingsOf(ctx);
  const c = await ctx.deps.customers.get(m.customerId);
  const channel = consentChannelOf(m.channel, settings);
  return { brand: settings.email.fromName, channel, unsubscribed: c?.consent[channel]?.granted === false };
}

export async function unsubscribe(ctx: Ctx, token: string): Promise<{ channel: string; changed: boolean }> {
  const m = await messageOfUnsubscribeToken(ctx, token);
  const channel = consentChannelOf(m.channel, await settingsOf(ctx));
  const changed = await setConsent(ctx, m.customerId, channel, false, 'unsubscribe');
  await recordFeedback(ctx, { messageId: m.id, kind: 'unsubscribed' });
  return { channel, changed };
}

export interface InboundSms {
  from: string;
  body: string;
  receivedAt?: string;
}

export async function inboundSms(ctx: Ctx, sms: InboundSms): Promise<{ action: 'stop' | 'start' | 'logged' | 'ignored'; customers: number }> {
  const { deps } = ctx;
  const phone = normalizePhone(sms.from, deps.config.defaultPhoneRegion);
  if (!phone.ok) throw ValidationError.field('from', `is not a phone number: ${phone.reason}`);
  const customerId = await deps.customers.findIdByIdentity({ kind: 'phone', value: phone.value });
  const keyword = smsKeyword(sms.body);
  const at = sms.receivedAt ?? deps.clock.now().toISOString();
  const hash = suppressionHash(ctx, 'sms', phone.value);
  const suppressions = repoOf(deps, SuppressionsRepo);
  if (keyword === 'stop') {
    await suppressions.add({ id: `sms:${hash}`, hash, channel: 'sms', address: phone.value, reason: 'opt-out', note: `replied ${sms.body.trim().slice(0, 20)}`, createdAt: at, createdBy: 'system:sms-inbound' });
    if (customerId) {
      await setConsent(ctx, customerId, 'sms', false, 'sms-keyword');
      // The latest marketing text to this number is the one they answered: it counts the unsubscribe.
      const recent = await repoOf(deps, MessagesRepo).byCustomer(customerId, { from: new Date(Date.parse(at) - 30 * 86_400_000).toISOString(), to: at, limit: 50 });
      const answered = recent.items.find((m) => m.channel === 'sms' && m.purpose === 'marketing' && m.sentAt);
      if (answered) await recordFeedback(ctx, { messageId: answered.id, kind: 'unsubscribed', at });
    }
    return { action: 'stop', customers: customerId ? 1 : 0 };
  }
  if (keyword === 'start') {
    const existing = await suppressions.get('sms', hash);
    if (existing?.reason === 'opt-out') await suppressions.remove('sms', hash);
    if (customerId) await setConsent(ctx, customerId, 'sms', true, 'sms-keyword');
    return { action: 'start', customers: customerId ? 1 : 0 };
  }
  if (!customerId) return { action: 'ignored', customers: 0 };
  await logInteraction(ctx, customerId, { channel: 'sms', type: 'other', direction: 'inbound', summary: sms.body.trim().slice(0, 1000) || '(empty SMS)', occurredAt: at });
  return { action: 'logged', customers: 1 };
}
