import { ConflictError, ValidationError } from '../../domain/errors';
import type { InteractionChannel, InteractionType } from '../../domain/interaction';
import { assertChangesLead } from '../../domain/sales/access';
import { assertLeadOpen, type Lead } from '../../domain/sales/lead';
import type { Task } from '../../domain/service/tasks';
import { stableId } from '../../runtime/ports';
import type { LeadFollowUp, Page } from '../../store/leads-repo';
import { buildTask, newTaskItems } from '../service/tasks';
import { clip, eventItem, salesRepos, Tx, withRetry, type SalesCtx } from './common';
import { historyItem, isRace } from './lead-support';
import { requireLead } from './leads';

/**
 * Follow-up records (跟进记录) of a lead: interactions (channel, type, direction, summary, when)
 * kept in the lead's partition until it converts, when they join the account's timeline. A
 * follow-up restarts the owner's time before the lead returns to the pool, moves a new lead to
 * contacted, completes the open follow-up task, and a next follow-up date makes a task with
 * reminders for the owner (the task-reminders consumer sets them from TaskCreated).
 */
export interface FollowUpInput {
  channel: InteractionChannel;
  type?: InteractionType;
  direction?: 'inbound' | 'outbound';
  summary: string;
  occurredAt?: string;
  nextFollowUpAt?: string;
}

const FUTURE_SLACK_MS = 5 * 60_000;

export async function addFollowUp(ctx: SalesCtx, leadId: string, input: FollowUpInput): Promise<{ followUp: LeadFollowUp; lead: Lead }> {
  const { leads } = salesRepos(ctx.deps);
  const remind = (await ctx.deps.sla.settings()).taskRemindBeforeMinutes;
  return withRetry(async () => {
    const before = await requireLead(ctx, leadId);
    assertChangesLead(ctx.actor, before);
    assertLeadOpen(before);
    const nowMs = ctx.deps.clock.now().getTime();
    const now = new Date(nowMs).toISOString();
    const occurredAt = input.occurredAt ? new Date(input.occurredAt).toISOString() : now;
    if (Date.parse(occurredAt) > nowMs + FUTURE_SLACK_MS) throw ValidationError.field('occurredAt', 'must not be in the future');
    if (input.nextFollowUpAt && Date.parse(input.nextFollowUpAt) <= nowMs) throw ValidationError.field('nextFollowUpAt', 'must be in the future');
    const id = ctx.deps.ids.next(Date.parse(occurredAt));
    const owner = before.ownerId!;
    let task: Task | undefined;
    if (input.nextFollowUpAt) {
      task = buildTask(
        ctx,
        {
          title: clip(`Follow up lead: ${before.company}`, 200),
          description: `Last follow-up (${input.channel}): ${clip(input.summary, 500)}`,
          assigneeId: owner,
          dueAt: input.nextFollowUpAt,
          links: { leadId },
        },
        { remindBeforeMinutes: remind },
        stableId(nowMs, `lead-follow-up-task:${id}`),
      );
    }
    const followUp: LeadFollowUp = {
      id,
      leadId,
      channel: input.channel,
      type: input.type ?? 'follow-up',
      direction: input.direction ?? 'outbound',
      summary: input.summary,
      occurredAt,
      authorId: ctx.actorId,
      createdAt: now,
      ...(task ? { nextFollowUpAt: task.dueAt!, taskId: task.id } : {}),
    };
    const after: Lead = {
      ...before,
      status: before.status === 'new' ? 'contacted' : before.status,
      lastFollowUpAt: before.lastFollowUpAt && before.lastFollowUpAt > occurredAt ? before.lastFollowUpAt : occurredAt,
      followUpCount: before.followUpCount + 1,
      updatedAt: now,
      version: before.version + 1,
    };
    delete after.nextFollowUpAt;
    delete after.nextFollowUpTaskId;
    if (task) {
      after.nextFollowUpAt = task.dueAt!;
      after.nextFollowUpTaskId = task.id;
    }
    const tx = new Tx()
      .add('lead', ...leads.put(before, after))
      .add('follow-up', leads.followUpPut(followUp))
      .add('event', eventItem(ctx, 'LeadFollowedUp', { leadId, ownerId: owner, followUpId: id, ...(task ? { nextFollowUpAt: task.dueAt! } : {}) }, now, leadId));
    if (after.status !== before.status) {
      tx.add('history', historyItem(ctx, leadId, 'status', now, { from: before.status, to: after.status, note: 'first follow-up' }));
      tx.add('status-event', eventItem(ctx, 'LeadStatusChanged', { leadId, from: before.status, to: after.status }, now, leadId));
    }
    if (before.nextFollowUpTaskId) {
      const open = await ctx.deps.tasks.get(before.nextFollowUpTaskId);
      if (open && open.status !== 'done') {
        const done: Task = { ...open, status: 'done', completedAt: now, completedBy: ctx.actorId, outcome: clip(`Followed up (${input.channel}): ${input.summary}`, 5000), updatedAt: now, version: open.version + 1 };
        tx.add('task-done', ctx.deps.tasks.put(open, done), eventItem(ctx, 'TaskUpdated', { taskId: open.id, assigneeId: open.assigneeId, changed: ['status', 'completedAt', 'completedBy', 'outcome'], status: 'done' }, now, open.id));
      }
    }
    if (task) tx.add('task', ...newTaskItems(ctx, task).items);
    await tx.run(ctx, () => new ConflictError('The lead was changed meanwhile.', { reason: 'race' }));
    return { followUp, lead: after };
  }, isRace);
}

export async function listFollowUps(ctx: SalesCtx, leadId: string, limit: number, cursor?: string): Promise<Page<LeadFollowUp>> {
  await requireLead(ctx, leadId);
  return salesRepos(ctx.deps).leads.followUps(leadId, limit, cursor);
}

export async function leadHistory(ctx: SalesCtx, leadId: string, limit: number, cursor?: string) {
  await requireLead(ctx, leadId);
  return salesRepos(ctx.deps).leads.history(leadId, limit, cursor);
}
