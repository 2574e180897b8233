import { escapeHtml, noEscape, parseTemplate, renderNodes, type Scope } from './template-language';
import { templateIssues, type TemplateIssue } from './template-vars';
import { smsSegments, type SmsSegments } from './sms-segments';

/**
 * Message templates per channel, versioned: an edit makes a new immutable version and old ones
 * stay readable (a journey pins the version it was built with). Validation and rendering. Pure.
 */
export const TEMPLATE_CHANNELS = ['email', 'sms', 'webhook'] as const;
export type TemplateChannel = (typeof TEMPLATE_CHANNELS)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

export interface EmailContent {
  subject: string;
  /** The preview line inbox lists show after the subject (hidden in the body). */
  preheader?: string;
  html: string;
  /** The plain-text part; derived from the html when absent. */
  text?: string;
}
export interface SmsContent {
  body: string;
}
/** A JSON body for the webhook channel (WeChat template messages, app push, a brand's gateway); every string in it is a template. */
export interface WebhookContent {
  payload: { [k: string]: JsonValue };
}
export type TemplateContent = EmailContent | SmsContent | WebhookContent;

export interface Template {
  id: string;
  name: string;
  channel: TemplateChannel;
  description?: string;
  /** The version sends use unless they pin another. */
  currentVersion: number;
  status: 'active' | 'archived';
  createdAt: string;
  updatedAt: string;
  createdBy: string;
}

export interface TemplateVersion {
  templateId: string;
  version: number;
  content: TemplateContent;
  createdAt: string;
  createdBy: string;
}

export const TEMPLATE_LIMITS = { subject: 255, preheader: 255, htmlBytes: 200_000, textBytes: 100_000, smsChars: 1_000, payloadBytes: 16_000, name: 200 } as const;

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** Every problem of a template's content for its channel: empty parts, sizes, and each template text. */
export function contentIssues(channel: TemplateChannel, content: TemplateContent): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const text = (field: string, value: unknown, opts: { required: boolean; maxBytes?: number; maxChars?: number }) => {
    if (value === undefined && !opts.required) return;
    if (typeof value !== 'string' || (opts.required && value.trim() === '')) {
      issues.push({ field: `content.${field}`, message: 'must not be empty' });
      return;
    }
    if (opts.maxBytes && bytes(value) > opts.maxBytes) issues.push({ field: `content.${field}`, message: `must be at most ${opts.maxBytes} bytes` });
    if (opts.maxChars && [...value].length > opts.maxChars) issues.push({ field: `content.${field}`, message: `must be at most ${opts.maxChars} characters` });
    issues.push(...templateIssues(`content.${field}`, value));
  };
  if (channel === 'email') {
    const c = content as EmailContent;
    text('subject', c.subject, { required: true, maxChars: TEMPLATE_LIMITS.subject });
    text('preheader', c.preheader, { required: false, maxChars: TEMPLATE_LIMITS.preheader });
    text('html', c.html, { required: true, maxBytes: TEMPLATE_LIMITS.htmlBytes });
    text('text', c.text, { required: false, maxBytes: TEMPLATE_LIMITS.textBytes });
  } else if (channel === 'sms') {
    text('body', (content as SmsContent).body, { required: true, maxChars: TEMPLATE_LIMITS.smsChars });
  } else {
    const payload = (content as WebhookContent).payload;
    if (!payload || typeof payload !== 'object' || Array.isArray(payload) || Object.keys(payload).length === 0) issues.push({ field: 'content.payload', message: 'must be a non-empty JSON object' });
    else if (bytes(JSON.stringify(payload)) > TEMPLATE_LIMITS.payloadBytes) issues.push({ field: 'content.payload', message: `must be at most ${TEMPLATE_LIMITS.payloadBytes} bytes as JSON` });
    else forEachString(payload, 'payload', (field, s) => issues.push(...templateIssues(`content.${field}`, s)));
  }
  return issues;
}

function forEachString(v: JsonValue, path: string, fn: (path: string, s: string) => void): void {
  if (typeof v === 'string') fn(path, v);
  else if (Array.isArray(v)) v.forEach((x, i) => forEachString(x, `${path}.${i}`, fn));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) forEachString(x, `${path}.${k}`, fn);
}

/** What a template renders to for one customer, before the compliance additions of the send. */
export interface RenderedContent {
  subject?: string;
  preheader?: string;
  html?: string;
  text?: string;
  body?: string;
  payload?: JsonValue;
}

const render = (src: string, scope: Scope, escape: (s: string) => string) => renderNodes(parseTemplate(src), scope, escape);

function renderJson(v: JsonValue, scope: Scope): JsonValue {
  if (typeof v === 'string') return render(v, scope, noEscape);
  if (Array.isArray(v)) return v.map((x) => renderJson(x, scope));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renderJson(x, scope)]));
  return v;
}

/** Renders a saved (valid) template: values are HTML-escaped in the html part only. */
export function renderContent(channel: TemplateChannel, content: TemplateContent, scope: Scope): RenderedContent {
  if (channel === 'email') {
    const c = content as EmailContent;
    const html = render(c.html, scope, escapeHtml);
    return {
      subject: render(c.subject, scope, noEscape).replace(/[\r\n]+/g, ' ').trim(),
      ...(c.preheader ? { preheader: render(c.preheader, scope, noEscape) } : {}),
      html,
      text: c.text ? render(c.text, scope, noEscape) : htmlToText(html),
    };
  }
  if (channel === 'sms') return { body: render((content as SmsContent).body, scope, noEscape).trim() };
  return { payload: renderJson((content as WebhookContent).payload, scope) };
}

/** Why a rendered message cannot be sent (an empty subject or body after rendering), or undefined. */
export function renderedProblem(channel: TemplateChannel, r: RenderedContent): string | undefined {
  if (channel === 'email' && !r.subject) return 'the subject is empty after rendering';
  if (channel === 'email' && !r.html?.trim()) return 'the html part is empty after rendering';
  if (channel === 'sms' && !r.body) return 'the text is empty after rendering';
  return undefined;
}

/** SMS parts of a template as saved (placeholders counted as written) and with the opt-out text added. */
export function smsInfo(content: SmsContent, optOutText: string): { segments: SmsSegments; withOptOut: SmsSegments } {
  return { segments: smsSegments(content.body), withOptOut: smsSegments(`${content.body}${optOutText ? `\n${optOutText}` : ''}`) };
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ', apos: "'" };

/** A readable plain-text part from html: block ends become line breaks, links keep their URL. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, '')
    .replace(/<a\s[^>]*href\s*=\s*"([^"]*)"[^>]*>([\s\S]{0,2000}?)<\/a>/gi, (_, href: string, inner: string) => `${inner.replace(/<[^>]+>/g, '')} (${href})`)
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|li|tr|table)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|nbsp|apos);/g, (_, e: string) => ENTITIES[e]!)
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
