import type { Customer } from '../../domain/customer';
import { isIanaTimeZone } from '../../domain/customer';
import { finalizeEmail, finalizeSms } from '../../domain/messaging/compliance';
import { messageLinks, messagingLinkKey } from '../../domain/messaging/links';
import type { Channel } from '../../domain/messaging/messages';
import { capVerdict, quietHoursEnd, recordSend, zoneOf } from '../../domain/messaging/schedule';
import type { MessagingSettings } from '../../domain/messaging/settings';
import { renderContent, renderedProblem } from '../../domain/messaging/templates';
import type { CustomerState } from '../../domain/segmentation/definitions';
import { fromHeader } from '../../runtime/ses-email';
import { MessagesRepo, type MessageBody, type SendLedger } from '../../store/messages-repo';
import { MessagingSettingsRepo } from '../../store/messaging-settings-repo';
import { repoOf } from '../../store/repo-of';
import { SuppressionsRepo } from '../../store/suppressions-repo';
import { TemplatesRepo } from '../../store/templates-repo';
import type { Ctx } from '../customers';
import { renderScope } from './personalize';
import type { MessagePurpose, SkipReason } from './types';

/**
 * What to do with one message now, in the order the checks run: the customer (a merged profile is
 * followed to the one it went into), the template, the address, consent (marketing only),
 * the suppression list, quiet hours (schedule, don't skip), the frequency caps (marketing only),
 * then the render with the compliance additions. Reads only; the caller records the decision.
 */
export interface DecideInput {
  messageId: string;
  customerId: string;
  channel: Channel;
  purpose: MessagePurpose;
  templateId: string;
  templateVersion?: number;
  vars?: Record<string, string>;
  respectQuietHours: boolean;
}

interface Resolved {
  customerId: string;
  templateVersion?: number;
  to?: string;
}

export type Decision =
  | (Resolved & { kind: 'skip'; reason: SkipReason; detail: string })
  | (Resolved & { kind: 'schedule'; at: string; to: string; templateVersion: number })
  | (Resolved & { kind: 'send'; to: string; templateVersion: number; subject?: string; body: MessageBody; ledger?: SendLedger & { next: number[] } });

/** A revoked consent with one of these sources is an unsubscribe (skip reason `unsubscribed`, not `no-consent`). */
export const UNSUBSCRIBE_SOURCES = new Set(['unsubscribe', 'sms-keyword', 'complaint']);
const SETTINGS_MAX_AGE_MS = 5_000;
/** Template heads are re-read after this long on the send path (versions are immutable and kept). */
const TEMPLATE_MAX_AGE_MS = 5_000;

export const settingsOf = (ctx: Ctx): Promise<MessagingSettings> => repoOf(ctx.deps, MessagingSettingsRepo).get({ maxAgeMs: SETTINGS_MAX_AGE_MS, nowMs: ctx.deps.clock.now().getTime() });

export const consentChannelOf = (channel: Channel, s: MessagingSettings) => (channel === 'webhook' ? s.webhook.consentChannel : channel);

export const addressOf = (c: Customer, channel: Channel): string | undefined => (channel === 'email' ? c.email : channel === 'sms' ? c.phone : c.id);

export const suppressionHash = (ctx: Ctx, channel: 'email' | 'sms', address: string) => ctx.deps.hash({ kind: channel === 'email' ? 'email' : 'phone', value: address });

/** The live profile (following merges) with its derived state, or undefined. */
async function liveCustomer(ctx: Ctx, id: string): Promise<{ profile: Customer; state?: CustomerState } | undefined> {
  let current = id;
  for (let hop = 0; hop < 4; hop++) {
    const h = await ctx.deps.membership.header(current);
    if (!h.profile) return undefined;
    if (h.profile.status === 'active') return { profile: h.profile, ...(h.state ? { state: h.state } : {}) };
    if (h.profile.status !== 'merged' || !h.profile.mergedInto) return undefined;
    current = h.profile.mergedInto;
  }
  return undefined;
}

export async function decide(ctx: Ctx, input: DecideInput, nowMs: number): Promise<Decision> {
  const { deps } = ctx;
  const settings = await settingsOf(ctx);
  const skip = (reason: SkipReason, detail: string, r: Partial<Resolved> = {}): Decision => ({ kind: 'skip', reason, detail, customerId: r.customerId ?? input.customerId, ...r });

  const found = await liveCustomer(ctx, input.customerId);
  if (!found) return skip('customer-not-found', `customer ${input.customerId} does not exist or is deleted`);
  const { profile, state } = found;
  const customerId = profile.id;

  const templates = repoOf(deps, TemplatesRepo);
  const t = await templates.getCached(input.templateId, TEMPLATE_MAX_AGE_MS, nowMs);
  if (!t) return skip('template-not-found', `template ${input.templateId} does not exist`, { customerId });
  if (t.channel !== input.channel) return skip('template-not-found', `template ${t.id} is a ${t.channel} template, not ${input.channel}`, { customerId });
  if (input.templateVersion === undefined && t.status === 'archived') return skip('template-not-found', `template ${t.id} is archived`, { customerId });
  const version = input.templateVersion ?? t.currentVersion;
  const tv = await templates.versionCached(t.id, version);
  if (!tv) return skip('template-not-found', `template ${t.id} has no version ${version}`, { customerId });
  const resolved = { customerId, templateVersion: version };

  const to = addressOf(profile, input.channel);
  if (!to) return skip('no-address', `the customer has no ${input.channel === 'email' ? 'e-mail address' : 'phone number'}`, resolved);
  const withTo = { ...resolved, to };

  const marketing = input.purpose === 'marketing';
  if (marketing) {
    const ch = consentChannelOf(input.channel, settings);
    const consent = profile.consent[ch];
    if (consent?.granted !== true) {
      const unsubscribed = consent?.granted === false && UNSUBSCRIBE_SOURCES.has(consent.source);
      return skip(unsubscribed ? 'unsubscribed' : 'no-consent', unsubscribed ? `the customer unsubscribed from ${ch} (${consent!.source}, ${consent!.updatedAt})` : `no granted ${ch} consent`, withTo);
    }
  }

  if (input.channel !== 'webhook') {
    const s = await repoOf(deps, SuppressionsRepo).get(input.channel, suppressionHash(ctx, input.channel, to));
    if (s && !(s.reason === 'opt-out' && !marketing)) return skip('suppressed', `the address is on the suppression list (${s.reason}${s.note ? `: ${s.note}` : ''})`, withTo);
  }

  const tz = zoneOf(profile.timeZone, settings, isIanaTimeZone);
  if (input.respectQuietHours) {
    const end = quietHoursEnd(nowMs, tz, settings.quietHours);
    if (end !== undefined) return { kind: 'schedule', at: new Date(end).toISOString(), ...withTo };
  }

  let ledger: (SendLedger & { next: number[] }) | undefined;
  if (marketing) {
    const l = await repoOf(deps, MessagesRepo).ledger(customerId);
    const verdict = capVerdict(l.sends, nowMs, tz, settings.frequencyCaps);
    if (!verdict.ok) return skip('frequency-cap', `${verdict.count} marketing messages this ${verdict.window === 'day' ? 'day' : 'week'} already (cap ${verdict.limit})`, withTo);
    ledger = { ...l, next: recordSend(l.sends, nowMs) };
  }

  const links = messageLinks(messagingLinkKey(deps.linkKey), settings.linkBaseUrl, input.messageId);
  let rendered;
  try {
    rendered = renderContent(t.channel, tv.content, renderScope({ customer: profile, ...(state ? { state } : {}), ...(input.vars ? { vars: input.vars } : {}), settings, messageId: input.messageId, links }));
  } catch (e) {
    return skip('render-failed', `the template did not render: ${(e as Error).message}`, withTo);
  }
  const problem = renderedProblem(t.channel, rendered);
  if (problem) return skip('render-failed', problem, withTo);

  let body: MessageBody;
  if (input.channel === 'email') {
    const e = finalizeEmail(rendered, { marketing, links, brandName: settings.email.fromName, trackOpens: settings.tracking.opens, trackClicks: settings.tracking.clicks });
    body = { subject: e.subject, html: e.html, text: e.text, headers: e.headers, from: fromHeader(settings.email.fromName, settings.email.fromAddress), ...(settings.email.replyTo ? { replyTo: settings.email.replyTo } : {}) };
  } else if (input.channel === 'sms') {
    body = { body: finalizeSms(rendered.body!, { marketing, to, optOutText: settings.sms.optOutText, optOutTextZh: settings.sms.optOutTextZh }), ...(settings.sms.senderId ? { from: settings.sms.senderId } : {}) };
  } else body = { payload: rendered.payload, body: JSON.stringify(rendered.payload) };
  return { kind: 'send', ...withTo, ...(body.subject ? { subject: body.subject } : {}), body, ...(ledger ? { ledger } : {}) };
}
