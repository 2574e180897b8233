import { ValidationError, type FieldIssue } from '../errors';
import { RuleViolation } from '../service/errors';
import { addDays, daysBetween, isRealDate, localInstant } from './dates';

/**
 * Collections (回款): a plan of instalments for a contract (due dates, amounts adding up to the
 * contract amount), payments recorded against it (never more than what is outstanding), the
 * overdue flag, and the receivables aging (current, 1–30, 31–60, 61–90, over 90 days overdue).
 * Payments are facts; which instalment they settle is derived (oldest first, or the one named).
 * Pure.
 */
export const PAYMENT_METHODS = ['bank-transfer', 'cash', 'cheque', 'card', 'alipay', 'wechat-pay', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export const AGE_BUCKETS = ['current', '1-30', '31-60', '61-90', '90+'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];
export const MAX_INSTALMENTS = 60;

export interface InstalmentInput {
  dueDate: string;
  amountMinor: number;
  note?: string;
}

export interface Instalment {
  no: number;
  dueDate: string;
  amountMinor: number;
  paidMinor: number;
  outstandingMinor: number;
  status: 'open' | 'paid';
  /** Past its due date and not fully paid (set when the due date is over, cleared when paid). */
  overdue: boolean;
  overdueSince?: string;
  paidOn?: string;
  paidLate?: boolean;
  note?: string;
}

export interface Allocation {
  no: number;
  amountMinor: number;
}

export interface Payment {
  id: string;
  contractId: string;
  amountMinor: number;
  currency: string;
  /** The day the money arrived (YYYY-MM-DD). */
  receivedOn: string;
  method: PaymentMethod;
  reference?: string;
  /** The instalment the payer meant, when named. */
  instalmentNo?: number;
  allocations: Allocation[];
  recordedBy: string;
  recordedAt: string;
}

export interface CollectionPlan {
  contractId: string;
  currency: string;
  totalMinor: number;
  paidMinor: number;
  outstandingMinor: number;
  instalments: Instalment[];
  version: number;
  updatedAt: string;
}

/** A plan's instalments: amounts add up to the contract amount, due dates real and in order. */
export function assertPlan(input: readonly InstalmentInput[], contractAmount: number): void {
  const issues: FieldIssue[] = [];
  if (input.length === 0 || input.length > MAX_INSTALMENTS) issues.push({ field: 'instalments', message: `needs 1 to ${MAX_INSTALMENTS} instalments` });
  input.forEach((i, n) => {
    if (!isRealDate(i.dueDate)) issues.push({ field: `instalments.${n}.dueDate`, message: 'must be a date YYYY-MM-DD' });
    else if (n > 0 && isRealDate(input[n - 1]!.dueDate) && i.dueDate <= input[n - 1]!.dueDate) issues.push({ field: `instalments.${n}.dueDate`, message: `must be after instalment ${n}'s due date ${input[n - 1]!.dueDate} (dates in order)` });
    if (!Number.isInteger(i.amountMinor) || i.amountMinor <= 0) issues.push({ field: `instalments.${n}.amountMinor`, message: 'must be a positive whole number of minor units' });
  });
  const sum = input.reduce((s, i) => s + i.amountMinor, 0);
  if (issues.length === 0 && sum !== contractAmount) issues.push({ field: 'instalments', message: `must add up to the contract amount ${contractAmount} (they add up to ${sum})` });
  if (issues.length) throw new ValidationError(issues);
}

const fresh = (i: InstalmentInput, no: number): Instalment => ({ no, dueDate: i.dueDate, amountMinor: i.amountMinor, paidMinor: 0, outstandingMinor: i.amountMinor, status: 'open', overdue: false, ...(i.note ? { note: i.note } : {}) });

/**
 * Splits a payment over the instalments: the named one only (and never more than it lacks), or
 * the oldest outstanding first. More than the plan's outstanding balance is refused (409).
 */
export function allocate(instalments: readonly Instalment[], amountMinor: number, instalmentNo?: number): Allocation[] {
  const outstanding = instalments.reduce((s, i) => s + i.outstandingMinor, 0);
  if (amountMinor > outstanding) throw new RuleViolation('payment-exceeds-balance', `The payment of ${amountMinor} is more than the outstanding balance ${outstanding}.`, { outstandingMinor: outstanding });
  if (instalmentNo !== undefined) {
    const target = instalments.find((i) => i.no === instalmentNo);
    if (!target) throw ValidationError.field('instalmentNo', `the plan has no instalment ${instalmentNo}`);
    if (amountMinor > target.outstandingMinor) throw new RuleViolation('payment-exceeds-instalment', `Instalment ${instalmentNo} lacks ${target.outstandingMinor}; the payment of ${amountMinor} is more.`, { outstandingMinor: target.outstandingMinor });
    return [{ no: instalmentNo, amountMinor }];
  }
  const out: Allocation[] = [];
  let left = amountMinor;
  for (const i of [...instalments].sort((a, b) => a.no - b.no)) {
    if (left === 0) break;
    const take = Math.min(left, i.outstandingMinor);
    if (take > 0) out.push({ no: i.no, amountMinor: take });
    left -= take;
  }
  return out;
}

/** Applies allocations made on `receivedOn`: paid amounts, status, and whether it was paid late. */
export function applyAllocations(instalments: readonly Instalment[], allocations: readonly Allocation[], receivedOn: string): Instalment[] {
  return instalments.map((i) => {
    const a = allocations.filter((x) => x.no === i.no).reduce((s, x) => s + x.amountMinor, 0);
    if (a === 0) return i;
    const paidMinor = i.paidMinor + a;
    const outstandingMinor = i.amountMinor - paidMinor;
    if (outstandingMinor > 0) return { ...i, paidMinor, outstandingMinor };
    // `overdueSince` stays: it was overdue from then until paid.
    return { ...i, paidMinor, outstandingMinor: 0, status: 'paid', overdue: false, paidOn: receivedOn, paidLate: receivedOn > i.dueDate };
  });
}

/**
 * A new plan: fresh instalments, then every payment already recorded allocated again in the order
 * received (oldest instalments first), so replanning never loses money.
 */
export function buildPlan(input: readonly InstalmentInput[], payments: readonly Pick<Payment, 'amountMinor' | 'receivedOn' | 'recordedAt'>[]): Instalment[] {
  let list = input.map((i, n) => fresh(i, n + 1));
  for (const p of [...payments].sort((a, b) => (a.receivedOn + a.recordedAt < b.receivedOn + b.recordedAt ? -1 : 1))) {
    list = applyAllocations(list, allocate(list, p.amountMinor), p.receivedOn);
  }
  return list;
}

export function planTotals(instalments: readonly Instalment[]): { totalMinor: number; paidMinor: number; outstandingMinor: number } {
  return instalments.reduce((t, i) => ({ totalMinor: t.totalMinor + i.amountMinor, paidMinor: t.paidMinor + i.paidMinor, outstandingMinor: t.outstandingMinor + i.outstandingMinor }), { totalMinor: 0, paidMinor: 0, outstandingMinor: 0 });
}

/** Days past due on `today` (0 or less: not yet overdue). */
export const daysOverdue = (dueDate: string, today: string) => daysBetween(dueDate, today);

export function ageBucket(dueDate: string, today: string): AgeBucket {
  const d = daysOverdue(dueDate, today);
  if (d <= 0) return 'current';
  if (d <= 30) return '1-30';
  if (d <= 60) return '31-60';
  if (d <= 90) return '61-90';
  return '90+';
}

/** An instalment is overdue from 00:00 local the day after its due date. */
export const overdueAt = (dueDate: string, tz: string) => localInstant(addDays(dueDate, 1), tz);
/** The owner's collection reminder: 09:00 local, `days` before the due date (none when 0). */
export const collectionReminderAt = (dueDate: string, days: number, tz: string) => (days > 0 ? localInstant(addDays(dueDate, -days), tz, 9 * 60) : undefined);
