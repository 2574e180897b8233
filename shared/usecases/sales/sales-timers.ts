import { ConflictError } from '../../domain/errors';
import { collectionReminderAt, overdueAt, type CollectionPlan, type Instalment } from '../../domain/sales/collections';
import { expiryAt, renewalReminderAt } from '../../domain/sales/contract';
import { addDays, localInstant } from '../../domain/sales/dates';
import { formatMinor } from '../../domain/money';
import { countMetric } from '../../runtime/observability';
import { stableId } from '../../runtime/ports';
import type { Timer } from '../../store/timers-repo';
import { buildTask, newTaskItems, writeNewTask } from '../service/tasks';
import type { TimerHandler } from '../timers/timers';
import { setTimer } from '../timers/timers';
import { clip, eventItem, nowIso, salesNotification, salesRepos, settingsOf, todayIn, Tx, withRetry, type Ctx } from './common';
import { expireContract, historyPut } from './contracts';
import { poolReturnTimer, POOL_RETURN_TIMER, returnIfNotFollowedUp } from './lead-pool';
import { isRace } from './lead-support';
import { expireQuote, QUOTE_EXPIRY_TIMER } from './quotes';

/**
 * The pipeline's timers. The `sales-pipeline` consumer sets them after the events that change
 * what they wait for; timers are never cancelled: each handler checks, when it fires, that what
 * it was set for still holds (the lead is still held and unfollowed, the quote still open, the
 * contract still ending that day, the instalment still outstanding with that due date).
 */
export const CONTRACT_RENEWAL_TIMER = 'contract.renewal';
export const CONTRACT_EXPIRY_TIMER = 'contract.expire';
export const INSTALMENT_REMIND_TIMER = 'instalment.remind';
export const INSTALMENT_OVERDUE_TIMER = 'instalment.overdue';

const iso = (ms: number) => new Date(ms).toISOString();
const money = (minor: number, currency: string) => {
  try {
    return `${formatMinor(minor, currency)} ${currency}`;
  } catch {
    return `${minor} ${currency} (minor units)`;
  }
};

export async function syncLeadTimer(ctx: Ctx, leadId: string): Promise<void> {
  const [lead, s] = await Promise.all([salesRepos(ctx.deps).leads.get(leadId), settingsOf(ctx)]);
  const t = lead && poolReturnTimer(lead, s);
  if (t) await setTimer(ctx.deps, t);
}

export async function syncQuoteTimer(ctx: Ctx, quoteId: string): Promise<void> {
  const [q, s] = await Promise.all([salesRepos(ctx.deps).quotes.get(quoteId), settingsOf(ctx)]);
  if (!q || (q.status !== 'draft' && q.status !== 'sent')) return;
  await setTimer(ctx.deps, { kind: QUOTE_EXPIRY_TIMER, key: q.id, dueAt: iso(localInstant(addDays(q.validUntil, 1), s.reportTimeZone)), payload: { quoteId: q.id, validUntil: q.validUntil } });
}

export async function syncContractTimers(ctx: Ctx, contractId: string): Promise<void> {
  const [c, s] = await Promise.all([salesRepos(ctx.deps).contracts.get(contractId), settingsOf(ctx)]);
  if (!c || (c.status !== 'active' && c.status !== 'draft')) return;
  const payload = { contractId: c.id, endDate: c.endDate };
  const renewal = renewalReminderAt(c.endDate, s.renewalReminderDays, s.reportTimeZone);
  if (renewal !== undefined && c.status === 'active' && !c.renewedBy) await setTimer(ctx.deps, { kind: CONTRACT_RENEWAL_TIMER, key: c.id, dueAt: iso(renewal), payload });
  if (c.status === 'active') await setTimer(ctx.deps, { kind: CONTRACT_EXPIRY_TIMER, key: c.id, dueAt: iso(expiryAt(c.endDate, s.reportTimeZone)), payload });
}

export async function syncInstalmentTimers(ctx: Ctx, contractId: string): Promise<void> {
  const [file, s] = await Promise.all([salesRepos(ctx.deps).contracts.file(contractId), settingsOf(ctx)]);
  for (const i of file?.plan?.instalments ?? []) {
    if (i.outstandingMinor <= 0) continue;
    const payload = { contractId, no: i.no, dueDate: i.dueDate };
    const remind = collectionReminderAt(i.dueDate, s.collectionReminderDays, s.reportTimeZone);
    if (remind !== undefined) await setTimer(ctx.deps, { kind: INSTALMENT_REMIND_TIMER, key: `${contractId}:${i.no}`, dueAt: iso(remind), payload });
    if (!i.overdue) await setTimer(ctx.deps, { kind: INSTALMENT_OVERDUE_TIMER, key: `${contractId}:${i.no}`, dueAt: iso(overdueAt(i.dueDate, s.reportTimeZone)), payload });
  }
}

async function onPoolReturn(ctx: Ctx, t: Timer): Promise<void> {
  const r = await returnIfNotFollowedUp(ctx, t.key);
  // The deadline moved later (a follow-up, a longer setting): wait for the new one.
  if (r.rearmAt && r.rearmAt !== t.dueAt) await setTimer(ctx.deps, { ...t, dueAt: r.rearmAt });
}

/** The renewal task for the owner, once per contract and end date (its id derives from them). */
async function onRenewalDue(ctx: Ctx, t: Timer): Promise<void> {
  const { contractId, endDate } = t.payload as { contractId: string; endDate: string };
  const [c, s] = await Promise.all([salesRepos(ctx.deps).contracts.get(contractId), settingsOf(ctx)]);
  if (!c || c.status !== 'active' || c.endDate !== endDate || c.renewedBy) return;
  const remind = (await ctx.deps.sla.settings()).taskRemindBeforeMinutes;
  const buyer = c.parties.find((p) => p.role === 'buyer')?.name ?? c.customerId;
  const task = buildTask(
    ctx,
    { title: clip(`Renew contract ${c.number} with ${buyer} (ends ${c.endDate})`, 200), description: `${c.title}: ${money(c.amountMinor, c.currency)}, ${c.startDate} to ${c.endDate}. Draft the renewal with POST /v1/contracts/${c.id}/renew.`, assigneeId: c.ownerId, priority: 'high', dueAt: iso(localInstant(c.endDate, s.reportTimeZone, 9 * 60)), links: { customerId: c.customerId, ...(c.opportunityId ? { opportunityId: c.opportunityId } : {}) } },
    { remindBeforeMinutes: remind },
    stableId(Date.parse(t.dueAt), `contract:${c.id}:renewal:${c.endDate}`),
  );
  if (await writeNewTask(ctx, task, [historyPut(ctx, c.id, 'renewal-reminder', nowIso(ctx), { note: `task ${task.id}` })])) countMetric('ContractRenewalReminders');
}

async function onContractExpiry(ctx: Ctx, t: Timer): Promise<void> {
  await expireContract(ctx, t.key);
}

function instalmentOf(plan: CollectionPlan | undefined, payload: { no: number; dueDate: string }): Instalment | undefined {
  const i = plan?.instalments.find((x) => x.no === payload.no);
  return i && i.dueDate === payload.dueDate && i.outstandingMinor > 0 ? i : undefined;
}

/** A few days before the due date: a collection task for the owner (once: its id derives from the instalment and date). */
async function onInstalmentRemind(ctx: Ctx, t: Timer): Promise<void> {
  const p = t.payload as { contractId: string; no: number; dueDate: string };
  const [file, s] = await Promise.all([salesRepos(ctx.deps).contracts.file(p.contractId), settingsOf(ctx)]);
  const i = instalmentOf(file?.plan, p);
  if (!file || !i || todayIn(ctx, s) > i.dueDate || file.contract.status === 'terminated') return;
  const c = file.contract;
  const remind = (await ctx.deps.sla.settings()).taskRemindBeforeMinutes;
  const task = buildTask(
    ctx,
    { title: clip(`Collect ${money(i.outstandingMinor, c.currency)}: instalment ${i.no} of contract ${c.number} due ${i.dueDate}`, 200), assigneeId: c.ownerId, dueAt: iso(localInstant(i.dueDate, s.reportTimeZone, 17 * 60)), links: { customerId: c.customerId, ...(c.opportunityId ? { opportunityId: c.opportunityId } : {}) } },
    { remindBeforeMinutes: remind },
    stableId(Date.parse(t.dueAt), `instalment:${c.id}:${i.no}:${i.dueDate}:remind`),
  );
  await writeNewTask(ctx, task);
}

/**
 * The due date is over and the instalment is not fully paid: it is flagged overdue (the plan's
 * version moves, so this happens once), InstalmentOverdue goes out, and the owner gets an urgent
 * collection task (escalating to their manager if it stays undone) and a notification.
 */
async function onInstalmentOverdue(ctx: Ctx, t: Timer): Promise<void> {
  const p = t.payload as { contractId: string; no: number; dueDate: string };
  const s = await settingsOf(ctx);
  const remind = (await ctx.deps.sla.settings()).taskRemindBeforeMinutes;
  const { contracts } = salesRepos(ctx.deps);
  await withRetry(async () => {
    const file = await contracts.file(p.contractId);
    const i = instalmentOf(file?.plan, p);
    if (!file || !file.plan || !i || i.overdue || todayIn(ctx, s) <= i.dueDate || file.contract.status === 'terminated') return;
    const c = file.contract;
    const now = nowIso(ctx);
    const flagged: Instalment = { ...i, overdue: true, overdueSince: now };
    const plan: CollectionPlan = { ...file.plan, instalments: file.plan.instalments.map((x) => (x.no === i.no ? flagged : x)), version: file.plan.version + 1, updatedAt: now };
    const task = buildTask(
      ctx,
      { title: clip(`Overdue: collect ${money(i.outstandingMinor, c.currency)}, instalment ${i.no} of contract ${c.number} (due ${i.dueDate})`, 200), assigneeId: c.ownerId, priority: 'urgent', dueAt: iso(Date.parse(now) + 86_400_000), links: { customerId: c.customerId, ...(c.opportunityId ? { opportunityId: c.opportunityId } : {}) } },
      { remindBeforeMinutes: remind },
      stableId(Date.parse(t.dueAt), `instalment:${c.id}:${i.no}:${i.dueDate}:overdue`),
    );
    await new Tx()
      .add('plan', contracts.planPut(file.plan.version, plan))
      .add('instalment', contracts.instalmentPut(c, flagged))
      .add('event', eventItem(ctx, 'InstalmentOverdue', { contractId: c.id, ownerId: c.ownerId, instalmentNo: i.no, dueDate: i.dueDate, outstandingMinor: i.outstandingMinor, currency: c.currency }, now, c.id))
      .add('task', ...newTaskItems(ctx, task).items)
      .add('note', ctx.deps.notifications.put(salesNotification(c.ownerId, 'overdue', clip(`Instalment ${i.no} of contract ${c.number} is overdue: ${money(i.outstandingMinor, c.currency)} due ${i.dueDate}`, 200), now, `instalment:${c.id}:${i.no}:${i.dueDate}:overdue`, task.id)))
      .add('history', historyPut(ctx, c.id, 'instalment-overdue', now, { note: `instalment ${i.no}, due ${i.dueDate}` }))
      .run(ctx, () => new ConflictError('race', { reason: 'race' }));
    countMetric('InstalmentsOverdue');
  }, isRace);
}

async function onQuoteExpiry(ctx: Ctx, t: Timer): Promise<void> {
  await expireQuote(ctx, t.key);
}

/** The pipeline's timer kinds (registered in shared/usecases/timers/handlers.ts). */
export const SALES_TIMER_HANDLERS: Record<string, TimerHandler> = {
  [POOL_RETURN_TIMER]: onPoolReturn,
  [QUOTE_EXPIRY_TIMER]: onQuoteExpiry,
  [CONTRACT_RENEWAL_TIMER]: onRenewalDue,
  [CONTRACT_EXPIRY_TIMER]: onContractExpiry,
  [INSTALMENT_REMIND_TIMER]: onInstalmentRemind,
  [INSTALMENT_OVERDUE_TIMER]: onInstalmentOverdue,
};
