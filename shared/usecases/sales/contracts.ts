import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors';
import { assertSees } from '../../domain/sales/access';
import { receivableOf, type Counters } from '../../domain/sales/stats';
import { addDays, addMonths, daysBetween } from '../../domain/sales/dates';
import { assertContractTransition, assertParties, assertTerm, contractNumber, type Contract, type ContractStatus, type Party } from '../../domain/sales/contract';
import type { PipelineSettings } from '../../domain/sales/settings';
import { RuleViolation } from '../../domain/service/errors';
import { countMetric } from '../../runtime/observability';
import type { ContractHistoryEntry } from '../../store/contracts-repo';
import type { Page } from '../../store/leads-repo';
import type { TransactItem } from '../../store/transact';
import { changedFields, eventItem, nowIso, salesRepos, settingsOf, todayIn, Tx, withRetry, type Ctx, type SalesCtx } from './common';
import { assertRep, isRace } from './lead-support';
import { assertLiveCustomer, requireOpportunity } from './opportunities';

/**
 * Contracts (合同): made from an accepted quote, directly, or as the renewal of another; signed
 * (draft → active), terminated with a reason, expired by a timer after the end date, renewed when
 * their renewal is signed. The owner gets a renewal task N days before the end (a timer per
 * contract, see ./sales-timers.ts): this supersedes the care cadences' `date-attribute` trigger
 * for contracts kept in the pipeline.
 */
export interface ContractInput {
  title: string;
  customerId: string;
  opportunityId?: string;
  quoteId?: string;
  ownerId?: string;
  parties?: Party[];
  amountMinor: number;
  currency?: string;
  startDate: string;
  endDate: string;
  renewalOf?: string;
}

export function historyPut(ctx: Ctx, contractId: string, action: string, at: string, extra: Partial<ContractHistoryEntry> = {}): TransactItem {
  return salesRepos(ctx.deps).contracts.historyPut({ id: ctx.deps.ids.next(), contractId, at, actorId: ctx.actorId, action, ...extra });
}

/** The default parties: the account as buyer, the brand (settings.companyName) as seller. */
async function defaultParties(ctx: Ctx, s: PipelineSettings, customerId: string): Promise<Party[]> {
  const c = await ctx.deps.customers.get(customerId);
  return [
    { role: 'buyer', name: c?.name ?? customerId, customerId },
    { role: 'seller', name: s.companyName },
  ];
}

/** A new draft contract and the items that write it (the contract, its history, ContractCreated). */
export async function buildContract(ctx: Ctx, s: PipelineSettings, input: ContractInput & { ownerId: string }, id: string): Promise<{ contract: Contract; items: TransactItem[] }> {
  assertTerm(input.startDate, input.endDate);
  if (!Number.isInteger(input.amountMinor) || input.amountMinor < 0) throw ValidationError.field('amountMinor', 'must be a whole number of minor units, not negative');
  const parties = input.parties ?? (await defaultParties(ctx, s, input.customerId));
  assertParties(parties);
  const now = nowIso(ctx);
  const contract: Contract = {
    id,
    number: contractNumber(await salesRepos(ctx.deps).contracts.nextNumber()),
    title: input.title,
    customerId: input.customerId,
    ...(input.opportunityId ? { opportunityId: input.opportunityId } : {}),
    ...(input.quoteId ? { quoteId: input.quoteId } : {}),
    ownerId: input.ownerId,
    parties,
    amountMinor: input.amountMinor,
    currency: input.currency ?? s.currency,
    startDate: input.startDate,
    endDate: input.endDate,
    status: 'draft',
    ...(input.renewalOf ? { renewalOf: input.renewalOf } : {}),
    hasPlan: false,
    createdBy: ctx.actorId,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  const items = [
    salesRepos(ctx.deps).contracts.put(undefined, contract),
    historyPut(ctx, id, 'created', now, { to: 'draft', ...(input.quoteId ? { note: `from quote ${input.quoteId}` } : input.renewalOf ? { note: `renewal of ${input.renewalOf}` } : {}) }),
    eventItem(ctx, 'ContractCreated', { contractId: id, customerId: contract.customerId, ownerId: contract.ownerId, amountMinor: contract.amountMinor, currency: contract.currency, ...(contract.opportunityId ? { opportunityId: contract.opportunityId } : {}), ...(contract.quoteId ? { quoteId: contract.quoteId } : {}), ...(contract.renewalOf ? { renewalOf: contract.renewalOf } : {}) }, now, id),
  ];
  return { contract, items };
}

export async function createContract(ctx: SalesCtx, input: ContractInput): Promise<Contract> {
  const s = await settingsOf(ctx);
  let ownerId = input.ownerId ?? ctx.actor.id;
  if (input.opportunityId) {
    const o = await requireOpportunity(ctx, input.opportunityId);
    if (o.customerId !== input.customerId) throw ValidationError.field('customerId', `must be the opportunity's account ${o.customerId}`);
    ownerId = input.ownerId ?? o.ownerId;
  }
  if (ownerId !== ctx.actor.id && !ctx.actor.all) throw new ForbiddenError('Only managers (pipeline:all) make contracts for another rep.');
  await assertRep(ctx, ownerId, 'ownerId');
  await assertLiveCustomer(ctx, input.customerId, 'customerId');
  const { contract, items } = await buildContract(ctx, s, { ...input, ownerId }, ctx.deps.ids.next());
  await new Tx().add('contract', ...items).run(ctx, () => new ConflictError(`Contract ${contract.id} exists already.`));
  countMetric('ContractsCreated');
  return contract;
}

export async function requireContract(ctx: SalesCtx, id: string): Promise<Contract> {
  const c = await salesRepos(ctx.deps).contracts.get(id);
  if (!c) throw new NotFoundError('Contract', id);
  assertSees(ctx.actor, 'Contract', id, c.ownerId);
  return c;
}

export interface ContractPatch {
  version?: number;
  title?: string;
  parties?: Party[];
  amountMinor?: number;
  currency?: string;
  startDate?: string;
  endDate?: string;
  ownerId?: string;
}

/**
 * Changes a contract: a draft freely; an active one its title, parties and end date (an
 * extension); the amount not once a collection plan exists (replan with it). A manager may hand
 * it to another rep: its outstanding instalments and receivables follow in the same transaction.
 */
export async function updateContract(ctx: SalesCtx, id: string, patch: ContractPatch): Promise<Contract> {
  if (patch.ownerId && !ctx.actor.all) throw new ForbiddenError('Only managers (pipeline:all) hand a contract to another rep.');
  if (patch.ownerId) await assertRep(ctx, patch.ownerId, 'ownerId');
  const { contracts, stats } = salesRepos(ctx.deps);
  return withRetry(async () => {
    const before = await requireContract(ctx, id);
    if (patch.version !== undefined && patch.version !== before.version) throw new ConflictError(`The contract is at version ${before.version}, not ${patch.version}; read it again and retry.`, { currentVersion: before.version });
    if (before.status !== 'draft' && before.status !== 'active') throw new RuleViolation('contract-closed', `Contract ${id} is ${before.status}; it can no longer change.`, { status: before.status });
    if (before.status === 'active') {
      for (const k of ['amountMinor', 'currency', 'startDate'] as const) if (patch[k] !== undefined && patch[k] !== before[k]) throw new RuleViolation('contract-active', `An active contract keeps its ${k}; terminate it and make a new one, or renew it.`, { field: k });
    }
    if (before.hasPlan && ((patch.amountMinor !== undefined && patch.amountMinor !== before.amountMinor) || (patch.currency !== undefined && patch.currency !== before.currency))) {
      throw new RuleViolation('contract-has-plan', 'The amount of a contract with a collection plan changes with a new plan (PUT its collection-plan with the new amount).');
    }
    const { version: _v, ...fields } = patch;
    const after: Contract = { ...before, ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) };
    assertTerm(after.startDate, after.endDate);
    assertParties(after.parties);
    const changed = changedFields(before, after);
    if (changed.length === 0) return before;
    const now = nowIso(ctx);
    after.updatedAt = now;
    after.version = before.version + 1;
    const tx = new Tx().add('contract', contracts.put(before, after)).add('history', historyPut(ctx, id, 'updated', now, { note: changed.join(', ') })).add('event', eventItem(ctx, 'ContractUpdated', { contractId: id, changed }, now, id));
    if (after.ownerId !== before.ownerId && before.hasPlan) {
      const file = await contracts.file(id);
      const moves: Record<string, Counters> = { [before.ownerId]: {}, [after.ownerId]: {} };
      for (const i of file?.plan?.instalments ?? []) {
        if (i.outstandingMinor <= 0) continue;
        for (const [k, v] of Object.entries(receivableOf(i, after.currency))) {
          moves[before.ownerId]![k] = (moves[before.ownerId]![k] ?? 0) - v;
          moves[after.ownerId]![k] = (moves[after.ownerId]![k] ?? 0) + v;
        }
        tx.add('instalments', contracts.instalmentPut(after, i));
      }
      tx.add('receivables', ...stats.receivables(moves));
    }
    await tx.run(ctx, () => new ConflictError('race', { reason: patch.version === undefined ? 'race' : 'version' }));
    return after;
  }, isRace);
}

/**
 * Signs (draft → active: ContractSigned; a renewal signed marks the contract it renews as
 * renewed) or terminates a contract (with a reason).
 */
export async function setContractStatus(ctx: SalesCtx, id: string, to: 'active' | 'terminated', opts: { signedOn?: string; reason?: string } = {}): Promise<Contract> {
  const s = await settingsOf(ctx);
  const { contracts } = salesRepos(ctx.deps);
  if (to === 'terminated' && !opts.reason) throw ValidationError.field('reason', 'is required to terminate a contract');
  return withRetry(async () => {
    const before = await requireContract(ctx, id);
    if (before.status === to) return before;
    assertContractTransition(before, to);
    const now = nowIso(ctx);
    const today = todayIn(ctx, s);
    const after: Contract = { ...before, status: to, updatedAt: now, version: before.version + 1 };
    if (to === 'active') {
      after.signedOn = opts.signedOn ?? today;
      if (after.signedOn > today) throw ValidationError.field('signedOn', 'must not be in the future');
    } else {
      after.terminatedOn = today;
      after.terminateReason = opts.reason!;
    }
    const tx = new Tx()
      .add('contract', contracts.put(before, after))
      .add('history', historyPut(ctx, id, to === 'active' ? 'signed' : 'terminated', now, { from: before.status, to, ...(opts.reason ? { note: opts.reason } : {}) }))
      .add('event', eventItem(ctx, 'ContractStatusChanged', { contractId: id, from: before.status, to }, now, id));
    if (to === 'active') {
      tx.add('signed', eventItem(ctx, 'ContractSigned', { contractId: id, customerId: after.customerId, ownerId: after.ownerId, amountMinor: after.amountMinor, currency: after.currency, startDate: after.startDate, endDate: after.endDate }, now, id));
      if (before.renewalOf) {
        const old = await contracts.get(before.renewalOf);
        if (old && (old.status === 'active' || old.status === 'expired')) {
          const renewed: Contract = { ...old, status: 'renewed', renewedBy: id, updatedAt: now, version: old.version + 1 };
          tx.add('renewed', contracts.put(old, renewed), historyPut(ctx, old.id, 'renewed', now, { from: old.status, to: 'renewed', note: `by ${id}` }), eventItem(ctx, 'ContractStatusChanged', { contractId: old.id, from: old.status, to: 'renewed' }, now, old.id));
        }
      }
    }
    await tx.run(ctx, () => new ConflictError('race', { reason: 'race' }));
    if (to === 'active') countMetric('ContractsSigned');
    return after;
  }, isRace);
}

/** As long as the term it follows: the same number of months when that term was whole months, else of days. */
export function sameTerm(start: string, end: string, from: string): string {
  for (let months = 1; months <= 120; months++) {
    const e = addDays(addMonths(start, months), -1);
    if (e === end) return addDays(addMonths(from, months), -1);
    if (e > end) break;
  }
  return addDays(from, daysBetween(start, end));
}

/** A renewal: a new draft continuing an active or expired contract (the day after its end, for as long, same amount unless given). */
export async function renewContract(ctx: SalesCtx, id: string, input: { title?: string; startDate?: string; endDate?: string; amountMinor?: number }): Promise<Contract> {
  const s = await settingsOf(ctx);
  const { contracts } = salesRepos(ctx.deps);
  return withRetry(async () => {
    const before = await requireContract(ctx, id);
    if (before.renewedBy) throw new RuleViolation('already-renewed', `Contract ${id} is already renewed by ${before.renewedBy}.`, { renewedBy: before.renewedBy });
    if (before.status !== 'active' && before.status !== 'expired') throw new RuleViolation('contract-status', `A ${before.status} contract cannot be renewed.`, { status: before.status });
    const startDate = input.startDate ?? addDays(before.endDate, 1);
    const endDate = input.endDate ?? sameTerm(before.startDate, before.endDate, startDate);
    const { contract, items } = await buildContract(
      ctx,
      s,
      { title: input.title ?? before.title, customerId: before.customerId, ...(before.opportunityId ? { opportunityId: before.opportunityId } : {}), ownerId: before.ownerId, parties: before.parties, amountMinor: input.amountMinor ?? before.amountMinor, currency: before.currency, startDate, endDate, renewalOf: id },
      ctx.deps.ids.next(),
    );
    const now = nowIso(ctx);
    const marked: Contract = { ...before, renewedBy: contract.id, updatedAt: now, version: before.version + 1 };
    await new Tx()
      .add('old', contracts.put(before, marked), historyPut(ctx, id, 'renewal-drafted', now, { note: `renewal ${contract.id}` }))
      .add('new', ...items)
      .run(ctx, () => new ConflictError('race', { reason: 'race' }));
    return contract;
  }, isRace);
}

export async function listContracts(ctx: SalesCtx, q: { ownerId?: string; status?: ContractStatus; limit: number; cursor?: string }): Promise<Page<Contract>> {
  const { contracts } = salesRepos(ctx.deps);
  const owner = q.ownerId === 'me' ? ctx.actor.id : q.ownerId;
  if (owner && owner !== ctx.actor.id && !ctx.actor.all) throw new ForbiddenError('You may list only your own contracts; other reps’ need pipeline:all.');
  if (!owner && q.status && ctx.actor.all) return contracts.byStatus(q.status, q.limit, q.cursor);
  return contracts.byOwner(owner ?? ctx.actor.id, q.status, q.limit, q.cursor);
}

export async function contractHistory(ctx: SalesCtx, id: string, limit: number, cursor?: string): Promise<Page<ContractHistoryEntry>> {
  await requireContract(ctx, id);
  return salesRepos(ctx.deps).contracts.history(id, limit, cursor);
}

/** The expiry timer fired: an active contract whose end date is over becomes expired. */
export async function expireContract(ctx: Ctx, id: string): Promise<boolean> {
  const s = await settingsOf(ctx);
  const { contracts } = salesRepos(ctx.deps);
  return withRetry(async () => {
    const before = await contracts.get(id);
    if (!before || before.status !== 'active' || todayIn(ctx, s) <= before.endDate) return false;
    const now = nowIso(ctx);
    const after: Contract = { ...before, status: 'expired', updatedAt: now, version: before.version + 1 };
    await new Tx()
      .add('contract', contracts.put(before, after))
      .add('history', historyPut(ctx, id, 'expired', now, { from: 'active', to: 'expired' }))
      .add('event', eventItem(ctx, 'ContractStatusChanged', { contractId: id, from: 'active', to: 'expired' }, now, id))
      .run(ctx, () => new ConflictError('race', { reason: 'race' }));
    return true;
  }, isRace);
}
