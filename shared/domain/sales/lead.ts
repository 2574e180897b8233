import { normalizeName } from '../identity';
import { RuleViolation } from '../service/errors';

/**
 * Leads (线索): a company and a contact who may buy, from a source channel, graded A/B/C or by a
 * score, owned by a rep or waiting unowned in the public pool (公海). Status runs new → contacted
 * → qualified → converted, or disqualified (with a reason, reopenable), or merged into another
 * lead. Pure: types, transitions, the dedup key of a company name.
 */
export const LEAD_SOURCES = ['website-form', 'e-commerce-inquiry', 'trade-show', 'wechat', 'phone', 'import', 'referral', 'other'] as const;
export type LeadSource = (typeof LEAD_SOURCES)[number];
export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'converted', 'disqualified', 'merged'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
export const OPEN_LEAD_STATUSES: readonly LeadStatus[] = ['new', 'contacted', 'qualified'];
export const COMPANY_SIZES = ['1-10', '11-50', '51-200', '201-1000', '1000+'] as const;
export type CompanySize = (typeof COMPANY_SIZES)[number];
export const LEAD_GRADES = ['A', 'B', 'C'] as const;
export type LeadGrade = (typeof LEAD_GRADES)[number];
export const DISQUALIFY_REASONS = ['no-budget', 'no-need', 'unreachable', 'competitor', 'duplicate', 'spam', 'other'] as const;
export type DisqualifyReason = (typeof DISQUALIFY_REASONS)[number];

export interface Lead {
  id: string;
  status: LeadStatus;
  sourceChannel: LeadSource;
  /** The submission's id at its source (a form entry): the same one twice is the same lead. */
  sourceRef?: string;
  company: string;
  contactName?: string;
  title?: string;
  /** E.164. */
  phone?: string;
  /** Lower-cased. */
  email?: string;
  wechat?: string;
  region?: string;
  industry?: string;
  companySize?: CompanySize;
  productLine?: string;
  needs?: string;
  grade?: LeadGrade;
  score?: number;
  ownerId?: string;
  /** When the current owner got it (claim, assignment, creation). */
  ownedSince?: string;
  lastFollowUpAt?: string;
  followUpCount: number;
  nextFollowUpAt?: string;
  /** The open task reminding the owner of the next follow-up. */
  nextFollowUpTaskId?: string;
  /** The last owner it returned to the pool from, and until when they may not claim it back. */
  returnedFrom?: { ownerId: string; at: string; until: string };
  disqualifyReason?: DisqualifyReason;
  disqualifyNote?: string;
  conversion?: { customerId: string; contactId: string; opportunityId?: string; at: string; by: string };
  mergedInto?: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export const isOpenLead = (s: LeadStatus) => OPEN_LEAD_STATUSES.includes(s);
/** A lead counts against its owner's held-lead limit while it is owned and open. */
export const isHeld = (l: Pick<Lead, 'ownerId' | 'status'> | undefined): boolean => !!l?.ownerId && isOpenLead(l.status);
export const inPool = (l: Pick<Lead, 'ownerId' | 'status'>): boolean => !l.ownerId && isOpenLead(l.status);

/** Status changes a PATCH may ask for; converted and merged have their own routes and are final. */
const MOVES: Record<LeadStatus, readonly LeadStatus[]> = {
  new: ['contacted', 'qualified', 'disqualified'],
  contacted: ['qualified', 'disqualified'],
  qualified: ['contacted', 'disqualified'],
  disqualified: ['contacted'],
  converted: [],
  merged: [],
};

export function assertLeadTransition(l: Pick<Lead, 'id' | 'status'>, to: LeadStatus): void {
  if (l.status === to) return;
  if (l.status === 'converted' || l.status === 'merged') throw new RuleViolation('lead-closed', `Lead ${l.id} is ${l.status}; it can no longer change.`);
  if (to === 'converted') throw new RuleViolation('convert-through-route', 'A lead is converted with POST /v1/leads/{id}/convert, which creates the account, contact and opportunity.');
  if (to === 'merged') throw new RuleViolation('merge-through-route', 'A lead is merged with POST /v1/leads/{id}/merge.');
  if (!MOVES[l.status].includes(to)) throw new RuleViolation('lead-status', `A ${l.status} lead cannot become ${to}.`, { from: l.status, to });
}

export function assertLeadOpen(l: Pick<Lead, 'id' | 'status'>): void {
  if (!isOpenLead(l.status)) throw new RuleViolation('lead-closed', `Lead ${l.id} is ${l.status}; reopen it first (disqualified leads) or work on what it became.`, { status: l.status });
}

/** Legal-form suffixes that do not tell two companies apart. */
const LEGAL_SUFFIXES = ['股份有限公司', '有限责任公司', '有限公司', '集团', 'company limited', 'co ltd', 'corporation', 'limited', 'company', 'corp', 'gmbh', 'ltd', 'inc', 'llc', 'plc', 'co'];

/**
 * The dedup key of a company name: compatibility-folded (full-width → half-width), lower-cased,
 * punctuation and white space dropped, one trailing legal form dropped. "ACME Co., Ltd." and
 * "acme" meet; "上海某某贸易有限公司" and "上海某某贸易" meet.
 */
export function companyKey(name: string): string {
  const base = normalizeName(name).replace(/[\p{P}\p{S}]+/gu, ' ').replace(/\s+/g, ' ').trim();
  let key = base;
  for (const suffix of LEGAL_SUFFIXES) {
    if (key.endsWith(suffix) && key.length > suffix.length) {
      key = key.slice(0, -suffix.length).trim();
      break;
    }
  }
  return key.replace(/\s+/g, '');
}

/** A region or product line as rules and the pool index compare it. */
export const regionKey = (s: string | undefined) => (s ? normalizeName(s).replace(/#/g, '') : '');
