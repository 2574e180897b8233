import type { FieldIssue } from '../errors';
import { isValidTimeZone } from '../service/business-hours';

/**
 * The brand's messaging settings: frequency caps, quiet hours, the default time zone, the
 * attribution window, the senders, the SMS opt-out texts, the webhook channel endpoint and the
 * base URL of the links in messages. One item, versioned. Pure.
 */
export interface MessagingSettings {
  frequencyCaps: {
    /** Marketing messages per customer per local calendar day (0 = no cap). */
    perDay: number;
    /** Marketing messages per customer per week (0 = no cap). */
    perWeek: number;
    /** `rolling`: the last 7 × 24 hours; `calendar`: Monday to Sunday in the customer's time zone. */
    week: 'rolling' | 'calendar';
  };
  quietHours: {
    enabled: boolean;
    /** Local time `HH:MM` quiet hours start (e.g. 21:00) and end (e.g. 08:00); may cross midnight. */
    start: string;
    end: string;
  };
  /** IANA zone for customers without their own `timeZone`. */
  defaultTimeZone: string;
  /** An order within this many days of a marketing message is attributed to it. */
  attributionWindowDays: number;
  email: { fromName: string; fromAddress: string; replyTo?: string };
  sms: {
    /** Sender id (alphanumeric, where the country allows one). */
    senderId?: string;
    optOutText: string;
    /** Used for Chinese texts and +86 numbers. */
    optOutTextZh: string;
  };
  /** The webhook channel: where messages are POSTed, signed (X-CRM-Signature) with the channel secret. */
  webhook: { url?: string; consentChannel: 'wechat' | 'push' };
  /** Opens and clicks tracked in e-mails (pixel, link redirect). */
  tracking: { opens: boolean; clicks: boolean };
  /** Public base URL of the API for links in messages (unsubscribe, tracking). */
  linkBaseUrl: string;
  version: number;
  updatedAt?: string;
  updatedBy?: string;
}

export const DEFAULT_MESSAGING_SETTINGS: MessagingSettings = {
  frequencyCaps: { perDay: 2, perWeek: 5, week: 'rolling' },
  quietHours: { enabled: true, start: '21:00', end: '08:00' },
  defaultTimeZone: 'Asia/Shanghai',
  attributionWindowDays: 5,
  email: { fromName: 'Our store', fromAddress: 'no-reply@example.com' },
  sms: { optOutText: 'Reply STOP to opt out', optOutTextZh: '回TD退订' },
  webhook: { consentChannel: 'wechat' },
  tracking: { opens: true, clicks: true },
  linkBaseUrl: 'http://localhost:3000',
  version: 0,
};

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;
const SENDER_ID = /^[A-Za-z0-9 ]{1,11}$/;

export const minutesOfDay = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

function isHttpUrl(s: string | undefined, allowHttpLocal: boolean): boolean {
  if (!s) return false;
  try {
    const u = new URL(s);
    if (u.username || u.password) return false;
    return u.protocol === 'https:' || (allowHttpLocal && u.protocol === 'http:');
  } catch {
    return false;
  }
}

/** Every problem of a settings document, each naming its field. */
export function settingsIssues(s: Omit<MessagingSettings, 'version'>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (field: string, message: string) => issues.push({ field, message });
  const { perDay, perWeek } = s.frequencyCaps;
  if (perDay > 0 && perWeek > 0 && perWeek < perDay) add('frequencyCaps.perWeek', `must be at least perDay (${perDay}) or 0 (no weekly cap)`);
  if (!HHMM.test(s.quietHours.start)) add('quietHours.start', 'must be a local time HH:MM');
  if (!HHMM.test(s.quietHours.end)) add('quietHours.end', 'must be a local time HH:MM');
  if (s.quietHours.enabled && s.quietHours.start === s.quietHours.end) add('quietHours.end', 'must differ from start (disable quiet hours instead)');
  if (!isValidTimeZone(s.defaultTimeZone)) add('defaultTimeZone', `is not an IANA time zone: ${JSON.stringify(s.defaultTimeZone)}`);
  if (!EMAIL.test(s.email.fromAddress)) add('email.fromAddress', 'must be an e-mail address');
  if (s.email.replyTo !== undefined && !EMAIL.test(s.email.replyTo)) add('email.replyTo', 'must be an e-mail address');
  if (/[\r\n"<>]/.test(s.email.fromName)) add('email.fromName', 'must not contain line breaks, quotes or angle brackets');
  if (s.sms.senderId !== undefined && !SENDER_ID.test(s.sms.senderId)) add('sms.senderId', 'must be 1-11 letters, digits or spaces');
  if (s.webhook.url !== undefined && !isHttpUrl(s.webhook.url, /^http:\/\/(localhost|127\.0\.0\.1)[:/]/.test(s.webhook.url))) add('webhook.url', 'must be an https URL (http only to localhost)');
  if (!isHttpUrl(s.linkBaseUrl, true)) add('linkBaseUrl', 'must be an http(s) URL');
  return issues;
}
