import * as z from 'zod/mini';

/**
 * The event catalog: every domain event with its version and the schema of its data. Events carry
 * ids and the names of changed fields, never personal data: consumers read the current state.
 */
const customerRef = { customerId: z.string().check(z.minLength(1)) };
const orderRef = { customerId: z.string(), orderId: z.string(), platform: z.string(), store: z.string() };
// Messaging (issue 6): what every Message* event carries (ids only), plus its own fields.
const messageRef = {
  messageId: z.string(),
  customerId: z.string(),
  key: z.string(),
  channel: z.string(),
  purpose: z.string(),
  sourceKind: z.string(),
  sourceId: z.string(),
  variant: z.optional(z.string()),
  step: z.optional(z.string()),
};

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
  // Messaging (issue 6): one event per message state change. Subject: the customer id.
  MessageSent: { version: 1, data: z.object(messageRef) },
  MessageSkipped: { version: 1, data: z.object({ ...messageRef, reason: z.string() }) },
  MessageFailed: { version: 1, data: z.object({ ...messageRef, reason: z.string() }) },
  MessageDelivered: { version: 1, data: z.object(messageRef) },
  MessageOpened: { version: 1, data: z.object(messageRef) },
  MessageClicked: { version: 1, data: z.object(messageRef) },
  MessageBounced: { version: 1, data: z.object({ ...messageRef, reason: z.optional(z.string()) }) },
  MessageComplained: { version: 1, data: z.object(messageRef) },
  MessageUnsubscribed: { version: 1, data: z.object(messageRef) },
  MessageConverted: { version: 1, data: z.object({ ...messageRef, orderId: z.string(), amountMinor: z.int(), currency: z.string() }) },
  // Sales pipeline (issue 8): leads, opportunities, quotes, contracts, collections. Subject: the lead, opportunity, quote or contract id.
  LeadCreated: { version: 1, data: z.object({ leadId: z.string(), sourceChannel: z.string(), ownerId: z.optional(z.string()), region: z.optional(z.string()), productLine: z.optional(z.string()) }) },
  LeadUpdated: { version: 1, data: z.object({ leadId: z.string(), changed: z.array(z.string()) }) },
  LeadAssigned: { version: 1, data: z.object({ leadId: z.string(), ownerId: z.string(), previousOwnerId: z.optional(z.string()), mode: z.enum(['create', 'rule', 'manual', 'claim']), ruleId: z.optional(z.string()) }) },
  LeadReturnedToPool: { version: 1, data: z.object({ leadId: z.string(), previousOwnerId: z.string(), reason: z.enum(['released', 'no-follow-up']) }) },
  LeadFollowedUp: { version: 1, data: z.object({ leadId: z.string(), ownerId: z.string(), followUpId: z.string(), nextFollowUpAt: z.optional(z.string()) }) },
  LeadStatusChanged: { version: 1, data: z.object({ leadId: z.string(), from: z.string(), to: z.string(), reason: z.optional(z.string()) }) },
  LeadMerged: { version: 1, data: z.object({ leadId: z.string(), sourceId: z.string(), followUpsMoved: z.int() }) },
  LeadConverted: { version: 1, data: z.object({ leadId: z.string(), ownerId: z.string(), customerId: z.string(), contactId: z.string(), opportunityId: z.optional(z.string()), createdCustomers: z.array(z.string()) }) },
  OpportunityCreated: {
    version: 1,
    data: z.object({ opportunityId: z.string(), customerId: z.string(), ownerId: z.string(), stage: z.string(), channel: z.string(), amountMinor: z.optional(z.int()), currency: z.string(), leadId: z.optional(z.string()) }),
  },
  OpportunityUpdated: { version: 1, data: z.object({ opportunityId: z.string(), changed: z.array(z.string()) }) },
  OpportunityStageChanged: { version: 1, data: z.object({ opportunityId: z.string(), ownerId: z.string(), from: z.string(), to: z.string(), probability: z.int() }) },
  OpportunityWon: { version: 1, data: z.object({ opportunityId: z.string(), ownerId: z.string(), customerId: z.string(), amountMinor: z.int(), currency: z.string() }) },
  OpportunityLost: { version: 1, data: z.object({ opportunityId: z.string(), ownerId: z.string(), customerId: z.string(), reason: z.string(), amountMinor: z.optional(z.int()), currency: z.string() }) },
  QuoteCreated: { version: 1, data: z.object({ quoteId: z.string(), opportunityId: z.string(), number: z.string(), revision: z.int(), totalMinor: z.int(), currency: z.string(), supersedes: z.optional(z.string()) }) },
  QuoteStatusChanged: { version: 1, data: z.object({ quoteId: z.string(), opportunityId: z.string(), from: z.string(), to: z.string() }) },
  QuoteUpdated: { version: 1, data: z.object({ quoteId: z.string(), opportunityId: z.string(), changed: z.array(z.string()), totalMinor: z.int() }) },
  QuoteAccepted: { version: 1, data: z.object({ quoteId: z.string(), opportunityId: z.string(), contractId: z.string(), totalMinor: z.int(), currency: z.string() }) },
  ContractCreated: {
    version: 1,
    data: z.object({ contractId: z.string(), customerId: z.string(), ownerId: z.string(), amountMinor: z.int(), currency: z.string(), opportunityId: z.optional(z.string()), quoteId: z.optional(z.string()), renewalOf: z.optional(z.string()) }),
  },
  ContractUpdated: { version: 1, data: z.object({ contractId: z.string(), changed: z.array(z.string()) }) },
  ContractSigned: { version: 1, data: z.object({ contractId: z.string(), customerId: z.string(), ownerId: z.string(), amountMinor: z.int(), currency: z.string(), startDate: z.string(), endDate: z.string() }) },
  ContractStatusChanged: { version: 1, data: z.object({ contractId: z.string(), from: z.string(), to: z.string() }) },
  CollectionPlanSet: { version: 1, data: z.object({ contractId: z.string(), instalments: z.int(), totalMinor: z.int(), currency: z.string() }) },
  PaymentRecorded: { version: 1, data: z.object({ contractId: z.string(), paymentId: z.string(), ownerId: z.string(), amountMinor: z.int(), currency: z.string(), outstandingMinor: z.int() }) },
  InstalmentOverdue: { version: 1, data: z.object({ contractId: z.string(), ownerId: z.string(), instalmentNo: z.int(), dueDate: z.string(), outstandingMinor: z.int(), currency: z.string() }) },
  // Journeys (issue 6): an enrollment entered, ended or reached its goal. Subject: the customer id.
  JourneyEntered: { version: 1, data: z.object({ ...customerRef, journeyId: z.string(), enrollmentId: z.string(), version: z.int(), trigger: z.string() }) },
  JourneyExited: { version: 1, data: z.object({ ...customerRef, journeyId: z.string(), enrollmentId: z.string(), version: z.int(), reason: z.string(), stepId: z.optional(z.string()) }) },
  JourneyCompleted: { version: 1, data: z.object({ ...customerRef, journeyId: z.string(), enrollmentId: z.string(), version: z.int() }) },
  JourneyGoalReached: { version: 1, data: z.object({ ...customerRef, journeyId: z.string(), enrollmentId: z.string(), version: z.int(), event: z.string() }) },
  // Users (issue 7): staff invited, changed, disabled, enabled. Subject: the user's sub.
  UserInvited: { version: 1, data: z.object({ userId: z.string(), roles: z.array(z.string()), managerId: z.optional(z.string()), serviceGroups: z.array(z.string()), adopted: z.boolean() }) },
  UserUpdated: { version: 1, data: z.object({ userId: z.string(), changed: z.array(z.string()), roles: z.array(z.string()) }) },
  UserDisabled: { version: 1, data: z.object({ userId: z.string() }) },
  UserEnabled: { version: 1, data: z.object({ userId: z.string() }) },
  // Campaigns (issue 6): the lifecycle, the waves that fall due, the A/B winner. Subject: the campaign id.
  CampaignScheduled: { version: 1, data: z.object({ campaignId: z.string(), startAt: z.string() }) },
  CampaignStarted: { version: 1, data: z.object({ campaignId: z.string(), fanoutJobId: z.string() }) },
  CampaignPaused: { version: 1, data: z.object({ campaignId: z.string() }) },
  CampaignResumed: { version: 1, data: z.object({ campaignId: z.string() }) },
  CampaignCancelled: { version: 1, data: z.object({ campaignId: z.string(), from: z.string() }) },
  CampaignCompleted: { version: 1, data: z.object({ campaignId: z.string(), recipients: z.int() }) },
  CampaignWaveDue: { version: 1, data: z.object({ campaignId: z.string(), wave: z.string(), jobId: z.string(), pass: z.int() }) },
  CampaignWinnerChosen: { version: 1, data: z.object({ campaignId: z.string(), winner: z.string(), metric: z.string(), significant: z.boolean() }) },
} as const;

export type EventType = keyof typeof EVENT_CATALOG;
export type EventData<T extends EventType> = z.output<(typeof EVENT_CATALOG)[T]['data']>;
export const EVENT_TYPES = Object.keys(EVENT_CATALOG) as EventType[];

export function isEventType(t: string): t is EventType {
  return t in EVENT_CATALOG;
}
