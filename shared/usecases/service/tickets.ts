import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors';
import type { Customer } from '../../domain/customer';
import { RuleViolation } from '../../domain/service/errors';
import { attachSla, matchPolicy, reapplyPolicy, slaOnAgentReply, slaOnCustomerReply, slaOnStatus, slaView, snapshotOf, type SlaPolicySnapshot } from '../../domain/service/sla';
import type { ServiceSettings } from '../../domain/service/settings';
import { currentContribution, dayCounters, diffCounters } from '../../domain/service/stats';
import { assertSeesTicket, seesTicket } from '../../domain/service/visibility';
import type { Task } from '../../domain/service/tasks';
import {
  assertComplaintStep,
  assertEditable,
  assertTransition,
  changedFields,
  statusAfterAgentReply,
  statusAfterAssignment,
  statusAfterCustomerReply,
  TICKET_LIMITS,
  type ComplaintStage,
  type OrderLink,
  type Ticket,
  type TicketChannel,
  type TicketPriority,
  type TicketSource,
  type TicketStatus,
  type TicketType,
} from '../../domain/service/ticket';
import type { EventEnvelope } from '../../events/envelope';
import { countMetric } from '../../runtime/observability';
import { stableId } from '../../runtime/ports';
import { customerPk, SK } from '../../store/keys';
import type { Notification } from '../../store/notifications-repo';
import { outboxPut } from '../../store/outbox';
import type { TicketComment } from '../../store/tickets-repo';
import { transactWrite, type TransactItem } from '../../store/transact';
import { clip, notification, reportDay, settingsOf, svcEvent, unique, type Ctx } from './common';
import { chooseAssignee } from './assignment';
import { buildTask, newTaskItems } from './tasks';

/**
 * Tickets: creation (API, complaint interactions, after-sales webhooks, bad survey ratings),
 * field and status changes under the lifecycle rules, assignment and transfer, collaborators,
 * comments, complaint steps and follow-up tickets. Every change is one transaction: the ticket
 * (conditional on the version read), a history entry (who changed what), the ref in the
 * customer's partition, the counters, the events (outbox) and the notifications it causes.
 */
export class TicketRace extends ConflictError {
  constructor() {
    super('The ticket was changed by someone else meanwhile; read it again and retry.', { reason: 'version' });
  }
}

export interface NewTicket {
  subject: string;
  description?: string;
  type: TicketType;
  priority?: TicketPriority;
  channel: TicketChannel;
  customerId?: string;
  order?: OrderLink;
  interactionIds?: string[];
  tags?: string[];
  groupId?: string;
  assigneeId?: string;
  collaborators?: string[];
  status?: 'new' | 'open' | 'pending' | 'on-hold';
  source?: TicketSource;
  sourceRef?: string;
  followUpOf?: string;
}

/** One change to commit: the ticket after it, and what else goes in its transaction. */
export interface Change {
  after: Ticket;
  action: string;
  reason?: string;
  events?: EventEnvelope[];
  extra?: TransactItem[];
  notifications?: Notification[];
  assignMode?: string;
  transfer?: boolean;
}

// ---- reading

/** The ticket, or 404 — also when the caller (`ctx.viewer`) may not see it (issue 7's visibility rule). */
export async function requireTicket(ctx: Ctx, id: string): Promise<Ticket> {
  const t = await ctx.deps.tickets.get(id);
  if (!t) throw new NotFoundError('Ticket', id);
  assertSeesTicket(ctx.viewer, t);
  return t;
}

/** 404 unless the caller sees the ticket, before a check that would tell something about it; free for the system and tickets:all. */
export async function assertTicketVisible(ctx: Ctx, id: string): Promise<void> {
  if (ctx.viewer && !ctx.viewer.all) await requireTicket(ctx, id);
}

/** What a client sees: the ticket with its SLA clocks as due times and breach state. */
export function presentTicket(t: Ticket, nowMs: number) {
  const { sla, ...rest } = t;
  const view = slaView(sla, nowMs);
  return { ...rest, ...(view ? { sla: view } : {}) };
}

// ---- policies

async function liveCustomer(ctx: Ctx, id: string, field = 'customerId'): Promise<Customer> {
  const c = await ctx.deps.customers.get(id);
  if (!c || c.status === 'deleted') throw ValidationError.field(field, `no customer ${id}`);
  if (c.status === 'merged') throw ValidationError.field(field, `customer ${id} was merged into ${c.mergedInto}; use that id`);
  return c;
}

/**
 * The customer's tier for SLA conditions: the tier the segmentation engine keeps (the value
 * settings' tiers), or else a `tier` custom attribute the brand sets itself.
 */
async function tierOf(ctx: Ctx, c: Customer | undefined): Promise<string | undefined> {
  if (!c) return undefined;
  const derived = (await ctx.deps.membership.header(c.id)).state?.tier;
  return derived ?? (typeof c.attributes?.tier === 'string' ? (c.attributes.tier as string) : undefined);
}

async function policyFor(ctx: Ctx, t: Pick<Ticket, 'priority' | 'type' | 'customerId'>, settings: ServiceSettings, customer?: Customer): Promise<SlaPolicySnapshot | undefined> {
  const policies = await ctx.deps.sla.all();
  if (policies.length === 0) return undefined;
  const c = customer ?? (t.customerId ? await ctx.deps.customers.get(t.customerId) : undefined);
  const tier = await tierOf(ctx, c);
  const p = matchPolicy(policies, { priority: t.priority, type: t.type, ...(tier ? { tier } : {}) });
  return p ? snapshotOf(p, settings.slaWarningShare) : undefined;
}

// ---- committing

/**
 * Derived parts of a change: status timestamps, SLA clocks (pause, resume, stop, a new policy
 * when priority or type changed), the complaint record, and the follow-up visit task a solved
 * complaint gets.
 */
async function finalize(ctx: Ctx, before: Ticket, draft: Ticket, settings: ServiceSettings): Promise<{ after: Ticket; extra: TransactItem[] }> {
  const nowMs = ctx.deps.clock.now().getTime();
  const now = new Date(nowMs).toISOString();
  const t: Ticket = { ...draft, updatedAt: now, version: before.version + 1 };
  const extra: TransactItem[] = [];
  if (t.type === 'complaint' && !t.complaint) t.complaint = { stage: 'recorded', updatedAt: now };
  if (before.status !== t.status) {
    t.statusChangedAt = now;
    if (t.status === 'solved') t.solvedAt = now;
    if (t.status === 'closed') t.closedAt = now;
    if (before.status === 'solved' && t.status === 'open') {
      t.reopenedCount = before.reopenedCount + 1;
      delete t.solvedAt;
    }
    if (t.sla) t.sla = slaOnStatus(t.sla, before.status, t.status, nowMs);
  }
  if (before.priority !== t.priority || before.type !== t.type) {
    t.sla = reapplyPolicy(t.sla, await policyFor(ctx, t, settings), nowMs, t.status);
    if (!t.sla) delete t.sla;
  }
  if (t.assigneeId && before.assigneeId !== t.assigneeId) t.assignedAt = now;
  // A solved complaint gets its follow-up visit (回访): a task for whoever handled it. Its title names
  // the ticket by number only: task lists reach people who may not see the ticket (issue 7).
  if (t.status === 'solved' && before.status !== 'solved' && t.type === 'complaint' && t.complaint && !t.complaint.followUpTaskId && t.assigneeId) {
    const task: Task = buildTask(
      ctx,
      {
        title: `Follow-up visit (回访) for complaint #${t.number}`,
        completionCriteria: 'Contact the customer, confirm the problem is solved and they are satisfied, and record the outcome.',
        assigneeId: t.assigneeId,
        priority: t.priority === 'urgent' ? 'urgent' : 'high',
        dueAt: new Date(nowMs + settings.complaintFollowUpHours * 3_600_000).toISOString(),
        links: { ticketId: t.id, ...(t.customerId ? { customerId: t.customerId } : {}) },
        kind: 'follow-up-visit',
      },
      { remindBeforeMinutes: settings.taskRemindBeforeMinutes },
      stableId(nowMs, `follow-up-visit:${t.id}`),
    );
    t.complaint = { ...t.complaint, stage: 'follow-up', followUpTaskId: task.id, updatedAt: now };
    extra.push(...newTaskItems(ctx, task).items);
  }
  return { after: t, extra };
}

function derivedEvents(ctx: Ctx, before: Ticket | undefined, c: Change): EventEnvelope[] {
  const t = c.after;
  const at = t.updatedAt;
  const out: EventEnvelope[] = [];
  const cust = t.customerId ? { customerId: t.customerId } : {};
  if (!before) {
    out.push(
      svcEvent(
        ctx,
        'TicketCreated',
        { ticketId: t.id, ...cust, type: t.type, priority: t.priority, channel: t.channel, source: t.source, ...(t.groupId ? { groupId: t.groupId } : {}), ...(t.assigneeId ? { assigneeId: t.assigneeId } : {}) },
        at,
        t.id,
      ),
    );
    return out;
  }
  if (before.status !== t.status) out.push(svcEvent(ctx, 'TicketStatusChanged', { ticketId: t.id, ...cust, from: before.status, to: t.status }, at, t.id));
  if (before.assigneeId !== t.assigneeId || before.groupId !== t.groupId) {
    out.push(
      svcEvent(
        ctx,
        'TicketAssigned',
        {
          ticketId: t.id,
          ...(t.groupId ? { groupId: t.groupId } : {}),
          ...(t.assigneeId ? { assigneeId: t.assigneeId } : {}),
          ...(before.groupId ? { previousGroupId: before.groupId } : {}),
          ...(before.assigneeId ? { previousAssigneeId: before.assigneeId } : {}),
          mode: c.assignMode ?? 'manual',
          transfer: !!c.transfer,
        },
        at,
        t.id,
      ),
    );
  }
  const other = changedFields(before, t)
    .map((f) => f.field)
    .filter((f) => !['status', 'assigneeId', 'groupId'].includes(f));
  if (other.length) out.push(svcEvent(ctx, 'TicketUpdated', { ticketId: t.id, ...cust, changed: other }, at, t.id));
  return out;
}

function derivedNotifications(ctx: Ctx, before: Ticket | undefined, t: Ticket): Notification[] {
  const at = t.updatedAt;
  const out: Notification[] = [];
  const actor = ctx.actorId;
  if (t.assigneeId && t.assigneeId !== before?.assigneeId && t.assigneeId !== actor) {
    out.push(notification(t.assigneeId, 'assignment', `Ticket #${t.number} assigned to you: ${clip(t.subject)}`, at, `ticket:${t.id}:v${t.version}:assigned`, { ticketId: t.id }));
  }
  for (const c of t.collaborators) {
    if (c === actor) continue;
    if (!before?.collaborators.includes(c)) out.push(notification(c, 'collaborator', `You were added to ticket #${t.number}: ${clip(t.subject)}`, at, `ticket:${t.id}:v${t.version}:cc`, { ticketId: t.id }));
    else if (before.status !== t.status) out.push(notification(c, 'collaborator', `Ticket #${t.number} is now ${t.status}`, at, `ticket:${t.id}:v${t.version}:status`, { ticketId: t.id }));
  }
  return out;
}

/** The transact items of a change (exported for the webhook path, which adds its delivery marker). */
export function changeItems(ctx: Ctx, before: Ticket | undefined, c: Change, settings: ServiceSettings): { items: TransactItem[]; customerCheck?: number } {
  const { deps } = ctx;
  const t = c.after;
  const table = deps.db.tableName;
  const nowMs = Date.parse(t.updatedAt);
  const items: TransactItem[] = [deps.tickets.putTicket(before, t)];
  let customerCheck: number | undefined;
  if (t.customerId && t.customerId !== before?.customerId) {
    customerCheck = items.length;
    items.push({
      ConditionCheck: {
        TableName: table,
        Key: { PK: customerPk(t.customerId), SK: SK.profile },
        ConditionExpression: '#s = :active',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':active': 'active' },
      },
    });
  }
  const changes = before
    ? changedFields(before, t)
    : [{ field: 'status', from: null, to: t.status }, ...(['type', 'priority', 'channel', 'groupId', 'assigneeId', 'customerId'] as const).filter((k) => t[k] !== undefined).map((k) => ({ field: k, from: null, to: t[k] }))];
  // History and comments are ordered by when they were written (monotonic ids), not by the clock port.
  items.push(deps.tickets.historyPut(t.id, { id: deps.ids.next(), at: t.updatedAt, actorId: ctx.actorId, action: c.action, changes, ...(c.reason ? { reason: c.reason } : {}) }));
  items.push(...deps.tickets.refItems(before, t));
  if (t.customerId && !before) {
    items.push(deps.tickets.timelinePut(t.customerId, { id: stableId(Date.parse(t.createdAt), `ticket:${t.id}:created`), occurredAt: t.createdAt, summary: `Ticket #${t.number} opened: ${clip(t.subject)}`, data: { ticketId: t.id, number: t.number, type: t.type, event: 'created' } }));
  }
  if (t.customerId && before && t.status === 'solved' && before.status !== 'solved') {
    items.push(deps.tickets.timelinePut(t.customerId, { id: stableId(nowMs, `ticket:${t.id}:solved:${t.reopenedCount}`), occurredAt: t.updatedAt, summary: `Ticket #${t.number} solved: ${clip(t.subject)}`, data: { ticketId: t.id, number: t.number, type: t.type, event: 'solved' } }));
  }
  items.push(...deps.serviceStats.items(t.id, reportDay(nowMs, settings), diffCounters(currentContribution(t), currentContribution(before)), dayCounters(before, t)));
  for (const e of [...derivedEvents(ctx, before, c), ...(c.events ?? [])]) items.push(outboxPut(table, e));
  const notes = new Map<string, Notification>();
  for (const n of [...derivedNotifications(ctx, before, t), ...(c.notifications ?? [])]) notes.set(`${n.agentId}|${n.id}`, n);
  for (const n of notes.values()) items.push(deps.notifications.put(n));
  items.push(...(c.extra ?? []));
  return { items, ...(customerCheck !== undefined ? { customerCheck } : {}) };
}

async function runCommit(ctx: Ctx, before: Ticket | undefined, c: Change, settings: ServiceSettings): Promise<void> {
  const { items, customerCheck } = changeItems(ctx, before, c, settings);
  await transactWrite(ctx.deps.db, items, (failed) => {
    const cust = failed.find((f) => f.index === customerCheck);
    if (cust && customerCheck !== undefined) {
      if (cust.item?.status === 'merged') return ValidationError.field('customerId', `customer ${c.after.customerId} was merged into ${cust.item.mergedInto}; use that id`);
      return ValidationError.field('customerId', `no customer ${c.after.customerId}`);
    }
    return new TicketRace();
  });
}

/**
 * Reads the ticket, applies `fn` and commits, retrying on a concurrent change unless the caller
 * sent the version it read (then a concurrent change is a 409). `fn` returns undefined for "no change".
 */
export async function mutateTicket(ctx: Ctx, id: string, fn: (t: Ticket, settings: ServiceSettings) => Promise<Change | undefined> | Change | undefined, opts: { expectedVersion?: number } = {}): Promise<Ticket> {
  const settings = await settingsOf(ctx);
  for (let attempt = 0; ; attempt++) {
    const before = await requireTicket(ctx, id);
    if (opts.expectedVersion !== undefined && before.version !== opts.expectedVersion) {
      throw new ConflictError(`The ticket is at version ${before.version}, not ${opts.expectedVersion}; read it again and retry.`, { currentVersion: before.version });
    }
    const change = await fn(before, settings);
    if (!change) return before;
    const { after, extra } = await finalize(ctx, before, change.after, settings);
    const full: Change = { ...change, after, extra: [...(change.extra ?? []), ...extra] };
    try {
      await runCommit(ctx, before, full, settings);
      return after;
    } catch (e) {
      if (e instanceof TicketRace && opts.expectedVersion === undefined && attempt < 6) {
        await new Promise((r) => setTimeout(r, 10 + Math.random() * 40 * (attempt + 1)));
        continue;
      }
      throw e;
    }
  }
}

// ---- creating

/** The new ticket and its change, not yet written (the webhook path adds its delivery marker). */
export async function draftTicket(ctx: Ctx, input: NewTicket, settings: ServiceSettings, id?: string): Promise<Change> {
  const { deps } = ctx;
  const customer = input.customerId ? await liveCustomer(ctx, input.customerId) : undefined;
  if (input.followUpOf) {
    const prior = await deps.tickets.get(input.followUpOf);
    if (!prior || (ctx.viewer && !seesTicket(ctx.viewer, prior))) throw ValidationError.field('followUpOf', `no ticket ${input.followUpOf}`);
  }
  const collaborators = unique(input.collaborators ?? []);
  if (collaborators.length) await assertCollaborators(ctx, collaborators);
  const choice = await chooseAssignee(ctx, { groupId: input.groupId ?? (input.assigneeId ? undefined : settings.defaultGroupId), assigneeId: input.assigneeId, explicitGroup: !!input.groupId });
  const nowMs = deps.clock.now().getTime();
  const now = new Date(nowMs).toISOString();
  const requested = input.status ?? 'new';
  const status: TicketStatus = choice.assigneeId ? statusAfterAssignment({ status: requested }) : requested;
  const number = await deps.tickets.nextNumber();
  const t: Ticket = {
    id: id ?? deps.ids.next(nowMs),
    number,
    subject: input.subject,
    ...(input.description ? { description: input.description } : {}),
    type: input.type,
    priority: input.priority ?? 'normal',
    channel: input.channel,
    status,
    source: input.source ?? 'api',
    ...(input.sourceRef ? { sourceRef: input.sourceRef } : {}),
    ...(input.customerId ? { customerId: input.customerId } : {}),
    ...(input.order ? { order: input.order } : {}),
    interactionIds: unique(input.interactionIds ?? []),
    tags: unique(input.tags ?? []),
    ...(choice.groupId ? { groupId: choice.groupId } : {}),
    ...(choice.assigneeId ? { assigneeId: choice.assigneeId, assignedAt: now } : {}),
    collaborators,
    ...(input.followUpOf ? { followUpOf: input.followUpOf } : {}),
    ...(input.type === 'complaint' ? { complaint: { stage: 'recorded' as ComplaintStage, updatedAt: now } } : {}),
    createdBy: ctx.actorId,
    createdAt: now,
    updatedAt: now,
    statusChangedAt: now,
    reopenedCount: 0,
    version: 1,
  };
  const policy = await policyFor(ctx, t, settings, customer);
  if (policy) t.sla = attachSla(policy, nowMs, t.status);
  return { after: t, action: 'created', assignMode: choice.mode, ...(choice.handOut ? { extra: [choice.handOut] } : {}) };
}

async function assertCollaborators(ctx: Ctx, ids: string[]): Promise<void> {
  if (ids.length > TICKET_LIMITS.collaborators) throw ValidationError.field('collaborators', `at most ${TICKET_LIMITS.collaborators}`);
  const found = await ctx.deps.agents.getAgents(ids);
  const bad = ids.map((id, i) => ({ id, i, a: found.get(id) })).filter((x) => !x.a || !x.a.active);
  if (bad.length) throw new ValidationError(bad.map((b) => ({ field: `collaborators.${b.i}`, message: b.a ? `agent ${b.id} is inactive` : `no agent ${b.id} in the directory` })));
}

/**
 * Creates a ticket. With an `id` (derived from what it came from: an interaction, a webhook
 * request, a survey) creating it again returns the one made the first time.
 */
export async function createTicket(ctx: Ctx, input: NewTicket, opts: { id?: string } = {}): Promise<Ticket> {
  if (opts.id) {
    const existing = await ctx.deps.tickets.get(opts.id);
    if (existing) return existing;
  }
  const settings = await settingsOf(ctx);
  for (let attempt = 0; ; attempt++) {
    const change = await draftTicket(ctx, input, settings, opts.id);
    try {
      await runCommit(ctx, undefined, change, settings);
      countMetric('TicketsCreated');
      return change.after;
    } catch (e) {
      if (!(e instanceof TicketRace)) throw e;
      if (opts.id) {
        const existing = await ctx.deps.tickets.get(opts.id);
        if (existing) return existing;
      }
      // A round-robin hand-out raced another one: choose again.
      if (attempt >= 5) throw e;
    }
  }
}

// ---- changing

export interface TicketPatch {
  version?: number;
  subject?: string;
  description?: string | null;
  type?: TicketType;
  priority?: TicketPriority;
  channel?: TicketChannel;
  status?: TicketStatus;
  tags?: string[];
  customerId?: string;
  order?: OrderLink | null;
  interactionIds?: string[];
}

export async function updateTicket(ctx: Ctx, id: string, patch: TicketPatch): Promise<Ticket> {
  if (patch.customerId) await liveCustomer(ctx, patch.customerId);
  return mutateTicket(
    ctx,
    id,
    (before) => {
      assertEditable(before);
      const t: Ticket = { ...before };
      if (patch.subject !== undefined) t.subject = patch.subject;
      if (patch.description !== undefined) patch.description === null ? delete t.description : (t.description = patch.description);
      if (patch.type !== undefined) t.type = patch.type;
      if (patch.priority !== undefined) t.priority = patch.priority;
      if (patch.channel !== undefined) t.channel = patch.channel;
      if (patch.tags !== undefined) t.tags = unique(patch.tags);
      if (patch.customerId !== undefined) t.customerId = patch.customerId;
      if (patch.order !== undefined) patch.order === null ? delete t.order : (t.order = patch.order);
      if (patch.interactionIds !== undefined) t.interactionIds = unique(patch.interactionIds);
      if (patch.status !== undefined && patch.status !== before.status) {
        assertTransition(t, patch.status);
        t.status = patch.status;
      }
      if (changedFields(before, t).length === 0) return undefined;
      return { after: t, action: patch.status !== undefined && patch.status !== before.status ? `status:${patch.status}` : 'updated' };
    },
    patch.version !== undefined ? { expectedVersion: patch.version } : {},
  );
}

export interface AssignInput {
  groupId?: string;
  assigneeId?: string;
  mode?: 'manual' | 'round-robin' | 'least-loaded';
  /** A transfer (转派) needs a reason; it is kept in the history. */
  reason?: string;
  transfer?: boolean;
}

/**
 * Assigns a ticket: to an agent (who must be active, and a member of the group when one is given),
 * or to a group whose mode (or the one asked for) picks the agent: round-robin or least-loaded
 * among the members on duty. Nobody on duty: the ticket waits in the group's queue.
 */
export async function assignTicket(ctx: Ctx, id: string, input: AssignInput): Promise<Ticket> {
  if (input.transfer && !input.reason) throw ValidationError.field('reason', 'a transfer needs a reason');
  return mutateTicket(ctx, id, async (before) => {
    assertEditable(before);
    const groupId = input.groupId ?? (input.assigneeId ? (input.transfer ? undefined : before.groupId) : before.groupId);
    const choice = await chooseAssignee(ctx, { groupId, assigneeId: input.assigneeId, mode: input.mode, explicitGroup: !!input.groupId || (!!groupId && !input.assigneeId) });
    if (input.transfer && choice.assigneeId === before.assigneeId && choice.groupId === before.groupId) {
      throw new RuleViolation('transfer-to-same', `Ticket ${id} is already with ${before.assigneeId ?? `group ${before.groupId}`}; a transfer must hand it to someone else.`);
    }
    if (!choice.assigneeId && before.status === 'solved') {
      throw new RuleViolation('solve-needs-assignee', `Ticket ${id} is solved; it cannot be left without an assignee.`);
    }
    const t: Ticket = { ...before };
    if (choice.groupId) t.groupId = choice.groupId;
    else delete t.groupId;
    if (choice.assigneeId) t.assigneeId = choice.assigneeId;
    else delete t.assigneeId;
    t.status = t.assigneeId ? statusAfterAssignment(t) : t.status;
    if (changedFields(before, t).length === 0) return undefined;
    return {
      after: t,
      action: input.transfer ? 'transferred' : 'assigned',
      ...(input.reason ? { reason: input.reason } : {}),
      assignMode: choice.mode,
      transfer: !!input.transfer,
      ...(choice.handOut ? { extra: [choice.handOut] } : {}),
    };
  });
}

export async function setCollaborators(ctx: Ctx, id: string, input: { add?: string[]; remove?: string[] }): Promise<Ticket> {
  if (input.add?.length) await assertCollaborators(ctx, unique(input.add));
  return mutateTicket(ctx, id, (before) => {
    assertEditable(before);
    const next = unique([...before.collaborators.filter((c) => !(input.remove ?? []).includes(c)), ...(input.add ?? [])]);
    if (next.length > TICKET_LIMITS.collaborators) throw ValidationError.field('add', `a ticket has at most ${TICKET_LIMITS.collaborators} collaborators`);
    if (JSON.stringify(next) === JSON.stringify(before.collaborators)) return undefined;
    return { after: { ...before, collaborators: next }, action: 'collaborators' };
  });
}

export interface CommentInput {
  body: string;
  public: boolean;
  author: 'agent' | 'customer';
  mentions?: string[];
  attachmentIds?: string[];
  /** An agent may set the status with the reply (reply and set pending, reply and solve). */
  status?: TicketStatus;
}

/**
 * A comment. A public agent reply is the first (or next) response; a customer reply reopens a
 * pending, on-hold or solved ticket and starts the next-response clock. Mentioned agents, the
 * assignee and collaborators are notified. A closed ticket takes no comment (follow up instead).
 */
export async function addComment(ctx: Ctx, id: string, input: CommentInput): Promise<{ ticket: Ticket; comment: TicketComment }> {
  const mentions = unique(input.mentions ?? []);
  if (mentions.length) {
    const found = await ctx.deps.agents.getAgents(mentions);
    const bad = mentions.map((m, i) => ({ m, i })).filter((x) => !found.get(x.m));
    if (bad.length) throw new ValidationError(bad.map((b) => ({ field: `mentions.${b.i}`, message: `no agent ${b.m} in the directory` })));
  }
  if (input.author === 'customer' && input.status) throw ValidationError.field('status', 'only an agent reply may set the status');
  if (input.author === 'customer' && !input.public) throw ValidationError.field('public', 'a customer reply is always public');
  const attachmentIds = unique(input.attachmentIds ?? []);
  // What the attachments check answers would tell about a ticket the caller may not see.
  if (attachmentIds.length) await assertTicketVisible(ctx, id);
  for (const [i, a] of attachmentIds.entries()) {
    const att = await ctx.deps.tickets.getAttachment(id, a);
    if (!att) throw ValidationError.field(`attachmentIds.${i}`, `no attachment ${a} on ticket ${id}`);
    if (att.status !== 'ready') throw ValidationError.field(`attachmentIds.${i}`, `attachment ${a} is not uploaded yet (complete it first)`);
  }
  let comment: TicketComment | undefined;
  const ticket = await mutateTicket(ctx, id, (before) => {
    assertEditable(before);
    const nowMs = ctx.deps.clock.now().getTime();
    const now = new Date(nowMs).toISOString();
    const t: Ticket = { ...before };
    if (input.author === 'agent' && input.public) {
      t.firstResponseAt ??= now;
      t.lastAgentReplyAt = now;
      if (t.sla) t.sla = slaOnAgentReply(t.sla, nowMs);
      t.status = statusAfterAgentReply(t);
    }
    if (input.author === 'customer') {
      t.lastCustomerReplyAt = now;
      t.status = statusAfterCustomerReply(t);
      if (t.sla) t.sla = slaOnCustomerReply(t.sla, nowMs, t.status);
    }
    if (input.status && input.status !== t.status) {
      assertTransition(t, input.status);
      t.status = input.status;
    }
    comment = {
      id: ctx.deps.ids.next(),
      ticketId: id,
      authorId: ctx.actorId,
      author: input.author,
      public: input.public,
      body: input.body,
      attachmentIds,
      mentions,
      createdAt: now,
    };
    const cause = `ticket:${id}:comment:${comment.id}`;
    const notes: Notification[] = [
      ...mentions.filter((m) => m !== ctx.actorId).map((m) => notification(m, 'mention', `You were mentioned on ticket #${t.number}: ${clip(t.subject)}`, now, cause, { ticketId: id })),
      ...unique([...(t.assigneeId ? [t.assigneeId] : []), ...t.collaborators])
        .filter((a) => a !== ctx.actorId && !mentions.includes(a))
        .map((a) => notification(a, 'collaborator', `${input.author === 'customer' ? 'Customer replied' : input.public ? 'New reply' : 'Internal note'} on ticket #${t.number}: ${clip(t.subject)}`, now, cause, { ticketId: id })),
    ];
    return {
      after: t,
      action: input.author === 'customer' ? 'customer-reply' : input.public ? 'agent-reply' : 'internal-note',
      extra: [ctx.deps.tickets.commentPut(comment)],
      events: [svcEvent(ctx, 'TicketCommented', { ticketId: id, commentId: comment.id, public: input.public, author: input.author, mentions }, now, id)],
      notifications: notes,
    };
  });
  countMetric('TicketComments');
  return { ticket, comment: comment! };
}

/** Complaint handling: record what the investigation found, then the response given to the customer. */
export async function complaintStep(ctx: Ctx, id: string, input: { stage: 'investigating' | 'responded'; note: string }): Promise<Ticket> {
  return mutateTicket(ctx, id, (before) => {
    assertComplaintStep(before, input.stage);
    const now = ctx.deps.clock.now().toISOString();
    const complaint = { ...before.complaint!, stage: input.stage, updatedAt: now, ...(input.stage === 'investigating' ? { investigation: input.note } : { response: input.note }) };
    return { after: { ...before, complaint }, action: `complaint:${input.stage}` };
  });
}

/** A new ticket linked to a closed one (closed tickets are read-only). */
export async function createFollowUp(ctx: Ctx, closedId: string, input: { subject?: string; description?: string; priority?: TicketPriority; channel?: TicketChannel }): Promise<Ticket> {
  const prior = await requireTicket(ctx, closedId);
  if (prior.status !== 'closed') {
    throw new RuleViolation('follow-up-needs-closed', `Ticket ${closedId} is ${prior.status}, not closed: reply on it or reopen it instead of opening a follow-up.`, { status: prior.status });
  }
  return createTicket(ctx, {
    subject: input.subject ?? `Follow-up to #${prior.number}: ${clip(prior.subject, 150)}`,
    ...(input.description ? { description: input.description } : {}),
    type: prior.type,
    priority: input.priority ?? prior.priority,
    channel: input.channel ?? prior.channel,
    ...(prior.customerId ? { customerId: prior.customerId } : {}),
    ...(prior.order ? { order: prior.order } : {}),
    ...(prior.groupId ? { groupId: prior.groupId } : {}),
    tags: prior.tags,
    source: 'follow-up',
    sourceRef: prior.id,
    followUpOf: prior.id,
  });
}

