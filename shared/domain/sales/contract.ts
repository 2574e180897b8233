import { ValidationError } from '../errors';
import { RuleViolation } from '../service/errors';
import { addDays, isRealDate, localInstant } from './dates';

/**
 * Contracts (合同): parties, an amount, a term (start and end dates), a status (draft, active,
 * expired, terminated, renewed), the quote and opportunity they came from, and the renewal they
 * led to. The owner gets a renewal task some days before the end; an active contract past its end
 * expires. Pure.
 */
export const CONTRACT_STATUSES = ['draft', 'active', 'expired', 'terminated', 'renewed'] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];
export const PARTY_ROLES = ['buyer', 'seller', 'guarantor', 'agent', 'other'] as const;
export type PartyRole = (typeof PARTY_ROLES)[number];

export interface Party {
  role: PartyRole;
  name: string;
  customerId?: string;
  signatory?: string;
}

export interface Contract {
  id: string;
  /** C-000042. */
  number: string;
  title: string;
  customerId: string;
  opportunityId?: string;
  quoteId?: string;
  ownerId: string;
  parties: Party[];
  amountMinor: number;
  currency: string;
  startDate: string;
  endDate: string;
  signedOn?: string;
  status: ContractStatus;
  renewalOf?: string;
  renewedBy?: string;
  terminatedOn?: string;
  terminateReason?: string;
  /** Whether a collection plan exists (its instalments are in the contract's partition). */
  hasPlan: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export function assertTerm(startDate: string, endDate: string, root = ''): void {
  const f = (n: string) => (root ? `${root}.${n}` : n);
  if (!isRealDate(startDate)) throw ValidationError.field(f('startDate'), 'must be a date YYYY-MM-DD');
  if (!isRealDate(endDate)) throw ValidationError.field(f('endDate'), 'must be a date YYYY-MM-DD');
  if (endDate <= startDate) throw ValidationError.field(f('endDate'), `must be after the start date ${startDate}`);
}

export function assertParties(parties: readonly Party[]): void {
  if (!parties.some((p) => p.role === 'buyer')) throw ValidationError.field('parties', 'needs a buyer');
  if (!parties.some((p) => p.role === 'seller')) throw ValidationError.field('parties', 'needs a seller');
}

const MOVES: Record<ContractStatus, readonly ContractStatus[]> = {
  draft: ['active', 'terminated'],
  active: ['terminated', 'expired', 'renewed'],
  expired: ['renewed'],
  terminated: [],
  renewed: [],
};

export function assertContractTransition(c: Pick<Contract, 'id' | 'status'>, to: ContractStatus): void {
  if (c.status === to) return;
  if (!MOVES[c.status].includes(to)) throw new RuleViolation('contract-status', `A ${c.status} contract cannot become ${to}.`, { from: c.status, to });
}

export const isLiveContract = (s: ContractStatus) => s === 'draft' || s === 'active';

/** The renewal task's instant: 09:00 local, `days` before the end date (none when days is 0). */
export function renewalReminderAt(endDate: string, days: number, tz: string): number | undefined {
  return days > 0 ? localInstant(addDays(endDate, -days), tz, 9 * 60) : undefined;
}

/** An active contract expires when its end date is over: 00:00 local the day after. */
export const expiryAt = (endDate: string, tz: string) => localInstant(addDays(endDate, 1), tz);

export const contractNumber = (n: number) => `C-${String(n).padStart(6, '0')}`;
