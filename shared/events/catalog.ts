import * as z from 'zod/mini';

/**
 * The event catalog: every domain event with its version and the schema of its data. Events carry
 * ids and the names of changed fields, never personal data: consumers read the current state.
 */
const customerRef = { customerId: z.string().check(z.minLength(1)) };
const orderRef = { customerId: z.string(), orderId: z.string(), platform: z.string(), store: z.string() };

export const EVENT_CATALOG = {
  CustomerCreated: { version: 1, data: z.object({ ...customerRef, sourceChannel: z.optional(z.string()) }) },
  CustomerUpdated: { version: 1, data: z.object({ ...customerRef, changed: z.array(z.string()) }) },
  CustomerDeleted: { version: 1, data: z.object({ ...customerRef, purgeAt: z.string() }) },
  CustomerRestored: { version: 1, data: z.object(customerRef) },
  CustomerPurged: { version: 1, data: z.object(customerRef) },
  CustomerMerged: { version: 1, data: z.object({ ...customerRef, sourceId: z.string(), mergeId: z.string() }) },
  CustomerUnmerged: { version: 1, data: z.object({ ...customerRef, sourceId: z.string(), mergeId: z.string() }) },
  InteractionLogged: {
    version: 1,
    data: z.object({ ...customerRef, interactionId: z.string(), channel: z.string(), type: z.string(), occurredAt: z.string() }),
  },
  CustomerUpserted: { version: 1, data: z.object({ ...customerRef, created: z.boolean(), source: z.string() }) },
  OrderPlaced: { version: 1, data: z.object({ ...orderRef, totalMinor: z.int(), currency: z.string(), placedAt: z.string() }) },
  OrderUpdated: { version: 1, data: z.object({ ...orderRef, status: z.string() }) },
  OrderRefunded: { version: 1, data: z.object({ ...orderRef, refundId: z.string(), amountMinor: z.int(), currency: z.string() }) },
  CheckoutStarted: { version: 1, data: z.object({ ...customerRef, checkoutId: z.string(), platform: z.string(), store: z.string(), totalMinor: z.int(), currency: z.string() }) },
  CheckoutAbandoned: { version: 1, data: z.object({ ...customerRef, checkoutId: z.string(), platform: z.string(), store: z.string(), totalMinor: z.int(), currency: z.string() }) },
  SegmentEntered: { version: 1, data: z.object({ ...customerRef, segmentId: z.string() }) },
  SegmentExited: { version: 1, data: z.object({ ...customerRef, segmentId: z.string() }) },
  TierChanged: { version: 1, data: z.object({ ...customerRef, from: z.optional(z.string()), to: z.optional(z.string()), direction: z.enum(['upgrade', 'downgrade']) }) },
  LifecycleChanged: { version: 1, data: z.object({ ...customerRef, from: z.optional(z.string()), to: z.string() }) },
  ChurnWarningRaised: { version: 1, data: z.object({ ...customerRef, churnRisk: z.number(), valueMinor: z.int(), currency: z.string() }) },
  CustomerTagsChanged: { version: 1, data: z.object({ ...customerRef, added: z.array(z.string()), removed: z.array(z.string()), source: z.enum(['rule', 'manual']) }) },
  PrivacyRequestReceived: { version: 1, data: z.object({ request: z.string(), platform: z.string(), store: z.string(), customerId: z.optional(z.string()) }) },
  // Service desk (issue 5): tickets, SLAs, tasks, surveys. Subject: the ticket, task or survey id.
  TicketCreated: {
    version: 1,
    data: z.object({ ticketId: z.string(), customerId: z.optional(z.string()), type: z.string(), priority: z.string(), channel: z.string(), source: z.string(), groupId: z.optional(z.string()), assigneeId: z.optional(z.string()) }),
  },
  TicketUpdated: { version: 1, data: z.object({ ticketId: z.string(), customerId: z.optional(z.string()), changed: z.array(z.string()) }) },
  TicketStatusChanged: { version: 1, data: z.object({ ticketId: z.string(), customerId: z.optional(z.string()), from: z.string(), to: z.string() }) },
  TicketAssigned: {
    version: 1,
    data: z.object({ ticketId: z.string(), groupId: z.optional(z.string()), assigneeId: z.optional(z.string()), previousGroupId: z.optional(z.string()), previousAssigneeId: z.optional(z.string()), mode: z.string(), transfer: z.boolean() }),
  },
  TicketCommented: { version: 1, data: z.object({ ticketId: z.string(), commentId: z.string(), public: z.boolean(), author: z.enum(['agent', 'customer', 'system']), mentions: z.array(z.string()) }) },
  SlaWarning: { version: 1, data: z.object({ ticketId: z.string(), metric: z.string(), dueAt: z.string(), policyId: z.string() }) },
  SlaBreached: { version: 1, data: z.object({ ticketId: z.string(), metric: z.string(), dueAt: z.string(), policyId: z.string(), escalatedTo: z.optional(z.string()) }) },
  TaskCreated: { version: 1, data: z.object({ taskId: z.string(), assigneeId: z.string(), kind: z.string(), dueAt: z.optional(z.string()), ticketId: z.optional(z.string()), customerId: z.optional(z.string()) }) },
  TaskUpdated: { version: 1, data: z.object({ taskId: z.string(), assigneeId: z.string(), changed: z.array(z.string()), status: z.string() }) },
  TaskOverdue: { version: 1, data: z.object({ taskId: z.string(), assigneeId: z.string(), escalatedTo: z.optional(z.string()), dueAt: z.string() }) },
  SurveySent: { version: 1, data: z.object({ surveyId: z.string(), kind: z.string(), customerId: z.string(), ticketId: z.optional(z.string()), channel: z.string() }) },
  SurveyAnswered: { version: 1, data: z.object({ surveyId: z.string(), kind: z.string(), customerId: z.string(), ticketId: z.optional(z.string()), rating: z.optional(z.int()), score: z.optional(z.int()) }) },
} as const;

export type EventType = keyof typeof EVENT_CATALOG;
export type EventData<T extends EventType> = z.output<(typeof EVENT_CATALOG)[T]['data']>;
export const EVENT_TYPES = Object.keys(EVENT_CATALOG) as EventType[];

export function isEventType(t: string): t is EventType {
  return t in EVENT_CATALOG;
}
