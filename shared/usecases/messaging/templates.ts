import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors';
import { finalizeEmail, finalizeSms } from '../../domain/messaging/compliance';
import { messageLinks, messagingLinkKey } from '../../domain/messaging/links';
import type { SmsSegments } from '../../domain/messaging/sms-segments';
import { contentIssues, renderContent, smsInfo, type SmsContent, type Template, type TemplateChannel, type TemplateContent, type TemplateVersion } from '../../domain/messaging/templates';
import type { Customer } from '../../domain/customer';
import { repoOf } from '../../store/repo-of';
import { TemplatesRepo } from '../../store/templates-repo';
import type { Ctx } from '../customers';
import { settingsOf } from './decide';
import { renderScope, SAMPLE_VARS } from './personalize';

/**
 * Templates (`/v1/templates`): create, edit (a new immutable version each time, guarded by the
 * version the editor read), archive, read any version, and render a test with sample data or a
 * real customer. Content is validated when saved: empty parts, unknown variables and variables
 * that can be missing without a fallback are refused with 400 naming the field, line and column.
 */
export interface TemplateView extends Template {
  version: number;
  content: TemplateContent;
  /** SMS only: parts of the text as written, and with the opt-out text marketing sends add. */
  sms?: { segments: SmsSegments; withOptOut: SmsSegments };
}

const repo = (ctx: Ctx) => repoOf(ctx.deps, TemplatesRepo);

function assertContent(channel: TemplateChannel, content: TemplateContent): void {
  const issues = contentIssues(channel, content);
  if (issues.length) throw new ValidationError(issues, `The template is invalid: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
}

async function view(ctx: Ctx, t: Template, v: TemplateVersion): Promise<TemplateView> {
  const out: TemplateView = { ...t, version: v.version, content: v.content };
  if (t.channel === 'sms') out.sms = smsInfo(v.content as SmsContent, (await settingsOf(ctx)).sms.optOutText);
  return out;
}

export async function createTemplate(ctx: Ctx, input: { name: string; channel: TemplateChannel; description?: string; content: TemplateContent }): Promise<TemplateView> {
  assertContent(input.channel, input.content);
  const now = ctx.deps.clock.now().toISOString();
  const t: Template = { id: ctx.deps.ids.next(), name: input.name, channel: input.channel, ...(input.description ? { description: input.description } : {}), currentVersion: 1, status: 'active', createdAt: now, updatedAt: now, createdBy: ctx.actorId };
  const v: TemplateVersion = { templateId: t.id, version: 1, content: input.content, createdAt: now, createdBy: ctx.actorId };
  await repo(ctx).create(t, v);
  return view(ctx, t, v);
}

/** An edit: a new version with the new content (or the current one), name and description. */
export async function updateTemplate(ctx: Ctx, id: string, input: { version: number; name?: string; description?: string | null; content?: TemplateContent }): Promise<TemplateView> {
  const t = await repo(ctx).require(id);
  if (t.status === 'archived') throw new ConflictError(`Template ${id} is archived; archived templates are read-only.`, { rule: 'template-archived' });
  if (t.currentVersion !== input.version) throw new ConflictError(`The template is at version ${t.currentVersion}, not ${input.version}; read it again and retry.`, { currentVersion: t.currentVersion, rule: 'template-version' });
  const content = input.content ?? (await requireVersion(ctx, id, t.currentVersion)).content;
  assertContent(t.channel, content);
  const now = ctx.deps.clock.now().toISOString();
  const { description: _d, ...rest } = t;
  const description = input.description === null ? undefined : (input.description ?? t.description);
  const next: Template = { ...rest, ...(description ? { description } : {}), name: input.name ?? t.name, currentVersion: t.currentVersion + 1, updatedAt: now };
  const v: TemplateVersion = { templateId: id, version: next.currentVersion, content, createdAt: now, createdBy: ctx.actorId };
  await repo(ctx).addVersion(next, v, input.version);
  return view(ctx, next, v);
}

export async function archiveTemplate(ctx: Ctx, id: string): Promise<Template> {
  const t = await repo(ctx).require(id);
  if (t.status === 'archived') return t;
  const next: Template = { ...t, status: 'archived', updatedAt: ctx.deps.clock.now().toISOString() };
  await repo(ctx).putHead(next, t.currentVersion);
  return next;
}

async function requireVersion(ctx: Ctx, id: string, version: number): Promise<TemplateVersion> {
  const v = await repo(ctx).version(id, version);
  if (!v) throw new NotFoundError('Template version', `${id} v${version}`);
  return v;
}

export async function getTemplate(ctx: Ctx, id: string, version?: number): Promise<TemplateView> {
  const t = await repo(ctx).require(id);
  return view(ctx, t, await requireVersion(ctx, id, version ?? t.currentVersion));
}

export async function listTemplateVersions(ctx: Ctx, id: string): Promise<TemplateVersion[]> {
  await repo(ctx).require(id);
  return repo(ctx).versions(id);
}

export const listTemplates = (ctx: Ctx, limit: number, cursor?: string) => repo(ctx).list(limit, cursor);

const SAMPLE_CUSTOMER: Customer = {
  id: '01HSAMP1E0CVST0MER0000000',
  name: 'Li Lei',
  email: 'li.lei@example.com',
  phone: '+8613800000000',
  city: 'Shanghai',
  country: 'CN',
  platformIds: [],
  consent: {},
  tags: [],
  attributes: { points: 1280 },
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
  version: 1,
  status: 'active',
};

/**
 * A test render: the saved template (a version, or the current one) for a real customer or a
 * sample one, with sample variables unless given, as a marketing (default) or transactional send
 * would go out — links, unsubscribe footer and headers, opt-out text included.
 */
export async function testRender(ctx: Ctx, id: string, input: { version?: number; customerId?: string; vars?: Record<string, string>; purpose?: 'marketing' | 'transactional' }) {
  const t = await repo(ctx).require(id);
  const v = await requireVersion(ctx, id, input.version ?? t.currentVersion);
  const settings = await settingsOf(ctx);
  let customer = SAMPLE_CUSTOMER;
  let state: { tier?: string; lifecycle?: string; version: number } | undefined = { tier: 'gold', lifecycle: 'active', version: 1 };
  if (input.customerId) {
    const h = await ctx.deps.membership.header(input.customerId);
    if (!h.profile || h.profile.status !== 'active') throw new NotFoundError('Customer', input.customerId);
    customer = h.profile;
    state = h.state;
  }
  const messageId = '01HTESTRENDER0000000000000';
  const links = messageLinks(messagingLinkKey(ctx.deps.linkKey), settings.linkBaseUrl, messageId);
  const vars = input.vars ?? SAMPLE_VARS;
  const marketing = (input.purpose ?? 'marketing') === 'marketing';
  const r = renderContent(t.channel, v.content, renderScope({ customer, ...(state ? { state } : {}), vars, settings, messageId, links }));
  if (t.channel === 'email') {
    const e = finalizeEmail(r, { marketing, links, brandName: settings.email.fromName, trackOpens: false, trackClicks: false });
    return { channel: t.channel, version: v.version, subject: e.subject, ...(r.preheader ? { preheader: r.preheader } : {}), html: e.html, text: e.text, headers: e.headers };
  }
  if (t.channel === 'sms') {
    const body = finalizeSms(r.body ?? '', { marketing, to: customer.phone ?? '', optOutText: settings.sms.optOutText, optOutTextZh: settings.sms.optOutTextZh });
    return { channel: t.channel, version: v.version, body, sms: smsInfo({ body }, '').segments };
  }
  return { channel: t.channel, version: v.version, payload: r.payload };
}
