import { ConflictError, ForbiddenError, ValidationError } from '../../domain/errors';
import { ageBucket, allocate, applyAllocations, assertPlan, buildPlan, daysOverdue, planTotals, type CollectionPlan, type Instalment, type InstalmentInput, type Payment, type PaymentMethod } from '../../domain/sales/collections';
import type { Contract } from '../../domain/sales/contract';
import { isRealDate } from '../../domain/sales/dates';
import { add, receivableOf, type Counters } from '../../domain/sales/stats';
import { RuleViolation } from '../../domain/service/errors';
import { countMetric } from '../../runtime/observability';
import type { DueInstalment } from '../../store/contracts-repo';
import type { Page } from '../../store/leads-repo';
import { eventItem, nowIso, salesRepos, settingsOf, todayIn, Tx, withRetry, type SalesCtx } from './common';
import { historyPut, requireContract } from './contracts';
import { isRace } from './lead-support';

/**
 * Collections (回款): a contract's plan of instalments, the payments recorded against it, the
 * outstanding balance and the overdue flags; receivables counters per rep and due date move in
 * the same transaction. The plan header's version serializes every change of a contract's
 * collections, so concurrent payments can never exceed the balance: the second one re-reads and
 * is refused (409 `payment-exceeds-balance`) when the first left too little.
 */
export interface PlanView {
  contractId: string;
  contractNumber: string;
  ownerId: string;
  currency: string;
  totalMinor: number;
  paidMinor: number;
  outstandingMinor: number;
  overdueMinor: number;
  instalments: (Instalment & { daysOverdue: number; ageBucket: string })[];
  payments: Payment[];
  version: number;
}

function view(c: Contract, plan: CollectionPlan | undefined, payments: Payment[], today: string): PlanView {
  const instalments = (plan?.instalments ?? []).map((i) => ({ ...i, daysOverdue: i.outstandingMinor > 0 ? Math.max(0, daysOverdue(i.dueDate, today)) : 0, ageBucket: i.outstandingMinor > 0 ? ageBucket(i.dueDate, today) : 'paid' }));
  return {
    contractId: c.id,
    contractNumber: c.number,
    ownerId: c.ownerId,
    currency: c.currency,
    totalMinor: plan?.totalMinor ?? c.amountMinor,
    paidMinor: plan?.paidMinor ?? 0,
    outstandingMinor: plan?.outstandingMinor ?? c.amountMinor,
    overdueMinor: instalments.filter((i) => i.daysOverdue > 0).reduce((s, i) => s + i.outstandingMinor, 0),
    instalments,
    payments,
    version: plan?.version ?? 0,
  };
}

export async function getPlan(ctx: SalesCtx, contractId: string): Promise<PlanView> {
  const s = await settingsOf(ctx);
  await requireContract(ctx, contractId);
  const file = (await salesRepos(ctx.deps).contracts.file(contractId))!;
  return view(file.contract, file.plan, file.payments, todayIn(ctx, s));
}

/** Receivables moves of a change of instalments (before → after) for one owner. */
function receivableMoves(ownerId: string, currency: string, before: readonly Instalment[], after: readonly Instalment[]): Record<string, Counters> {
  const c: Counters = {};
  for (const i of before) add(c, receivableOf(i, currency), -1);
  for (const i of after) add(c, receivableOf(i, currency));
  for (const k of Object.keys(c)) if (c[k] === 0) delete c[k];
  return { [ownerId]: c };
}

/**
 * Sets (or replaces) the plan: instalments in due-date order adding up to the contract amount. A
 * replan keeps every payment: they are allocated again, oldest instalments first.
 */
export async function setPlan(ctx: SalesCtx, contractId: string, input: { instalments: InstalmentInput[]; version?: number }): Promise<PlanView> {
  const s = await settingsOf(ctx);
  const { contracts, stats } = salesRepos(ctx.deps);
  return withRetry(async () => {
    await requireContract(ctx, contractId);
    const file = (await contracts.file(contractId))!;
    const c = file.contract;
    if (c.status !== 'draft' && c.status !== 'active' && c.status !== 'expired') throw new RuleViolation('contract-closed', `Contract ${contractId} is ${c.status}; its collections are closed.`, { status: c.status });
    const current = file.plan?.version ?? 0;
    if (input.version !== undefined && input.version !== current) throw new ConflictError(`The collection plan is at version ${current}, not ${input.version}; read it again and retry.`, { currentVersion: current });
    assertPlan(input.instalments, c.amountMinor);
    const instalments = buildPlan(input.instalments, file.payments);
    const now = nowIso(ctx);
    const plan: CollectionPlan = { contractId, currency: c.currency, ...planTotals(instalments), instalments, version: current + 1, updatedAt: now };
    const old = file.plan?.instalments ?? [];
    const tx = new Tx()
      .add('plan', contracts.planPut(current, plan))
      .add('instalments', ...instalments.map((i) => contracts.instalmentPut(c, i)), ...old.filter((o) => o.no > instalments.length).map((o) => contracts.instalmentDelete(contractId, o.no)))
      .add('receivables', ...stats.receivables(receivableMoves(c.ownerId, c.currency, old, instalments)))
      .add('history', historyPut(ctx, contractId, file.plan ? 'plan-replaced' : 'plan-set', now, { note: `${instalments.length} instalments` }))
      .add('event', eventItem(ctx, 'CollectionPlanSet', { contractId, instalments: instalments.length, totalMinor: plan.totalMinor, currency: c.currency }, now, contractId));
    if (!c.hasPlan) tx.add('contract', contracts.put(c, { ...c, hasPlan: true, updatedAt: now, version: c.version + 1 }));
    await tx.run(ctx, () => new ConflictError('race', { reason: input.version === undefined ? 'race' : 'version' }));
    return view(c, plan, file.payments, todayIn(ctx, s));
  }, isRace);
}

export interface PaymentInput {
  amountMinor: number;
  receivedOn?: string;
  method: PaymentMethod;
  reference?: string;
  instalmentNo?: number;
}

/** Records money received: never more than the outstanding balance (or the named instalment lacks), 409 otherwise. */
export async function recordPayment(ctx: SalesCtx, contractId: string, input: PaymentInput): Promise<{ payment: Payment; plan: PlanView }> {
  const s = await settingsOf(ctx);
  const { contracts, stats } = salesRepos(ctx.deps);
  if (!Number.isInteger(input.amountMinor) || input.amountMinor <= 0) throw ValidationError.field('amountMinor', 'must be a positive whole number of minor units');
  return withRetry(async () => {
    await requireContract(ctx, contractId);
    const file = (await contracts.file(contractId))!;
    const c = file.contract;
    if (!file.plan) throw new RuleViolation('no-collection-plan', `Contract ${contractId} has no collection plan yet; PUT its collection-plan first.`);
    if (c.status === 'terminated' || c.status === 'draft') throw new RuleViolation('contract-status', `Payments are recorded on signed contracts; ${contractId} is ${c.status}.`, { status: c.status });
    const today = todayIn(ctx, s);
    const receivedOn = input.receivedOn ?? today;
    if (!isRealDate(receivedOn)) throw ValidationError.field('receivedOn', 'must be a date YYYY-MM-DD');
    if (receivedOn > today) throw ValidationError.field('receivedOn', 'must not be in the future');
    const allocations = allocate(file.plan.instalments, input.amountMinor, input.instalmentNo);
    const instalments = applyAllocations(file.plan.instalments, allocations, receivedOn);
    const now = nowIso(ctx);
    const payment: Payment = {
      id: ctx.deps.ids.next(),
      contractId,
      amountMinor: input.amountMinor,
      currency: c.currency,
      receivedOn,
      method: input.method,
      ...(input.reference ? { reference: input.reference } : {}),
      ...(input.instalmentNo !== undefined ? { instalmentNo: input.instalmentNo } : {}),
      allocations,
      recordedBy: ctx.actorId,
      recordedAt: now,
    };
    const plan: CollectionPlan = { ...file.plan, ...planTotals(instalments), instalments, version: file.plan.version + 1, updatedAt: now };
    const touched = new Set(allocations.map((a) => a.no));
    await new Tx()
      .add('plan', contracts.planPut(file.plan.version, plan))
      .add('instalments', ...instalments.filter((i) => touched.has(i.no)).map((i) => contracts.instalmentPut(c, i)))
      .add('payment', contracts.paymentPut(payment))
      .add('receivables', ...stats.receivables(receivableMoves(c.ownerId, c.currency, file.plan.instalments, instalments)))
      .add('event', eventItem(ctx, 'PaymentRecorded', { contractId, paymentId: payment.id, ownerId: c.ownerId, amountMinor: payment.amountMinor, currency: c.currency, outstandingMinor: plan.outstandingMinor }, now, contractId))
      .run(ctx, () => new ConflictError('race', { reason: 'race' }));
    countMetric('PaymentsRecorded');
    return { payment, plan: view(c, plan, [...file.payments, payment], today) };
  }, isRace, 8);
}

/** Outstanding instalments soonest due first: one's own (or a rep's / everyone's with pipeline:all); `overdue` keeps those past due. */
export async function listCollections(ctx: SalesCtx, q: { ownerId?: string; overdue?: boolean; limit: number; cursor?: string }): Promise<Page<DueInstalment & { daysOverdue: number; ageBucket: string }>> {
  const s = await settingsOf(ctx);
  const owner = q.ownerId === 'me' ? ctx.actor.id : q.ownerId ?? (ctx.actor.all ? undefined : ctx.actor.id);
  if (owner && owner !== ctx.actor.id && !ctx.actor.all) throw new ForbiddenError('You may list only your own collections; other reps’ need pipeline:all.');
  const today = todayIn(ctx, s);
  const page = await salesRepos(ctx.deps).contracts.outstanding(owner, q.overdue ? today : undefined, q.limit, q.cursor);
  return { ...page, items: page.items.map((i) => ({ ...i, daysOverdue: Math.max(0, daysOverdue(i.dueDate, today)), ageBucket: ageBucket(i.dueDate, today) })) };
}
