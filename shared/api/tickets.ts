import * as z from 'zod/mini';
import { COMPLAINT_STAGES, TICKET_CHANNELS, TICKET_LIMITS, TICKET_PRIORITIES, TICKET_SOURCES, TICKET_STATUSES, TICKET_TYPES } from '../domain/service/ticket';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime, pageOf, pageQuery, slug, text, ulidId } from './common';

/**
 * Contracts of the service desk's tickets (工单): create, list (by status, by agent, a group's
 * queue — always through an index), read, change (status under the lifecycle rules), assign and
 * transfer, collaborators, comments (public or internal), history, complaint steps, follow-ups of
 * closed tickets, attachments. Bodies are strict: unknown fields are refused.
 */
export const agentId = () => z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9_.@:+-]{0,127}$/, 'must be an agent id (the sub of their token)'));
export const groupId = () => slug();
const extId = () => z.string().check(z.regex(/^[\x21-\x7e]{1,128}$/, 'must be 1-128 printable ASCII characters without spaces'));
const tag = () => text(TICKET_LIMITS.tagLength);

const orderLink = () => z.strictObject({ platform: slug(), store: text(255), orderId: extId() });

export const signedUrlSchema = once(() => z.object({ method: z.enum(['PUT', 'GET']), url: z.string(), headers: z.record(z.string(), z.string()), expiresAt: isoDateTime() }));

const slaClock = () =>
  z.object({
    metric: z.enum(['firstResponse', 'nextResponse', 'resolution']),
    state: z.enum(['running', 'paused', 'stopped']),
    cycle: z.int(),
    targetMinutes: z.number(),
    elapsedMinutes: z.int(),
    dueAt: z.optional(isoDateTime()),
    warnAt: z.optional(isoDateTime()),
    warnedAt: z.optional(isoDateTime()),
    breached: z.boolean(),
    breachedAt: z.optional(isoDateTime()),
    outcome: z.optional(z.enum(['met', 'breached'])),
    stoppedAt: z.optional(isoDateTime()),
  });

export const ticketSchema = once(() =>
  z.object({
    id: ulidId(),
    number: z.int(),
    subject: z.string(),
    description: z.optional(z.string()),
    type: z.enum(TICKET_TYPES),
    priority: z.enum(TICKET_PRIORITIES),
    channel: z.enum(TICKET_CHANNELS),
    status: z.enum(TICKET_STATUSES),
    source: z.enum(TICKET_SOURCES),
    sourceRef: z.optional(z.string()),
    customerId: z.optional(z.string()),
    order: z.optional(z.object({ platform: z.string(), store: z.string(), orderId: z.string() })),
    interactionIds: z.array(z.string()),
    tags: z.array(z.string()),
    groupId: z.optional(z.string()),
    assigneeId: z.optional(z.string()),
    collaborators: z.array(z.string()),
    followUpOf: z.optional(z.string()),
    complaint: z.optional(z.object({ stage: z.enum(COMPLAINT_STAGES), investigation: z.optional(z.string()), response: z.optional(z.string()), followUpTaskId: z.optional(z.string()), updatedAt: isoDateTime() })),
    sla: z.optional(z.object({ policyId: z.string(), policyName: z.string(), hours: z.enum(['calendar', 'business']), breached: z.boolean(), clocks: z.array(slaClock()) })),
    escalation: z.optional(z.object({ to: z.string(), at: isoDateTime(), reason: z.string() })),
    surveyId: z.optional(z.string()),
    rating: z.optional(z.int()),
    createdBy: z.string(),
    createdAt: isoDateTime(),
    updatedAt: isoDateTime(),
    statusChangedAt: isoDateTime(),
    assignedAt: z.optional(isoDateTime()),
    firstResponseAt: z.optional(isoDateTime()),
    lastAgentReplyAt: z.optional(isoDateTime()),
    lastCustomerReplyAt: z.optional(isoDateTime()),
    solvedAt: z.optional(isoDateTime()),
    closedAt: z.optional(isoDateTime()),
    reopenedCount: z.int(),
    version: z.int(),
  }),
);

const commentSchema = once(() =>
  z.object({
    id: z.string(),
    ticketId: z.string(),
    authorId: z.string(),
    author: z.enum(['agent', 'customer', 'system']),
    public: z.boolean(),
    body: z.string(),
    attachmentIds: z.array(z.string()),
    mentions: z.array(z.string()),
    createdAt: isoDateTime(),
  }),
);

const attachmentSchema = once(() =>
  z.object({
    id: z.string(),
    ticketId: z.string(),
    filename: z.string(),
    contentType: z.string(),
    size: z.int(),
    status: z.enum(['pending', 'ready']),
    uploadedBy: z.string(),
    createdAt: isoDateTime(),
    readyAt: z.optional(isoDateTime()),
  }),
);

const ticketFields = () => ({
  subject: text(TICKET_LIMITS.subject),
  description: text(TICKET_LIMITS.description),
  type: z.enum(TICKET_TYPES),
  priority: z.enum(TICKET_PRIORITIES),
  channel: z.enum(TICKET_CHANNELS),
  tags: z.array(tag()).check(z.maxLength(TICKET_LIMITS.tags)),
  customerId: ulidId(),
  order: orderLink(),
  interactionIds: z.array(ulidId()).check(z.maxLength(TICKET_LIMITS.interactions)),
});

export const createTicket = defineRoute({
  operationId: 'createTicket',
  method: 'POST',
  path: '/v1/tickets',
  permission: 'tickets:write',
  summary: 'Open a ticket (return, exchange, refund, repair, complaint, inquiry, other); without an assignee the group (or the default group) hands it out',
  tag: 'Tickets',
  body: () => {
    const f = ticketFields();
    return z.strictObject({
      subject: f.subject,
      description: z.optional(f.description),
      type: f.type,
      priority: z.optional(f.priority),
      channel: z._default(f.channel, 'api'),
      tags: z.optional(f.tags),
      customerId: z.optional(f.customerId),
      order: z.optional(f.order),
      interactionIds: z.optional(f.interactionIds),
      groupId: z.optional(groupId()),
      assigneeId: z.optional(agentId()),
      collaborators: z.optional(z.array(agentId()).check(z.maxLength(TICKET_LIMITS.collaborators))),
      status: z.optional(z.enum(['new', 'open', 'pending', 'on-hold'])),
    });
  },
  response: ticketSchema,
  status: 201,
  idempotent: true,
});

export const listTickets = defineRoute({
  operationId: 'listTickets',
  method: 'GET',
  path: '/v1/tickets',
  permission: 'tickets:read',
  summary: 'Tickets of one status (newest first), of an agent (`assigneeId`, optionally one status or `unsolved`), or waiting unassigned in a group (`groupId`); always through an index',
  tag: 'Tickets',
  query: () =>
    z.strictObject({
      ...pageQuery(),
      status: z.optional(z.enum([...TICKET_STATUSES, 'unsolved'])),
      assigneeId: z.optional(agentId()),
      groupId: z.optional(groupId()),
    }),
  response: () => pageOf(ticketSchema()),
  status: 200,
});

export const getTicket = defineRoute({
  operationId: 'getTicket',
  method: 'GET',
  path: '/v1/tickets/{id}',
  permission: 'tickets:read',
  summary: 'One ticket, with its SLA due times and breach state',
  tag: 'Tickets',
  params: idParams,
  response: ticketSchema,
  status: 200,
});

export const updateTicket = defineRoute({
  operationId: 'updateTicket',
  method: 'PATCH',
  path: '/v1/tickets/{id}',
  permission: 'tickets:write',
  summary: 'Change fields or the status (409 naming the lifecycle rule a change breaks); send `version` to be refused when the ticket changed since you read it',
  tag: 'Tickets',
  params: idParams,
  body: () => {
    const f = ticketFields();
    return z.strictObject({
      version: z.optional(z.int().check(z.positive())),
      subject: z.optional(f.subject),
      description: z.optional(z.nullable(f.description)),
      type: z.optional(f.type),
      priority: z.optional(f.priority),
      channel: z.optional(f.channel),
      status: z.optional(z.enum(TICKET_STATUSES)),
      tags: z.optional(f.tags),
      customerId: z.optional(f.customerId),
      order: z.optional(z.nullable(f.order)),
      interactionIds: z.optional(f.interactionIds),
    });
  },
  response: ticketSchema,
  status: 200,
});

export const assignTicket = defineRoute({
  operationId: 'assignTicket',
  method: 'POST',
  path: '/v1/tickets/{id}/assign',
  permission: 'tickets:write',
  summary: 'Assign to an agent (active, and a member of the group if one is named) or to a group, whose mode (or `mode`) picks the agent: round-robin or least-loaded among members on duty',
  tag: 'Tickets',
  params: idParams,
  body: () => z.strictObject({ groupId: z.optional(groupId()), assigneeId: z.optional(agentId()), mode: z.optional(z.enum(['manual', 'round-robin', 'least-loaded'])) }),
  response: ticketSchema,
  status: 200,
});

export const transferTicket = defineRoute({
  operationId: 'transferTicket',
  method: 'POST',
  path: '/v1/tickets/{id}/transfer',
  permission: 'tickets:write',
  summary: 'Transfer (转派) to another agent or group, with a reason kept in the history',
  tag: 'Tickets',
  params: idParams,
  body: () => z.strictObject({ groupId: z.optional(groupId()), assigneeId: z.optional(agentId()), mode: z.optional(z.enum(['manual', 'round-robin', 'least-loaded'])), reason: text(500) }),
  response: ticketSchema,
  status: 200,
});

export const setTicketCollaborators = defineRoute({
  operationId: 'setTicketCollaborators',
  method: 'POST',
  path: '/v1/tickets/{id}/collaborators',
  permission: 'tickets:write',
  summary: 'Add or remove collaborators (协同处理); they are notified of replies and status changes',
  tag: 'Tickets',
  params: idParams,
  body: () => z.strictObject({ add: z.optional(z.array(agentId()).check(z.maxLength(TICKET_LIMITS.collaborators))), remove: z.optional(z.array(agentId()).check(z.maxLength(TICKET_LIMITS.collaborators))) }),
  response: ticketSchema,
  status: 200,
});

export const addTicketComment = defineRoute({
  operationId: 'addTicketComment',
  method: 'POST',
  path: '/v1/tickets/{id}/comments',
  permission: 'tickets:write',
  summary: 'A public reply, an internal note, or the customer’s reply (which reopens a pending, on-hold or solved ticket); @mentions notify agents; an agent may set the status with the reply',
  tag: 'Tickets',
  params: idParams,
  body: () =>
    z.strictObject({
      body: text(TICKET_LIMITS.comment),
      public: z._default(z.boolean(), true),
      author: z._default(z.enum(['agent', 'customer']), 'agent'),
      mentions: z.optional(z.array(agentId()).check(z.maxLength(20))),
      attachmentIds: z.optional(z.array(ulidId()).check(z.maxLength(10))),
      status: z.optional(z.enum(TICKET_STATUSES)),
    }),
  response: () => z.object({ comment: commentSchema(), ticket: ticketSchema() }),
  status: 201,
  idempotent: true,
});

export const listTicketComments = defineRoute({
  operationId: 'listTicketComments',
  method: 'GET',
  path: '/v1/tickets/{id}/comments',
  permission: 'tickets:read',
  summary: 'The conversation, oldest first (internal notes included)',
  tag: 'Tickets',
  params: idParams,
  query: () => z.strictObject(pageQuery()),
  response: () => pageOf(commentSchema()),
  status: 200,
});

export const getTicketHistory = defineRoute({
  operationId: 'getTicketHistory',
  method: 'GET',
  path: '/v1/tickets/{id}/history',
  permission: 'tickets:read',
  summary: 'Who changed what and when (status, assignment and transfers with their reasons, SLA warnings and breaches), oldest first',
  tag: 'Tickets',
  params: idParams,
  query: () => z.strictObject(pageQuery()),
  response: () =>
    pageOf(
      z.object({
        id: z.string(),
        at: isoDateTime(),
        actorId: z.string(),
        action: z.string(),
        changes: z.array(z.object({ field: z.string(), from: z.unknown(), to: z.unknown() })),
        reason: z.optional(z.string()),
      }),
    ),
  status: 200,
});

export const recordComplaintStep = defineRoute({
  operationId: 'recordComplaintStep',
  method: 'POST',
  path: '/v1/tickets/{id}/complaint',
  permission: 'tickets:write',
  summary: 'Complaint handling: record the investigation, then the response given to the customer (a complaint is solved only after it); the follow-up visit (回访) task comes with the solve',
  tag: 'Tickets',
  params: idParams,
  body: () => z.strictObject({ stage: z.enum(['investigating', 'responded']), note: text(5000) }),
  response: ticketSchema,
  status: 200,
});

export const createFollowUpTicket = defineRoute({
  operationId: 'createFollowUpTicket',
  method: 'POST',
  path: '/v1/tickets/{id}/follow-up',
  permission: 'tickets:write',
  summary: 'A new ticket linked to a closed one (closed tickets are read-only)',
  tag: 'Tickets',
  params: idParams,
  body: () => z.strictObject({ subject: z.optional(text(TICKET_LIMITS.subject)), description: z.optional(text(TICKET_LIMITS.description)), priority: z.optional(z.enum(TICKET_PRIORITIES)), channel: z.optional(z.enum(TICKET_CHANNELS)) }),
  response: ticketSchema,
  status: 201,
  idempotent: true,
});

const attachmentParams = once(() => z.strictObject({ id: ulidId(), attachmentId: ulidId() }));

export const createTicketAttachment = defineRoute({
  operationId: 'createTicketAttachment',
  method: 'POST',
  path: '/v1/tickets/{id}/attachments',
  permission: 'tickets:write',
  summary: 'Declare an attachment (name, media type, size: 413 over the limit); the answer holds the URL to PUT the file to',
  tag: 'Tickets',
  params: idParams,
  body: () =>
    z.strictObject({
      filename: z.string().check(z.trim(), z.minLength(1), z.maxLength(200), z.refine((n) => !/[\\/\u0000-\u001f]/.test(n), 'must not contain slashes or control characters')),
      contentType: z.string().check(z.regex(/^[a-z]+\/[a-z0-9.+-]+$/, 'must be a media type such as image/png')),
      size: z.int().check(z.positive()),
    }),
  response: () => z.object({ attachment: attachmentSchema(), upload: signedUrlSchema() }),
  status: 201,
});

export const completeTicketAttachment = defineRoute({
  operationId: 'completeTicketAttachment',
  method: 'POST',
  path: '/v1/tickets/{id}/attachments/{attachmentId}/complete',
  permission: 'tickets:write',
  summary: 'Confirm the upload: 409 when nothing arrived or it is not the declared size, 413 over the limit; then comments may carry it',
  tag: 'Tickets',
  params: attachmentParams,
  response: attachmentSchema,
  status: 200,
});

export const getTicketAttachment = defineRoute({
  operationId: 'getTicketAttachment',
  method: 'GET',
  path: '/v1/tickets/{id}/attachments/{attachmentId}',
  permission: 'tickets:read',
  summary: 'An attachment with a 15-minute download URL',
  tag: 'Tickets',
  params: attachmentParams,
  response: () => z.object({ attachment: attachmentSchema(), download: signedUrlSchema() }),
  status: 200,
});
