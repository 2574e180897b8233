import * as z from 'zod/mini';
import { CADENCE_TRIGGERS, CARE_CHANNELS } from '../domain/service/cadences';
import { TASK_KINDS, TASK_LIMITS, TASK_PRIORITIES, TASK_STATUSES } from '../domain/service/tasks';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime, pageOf, pageQuery, slug, text, ulidId } from './common';
import { agentId, groupId } from './tickets';

/** Contracts of tasks (任务中心) and of the care cadence rules that generate tasks and messages. */
export const taskSchema = once(() =>
  z.object({
    id: z.string(),
    title: z.string(),
    description: z.optional(z.string()),
    completionCriteria: z.optional(z.string()),
    assigneeId: z.string(),
    priority: z.enum(TASK_PRIORITIES),
    status: z.enum(TASK_STATUSES),
    dueAt: z.optional(isoDateTime()),
    remindBeforeMinutes: z.int(),
    links: z.object({ customerId: z.optional(z.string()), ticketId: z.optional(z.string()), leadId: z.optional(z.string()), opportunityId: z.optional(z.string()) }),
    mentions: z.array(z.string()),
    kind: z.enum(TASK_KINDS),
    ruleId: z.optional(z.string()),
    createdBy: z.string(),
    createdAt: isoDateTime(),
    updatedAt: isoDateTime(),
    completedAt: z.optional(isoDateTime()),
    completedBy: z.optional(z.string()),
    outcome: z.optional(z.string()),
    escalatedTo: z.optional(z.string()),
    escalatedAt: z.optional(isoDateTime()),
    version: z.int(),
  }),
);

const future = () => isoDateTime().check(z.refine((t) => Date.parse(t) >= Date.parse('2000-01-01'), 'must be after 2000-01-01'));
const extRef = () => z.string().check(z.regex(/^[\x21-\x7e]{1,128}$/, 'must be 1-128 printable ASCII characters without spaces'));

export const createTask = defineRoute({
  operationId: 'createTask',
  method: 'POST',
  path: '/v1/tasks',
  permission: 'tasks:write',
  summary: 'Create a task: title, assignee, priority, due time (reminders before and at it; overdue ones escalate to the assignee’s manager), completion criteria, links, @mentions',
  tag: 'Tasks',
  body: () =>
    z.strictObject({
      title: text(TASK_LIMITS.title),
      description: z.optional(text(TASK_LIMITS.description)),
      completionCriteria: z.optional(text(2000)),
      assigneeId: agentId(),
      priority: z.optional(z.enum(TASK_PRIORITIES)),
      dueAt: z.optional(future()),
      remindBeforeMinutes: z.optional(z.int().check(z.minimum(0), z.maximum(7 * 24 * 60))),
      links: z.optional(z.strictObject({ customerId: z.optional(ulidId()), ticketId: z.optional(ulidId()), leadId: z.optional(extRef()), opportunityId: z.optional(extRef()) })),
      mentions: z.optional(z.array(agentId()).check(z.maxLength(TASK_LIMITS.mentions))),
    }),
  response: taskSchema,
  status: 201,
  idempotent: true,
});

export const getTask = defineRoute({
  operationId: 'getTask',
  method: 'GET',
  path: '/v1/tasks/{id}',
  permission: 'tasks:read',
  summary: 'One task; one linked to a ticket the caller may not see has its text redacted (title generic; description, criteria, outcome and ticket link left out) unless they are its assignee or creator',
  tag: 'Tasks',
  params: idParams,
  response: taskSchema,
  status: 200,
});

export const updateTask = defineRoute({
  operationId: 'updateTask',
  method: 'PATCH',
  path: '/v1/tasks/{id}',
  permission: 'tasks:write',
  summary: 'Change a task: status (open, in-progress, blocked, done), due time, assignee, …; `null` clears a field; send `version` to be refused when it changed since you read it',
  tag: 'Tasks',
  params: idParams,
  body: () =>
    z.strictObject({
      version: z.optional(z.int().check(z.positive())),
      title: z.optional(text(TASK_LIMITS.title)),
      description: z.optional(z.nullable(text(TASK_LIMITS.description))),
      completionCriteria: z.optional(z.nullable(text(2000))),
      assigneeId: z.optional(agentId()),
      priority: z.optional(z.enum(TASK_PRIORITIES)),
      status: z.optional(z.enum(TASK_STATUSES)),
      dueAt: z.optional(z.nullable(future())),
      remindBeforeMinutes: z.optional(z.int().check(z.minimum(0), z.maximum(7 * 24 * 60))),
      mentions: z.optional(z.array(agentId()).check(z.maxLength(TASK_LIMITS.mentions))),
      outcome: z.optional(text(5000)),
    }),
  response: taskSchema,
  status: 200,
});

export const listTasks = defineRoute({
  operationId: 'listTasks',
  method: 'GET',
  path: '/v1/tasks',
  permission: 'tasks:read',
  summary: 'An agent’s tasks (a manager’s view of the team): unfinished ones soonest due first, or done ones newest first; those linked to a ticket the caller may not see have their text redacted',
  tag: 'Tasks',
  query: () => z.strictObject({ ...pageQuery(), assigneeId: agentId(), status: z._default(z.enum(['active', 'done', 'all']), 'active') }),
  response: () => pageOf(taskSchema()),
  status: 200,
});

const trigger = () =>
  z.discriminatedUnion('on', [
    z.strictObject({ on: z.literal('customer-created'), afterMinutes: z._default(z.int(), 0), sourceChannels: z.optional(z.array(slug()).check(z.maxLength(20))) }),
    z.strictObject({ on: z.literal('order-placed'), afterDays: z.int() }),
    z.strictObject({ on: z.literal('date-attribute'), attribute: z.string().check(z.maxLength(64)), daysBefore: z.int() }),
    z.strictObject({ on: z.literal('birthday') }),
    z.strictObject({ on: z.literal('holiday'), date: z.string().check(z.maxLength(5)), name: text(100) }),
  ]);
const action = () =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('task'), title: text(TASK_LIMITS.title), description: z.optional(text(2000)), priority: z._default(z.enum(TASK_PRIORITIES), 'normal'), dueInHours: z.int(), assigneeId: z.optional(agentId()), groupId: z.optional(groupId()) }),
    z.strictObject({ kind: z.literal('message'), channel: z.enum(CARE_CHANNELS), subject: z.optional(text(200)), body: text(2000) }),
  ]);

const cadenceSchema = once(() =>
  z.object({ id: z.string(), name: z.string(), active: z.boolean(), trigger: z.object({ on: z.enum(CADENCE_TRIGGERS) }), action: z.object({ kind: z.enum(['task', 'message']) }), createdAt: isoDateTime(), updatedAt: isoDateTime(), version: z.int() }),
);

export const createCadenceRule = defineRoute({
  operationId: 'createCadenceRule',
  method: 'POST',
  path: '/v1/cadence-rules',
  permission: 'service:admin',
  summary: 'A care cadence: on a new lead, an order (N days after), a date attribute (N days before, e.g. contract renewal), a birthday or a holiday, make a task or send a message (with consent)',
  tag: 'Tasks',
  body: () => z.strictObject({ name: text(100), active: z.optional(z.boolean()), trigger: trigger(), action: action() }),
  response: cadenceSchema,
  status: 201,
});

export const listCadenceRules = defineRoute({
  operationId: 'listCadenceRules',
  method: 'GET',
  path: '/v1/cadence-rules',
  permission: 'service:admin',
  summary: 'The care cadence rules',
  tag: 'Tasks',
  response: () => pageOf(cadenceSchema()),
  status: 200,
});

export const replaceCadenceRule = defineRoute({
  operationId: 'replaceCadenceRule',
  method: 'PUT',
  path: '/v1/cadence-rules/{id}',
  permission: 'service:admin',
  summary: 'Replace a cadence rule (send the version you read); `active: false` stops it',
  tag: 'Tasks',
  params: idParams,
  body: () => z.strictObject({ name: text(100), active: z.optional(z.boolean()), trigger: trigger(), action: action(), version: z.int().check(z.positive()) }),
  response: cadenceSchema,
  status: 200,
});
