import { ValidationError, type FieldIssue } from '../errors';
import { isValidTimeZone } from './business-hours';

/** The service desk's settings (one item, edited by service admins); every field has a default. */
export interface ServiceSettings {
  /** Solved tickets close automatically this many days after they were solved. */
  autoCloseDays: number;
  /** The CSAT survey goes out this many minutes after a ticket is solved. */
  surveyDelayMinutes: number;
  /** A survey link is valid this many days. */
  surveyExpiryDays: number;
  /** Survey links start with this URL (the page or API host the customer opens); relative when empty. */
  surveyLinkBaseUrl: string;
  /** Default share of an SLA target at which the warning fires. */
  slaWarningShare: number;
  /** A task not done this many minutes after its due time escalates to the assignee's manager. */
  overdueEscalationMinutes: number;
  /** Default minutes before the due time a task's first reminder goes out. */
  taskRemindBeforeMinutes: number;
  /** The follow-up visit (回访) after a complaint is solved is due this many hours later. */
  complaintFollowUpHours: number;
  /** The manager's follow-up task after a bad rating is due this many hours later. */
  badRatingFollowUpHours: number;
  /** Largest attachment, bytes. */
  attachmentMaxBytes: number;
  /** Media types an attachment may have. */
  attachmentTypes: string[];
  /** Reports count days in this time zone. */
  reportTimeZone: string;
  /** Care cadences run at this local hour (birthday, holiday, renewal). */
  careHour: number;
  /** Tickets nobody assigned go to this group (its assignment mode hands them out). */
  defaultGroupId?: string;
  updatedAt?: string;
  version: number;
}

export const DEFAULT_SETTINGS: ServiceSettings = {
  autoCloseDays: 4,
  surveyDelayMinutes: 60,
  surveyExpiryDays: 7,
  surveyLinkBaseUrl: '',
  slaWarningShare: 0.8,
  overdueEscalationMinutes: 60,
  taskRemindBeforeMinutes: 30,
  complaintFollowUpHours: 72,
  badRatingFollowUpHours: 24,
  attachmentMaxBytes: 10 * 1024 * 1024,
  attachmentTypes: ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf', 'text/plain', 'video/mp4'],
  reportTimeZone: 'UTC',
  careHour: 10,
  version: 0,
};

const between = (v: number, lo: number, hi: number) => typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;

export function settingsIssues(s: ServiceSettings): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const int = (field: keyof ServiceSettings, lo: number, hi: number) => {
    const v = s[field] as number;
    if (!Number.isInteger(v) || !between(v, lo, hi)) issues.push({ field, message: `must be a whole number from ${lo} to ${hi}` });
  };
  int('autoCloseDays', 1, 90);
  int('surveyDelayMinutes', 0, 30 * 24 * 60);
  int('surveyExpiryDays', 1, 90);
  int('overdueEscalationMinutes', 0, 7 * 24 * 60);
  int('taskRemindBeforeMinutes', 0, 7 * 24 * 60);
  int('complaintFollowUpHours', 1, 30 * 24);
  int('badRatingFollowUpHours', 1, 30 * 24);
  int('attachmentMaxBytes', 1, 100 * 1024 * 1024);
  int('careHour', 0, 23);
  if (!between(s.slaWarningShare, 0.5, 0.99)) issues.push({ field: 'slaWarningShare', message: 'must be between 0.5 and 0.99' });
  if (!isValidTimeZone(s.reportTimeZone)) issues.push({ field: 'reportTimeZone', message: 'is not an IANA time zone' });
  if (s.surveyLinkBaseUrl && !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(s.surveyLinkBaseUrl)) issues.push({ field: 'surveyLinkBaseUrl', message: 'must be an http(s) URL without query or fragment' });
  s.attachmentTypes.forEach((t, i) => {
    if (!/^[a-z]+\/[a-z0-9.+-]+$/.test(t)) issues.push({ field: `attachmentTypes.${i}`, message: 'must be a media type such as image/png' });
  });
  return issues;
}

export function assertSettings(s: ServiceSettings): ServiceSettings {
  const issues = settingsIssues(s);
  if (issues.length) throw new ValidationError(issues);
  return s;
}
