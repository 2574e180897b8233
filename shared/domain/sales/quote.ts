import { ValidationError, type FieldIssue } from '../errors';
import { RuleViolation } from '../service/errors';

/**
 * Quotes (报价单): line items (product, quantity, unit price, discount %, tax rate %) with totals
 * computed in integer minor units, a validity date, a status (draft, sent, accepted, rejected,
 * expired; superseded once revised) and revisions: revising makes a new quote with the same
 * number and the next revision, the old one superseded. Accepted turns into a contract. Pure.
 */
export const QUOTE_STATUSES = ['draft', 'sent', 'accepted', 'rejected', 'expired', 'superseded'] as const;
export type QuoteStatus = (typeof QUOTE_STATUSES)[number];

export interface QuoteLineInput {
  sku?: string;
  name: string;
  description?: string;
  quantity: number;
  unitPriceMinor: number;
  discountPercent?: number;
  taxRatePercent?: number;
  /** The client's own line total: refused (400 naming the line) when it does not add up. */
  totalMinor?: number;
}

export interface QuoteLine {
  sku?: string;
  name: string;
  description?: string;
  quantity: number;
  unitPriceMinor: number;
  discountPercent: number;
  taxRatePercent: number;
  /** quantity × unit price. */
  subtotalMinor: number;
  discountMinor: number;
  /** subtotal − discount. */
  netMinor: number;
  taxMinor: number;
  /** net + tax. */
  totalMinor: number;
}

export interface QuoteTotals {
  subtotalMinor: number;
  discountMinor: number;
  netMinor: number;
  taxMinor: number;
  totalMinor: number;
}

export interface Quote extends QuoteTotals {
  id: string;
  /** Shared by all revisions: Q-000042. */
  number: string;
  revision: number;
  opportunityId: string;
  customerId: string;
  ownerId: string;
  status: QuoteStatus;
  currency: string;
  lines: QuoteLine[];
  /** YYYY-MM-DD. */
  issuedOn: string;
  validUntil: string;
  notes?: string;
  terms?: string;
  supersedes?: string;
  supersededBy?: string;
  sentAt?: string;
  acceptedAt?: string;
  rejectedAt?: string;
  rejectReason?: string;
  expiredAt?: string;
  contractId?: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export const QUOTE_LIMITS = { lines: 100, quantity: 1_000_000, unitPriceMinor: 1_000_000_000_000 } as const;

/** A percentage with at most two decimals → basis points; undefined when it has more. */
function basisPoints(p: number): number | undefined {
  const bp = Math.round(p * 100);
  return Math.abs(p * 100 - bp) < 1e-6 ? bp : undefined;
}

/** n × bp / 10000, rounded half away from zero, exactly (BigInt). */
function applyBp(n: bigint, bp: number): bigint {
  const num = n * BigInt(bp);
  const q = num / 10000n;
  const r = num % 10000n;
  return r * 2n >= 10000n ? q + 1n : q;
}

export function lineIssues(lines: readonly QuoteLineInput[], root = 'lines'): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (lines.length === 0) issues.push({ field: root, message: 'needs at least one line' });
  if (lines.length > QUOTE_LIMITS.lines) issues.push({ field: root, message: `may have at most ${QUOTE_LIMITS.lines} lines` });
  lines.forEach((l, i) => {
    const f = `${root}.${i}`;
    if (!Number.isInteger(l.quantity) || l.quantity < 1 || l.quantity > QUOTE_LIMITS.quantity) issues.push({ field: `${f}.quantity`, message: `must be a whole number from 1 to ${QUOTE_LIMITS.quantity}` });
    if (!Number.isInteger(l.unitPriceMinor) || l.unitPriceMinor < 0 || l.unitPriceMinor > QUOTE_LIMITS.unitPriceMinor) issues.push({ field: `${f}.unitPriceMinor`, message: 'must be a whole number of minor units, not negative' });
    for (const k of ['discountPercent', 'taxRatePercent'] as const) {
      const v = l[k];
      if (v === undefined) continue;
      if (!(v >= 0 && v <= 100) || basisPoints(v) === undefined) issues.push({ field: `${f}.${k}`, message: 'must be a percentage from 0 to 100 with at most two decimals' });
    }
  });
  return issues;
}

/** One line's amounts: subtotal, discount (rounded), net, tax on the net (rounded), total. */
export function computeLine(l: QuoteLineInput): QuoteLine {
  const discountPercent = l.discountPercent ?? 0;
  const taxRatePercent = l.taxRatePercent ?? 0;
  const subtotal = BigInt(l.quantity) * BigInt(l.unitPriceMinor);
  const discount = applyBp(subtotal, basisPoints(discountPercent) ?? 0);
  const net = subtotal - discount;
  const tax = applyBp(net, basisPoints(taxRatePercent) ?? 0);
  const { totalMinor: _client, ...rest } = l;
  return { ...rest, discountPercent, taxRatePercent, subtotalMinor: Number(subtotal), discountMinor: Number(discount), netMinor: Number(net), taxMinor: Number(tax), totalMinor: Number(net + tax) };
}

export function sumLines(lines: readonly QuoteLine[]): QuoteTotals {
  const t: QuoteTotals = { subtotalMinor: 0, discountMinor: 0, netMinor: 0, taxMinor: 0, totalMinor: 0 };
  for (const l of lines) for (const k of Object.keys(t) as (keyof QuoteTotals)[]) t[k] += l[k];
  return t;
}

/**
 * Computes the lines and totals; every figure the client sent (a line's `totalMinor`, any of the
 * quote's totals) must equal the computed one, else 400 naming each one that does not add up.
 */
export function priceQuote(lines: readonly QuoteLineInput[], clientTotals: Partial<QuoteTotals> = {}): { lines: QuoteLine[]; totals: QuoteTotals } {
  const issues = lineIssues(lines);
  if (issues.length) throw new ValidationError(issues);
  const computed = lines.map(computeLine);
  const totals = sumLines(computed);
  const mismatches: FieldIssue[] = [];
  lines.forEach((l, i) => {
    if (l.totalMinor !== undefined && l.totalMinor !== computed[i]!.totalMinor) {
      mismatches.push({ field: `lines.${i}.totalMinor`, message: `does not add up: ${l.quantity} × ${l.unitPriceMinor} − ${computed[i]!.discountPercent}% + ${computed[i]!.taxRatePercent}% tax is ${computed[i]!.totalMinor}, not ${l.totalMinor}` });
    }
  });
  for (const k of Object.keys(totals) as (keyof QuoteTotals)[]) {
    const sent = clientTotals[k];
    if (sent !== undefined && sent !== totals[k]) mismatches.push({ field: `totals.${k}`, message: `does not add up: the lines make ${totals[k]}, not ${sent}` });
  }
  if (mismatches.length) throw new ValidationError(mismatches, 'The quote’s totals do not add up.');
  return { lines: computed, totals };
}

export function assertValidity(issuedOn: string, validUntil: string): void {
  if (validUntil < issuedOn) throw ValidationError.field('validUntil', `must not be before the quote's date ${issuedOn}`);
}

const MOVES: Record<QuoteStatus, readonly QuoteStatus[]> = {
  draft: ['sent', 'expired'],
  sent: ['accepted', 'rejected', 'expired', 'superseded'],
  rejected: ['superseded'],
  expired: ['superseded'],
  accepted: [],
  superseded: [],
};

export function assertQuoteTransition(q: Pick<Quote, 'id' | 'status' | 'validUntil'>, to: QuoteStatus, todayDate?: string): void {
  if (q.status === to) return;
  if (q.status === 'superseded') throw new RuleViolation('quote-superseded', `Quote ${q.id} was revised; work on its latest revision.`);
  if (!MOVES[q.status].includes(to)) throw new RuleViolation('quote-status', `A ${q.status} quote cannot become ${to}.`, { from: q.status, to });
  if (to === 'accepted' && todayDate && todayDate > q.validUntil) throw new RuleViolation('quote-expired', `Quote ${q.id} was valid until ${q.validUntil}; revise it.`, { validUntil: q.validUntil });
}

export const isEditable = (q: Pick<Quote, 'status'>) => q.status === 'draft';
export const canRevise = (q: Pick<Quote, 'status'>) => q.status === 'sent' || q.status === 'rejected' || q.status === 'expired';
export const quoteNumber = (n: number) => `Q-${String(n).padStart(6, '0')}`;
