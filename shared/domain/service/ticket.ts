import { RuleViolation } from './errors';
import type { TicketSla } from './sla';

/**
 * Tickets (工单) and the rules of their lifecycle, pure. Statuses move
 * new → open → pending / on-hold → solved → closed:
 * - `new` is where a ticket starts; nothing goes back to it;
 * - a ticket is solved only with an assignee (and a complaint only once its response is recorded);
 * - only a solved ticket closes (by hand, or automatically some days after it was solved);
 * - a closed ticket is read-only: a customer who writes again gets a follow-up ticket linked to it;
 * - a customer reply reopens a pending, on-hold or solved ticket.
 * Every refusal is a RuleViolation (409) naming its rule.
 */
export const TICKET_TYPES = ['return', 'exchange', 'refund', 'repair', 'complaint', 'inquiry', 'other'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];
export const AFTER_SALES_TYPES: readonly TicketType[] = ['return', 'exchange', 'refund', 'repair'];
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export const TICKET_CHANNELS = ['web', 'email', 'phone', 'chat', 'wechat', 'sms', 'app', 'visit', 'api', 'webhook', 'survey', 'other'] as const;
export type TicketChannel = (typeof TICKET_CHANNELS)[number];
export const TICKET_STATUSES = ['new', 'open', 'pending', 'on-hold', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const UNSOLVED_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending', 'on-hold'];
export const TICKET_SOURCES = ['api', 'interaction', 'webhook', 'survey', 'follow-up'] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];
/** Complaint handling as the manuals describe it: record, investigate, respond, follow-up visit (回访). */
export const COMPLAINT_STAGES = ['recorded', 'investigating', 'responded', 'follow-up', 'done'] as const;
export type ComplaintStage = (typeof COMPLAINT_STAGES)[number];

export const TICKET_LIMITS = { tags: 20, tagLength: 64, collaborators: 20, interactions: 50, subject: 200, description: 10_000, comment: 20_000 } as const;

export interface OrderLink {
  platform: string;
  store: string;
  orderId: string;
}

export interface Complaint {
  stage: ComplaintStage;
  investigation?: string;
  response?: string;
  followUpTaskId?: string;
  updatedAt: string;
}

export interface Ticket {
  id: string;
  /** Human-friendly running number (#1042). */
  number: number;
  subject: string;
  description?: string;
  type: TicketType;
  priority: TicketPriority;
  channel: TicketChannel;
  status: TicketStatus;
  source: TicketSource;
  /** What it came from: interaction id, webhook request id, survey id. */
  sourceRef?: string;
  customerId?: string;
  order?: OrderLink;
  interactionIds: string[];
  tags: string[];
  groupId?: string;
  assigneeId?: string;
  collaborators: string[];
  followUpOf?: string;
  complaint?: Complaint;
  sla?: TicketSla;
  escalation?: { to: string; at: string; reason: string };
  surveyId?: string;
  rating?: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  statusChangedAt: string;
  assignedAt?: string;
  firstResponseAt?: string;
  lastAgentReplyAt?: string;
  lastCustomerReplyAt?: string;
  solvedAt?: string;
  closedAt?: string;
  reopenedCount: number;
  version: number;
}

const ALLOWED: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ['open', 'pending', 'on-hold', 'solved'],
  open: ['pending', 'on-hold', 'solved'],
  pending: ['open', 'on-hold', 'solved'],
  'on-hold': ['open', 'pending', 'solved'],
  solved: ['open', 'closed'],
  closed: [],
};

export const isUnsolved = (s: TicketStatus) => UNSOLVED_STATUSES.includes(s);

/** Any change to a closed ticket is refused: it is kept as it was when it closed. */
export function assertEditable(t: Pick<Ticket, 'id' | 'status'>): void {
  if (t.status === 'closed') {
    throw new RuleViolation('closed-is-read-only', `Ticket ${t.id} is closed and read-only; open a follow-up ticket linked to it (POST /v1/tickets/${t.id}/follow-up).`, {
      followUp: `/v1/tickets/${t.id}/follow-up`,
    });
  }
}

/** Checks a status change by hand; throws the rule it breaks. */
export function assertTransition(t: Pick<Ticket, 'id' | 'status' | 'assigneeId' | 'type' | 'complaint'>, to: TicketStatus): void {
  assertEditable(t);
  if (to === t.status) return;
  if (to === 'new') throw new RuleViolation('no-return-to-new', `A ticket cannot go back to new (it is ${t.status}).`, { from: t.status, to });
  if (to === 'closed' && t.status !== 'solved') throw new RuleViolation('close-only-solved', `Only a solved ticket can be closed; ticket ${t.id} is ${t.status}.`, { from: t.status, to });
  if (!ALLOWED[t.status].includes(to)) throw new RuleViolation('illegal-transition', `A ${t.status} ticket cannot become ${to}.`, { from: t.status, to, allowed: ALLOWED[t.status] });
  if (to === 'solved' && !t.assigneeId) throw new RuleViolation('solve-needs-assignee', `Ticket ${t.id} cannot be solved without an assignee; assign it first.`, { from: t.status, to });
  if (to === 'solved' && t.type === 'complaint' && t.complaint && !['responded', 'follow-up', 'done'].includes(t.complaint.stage)) {
    throw new RuleViolation('complaint-needs-response', `Complaint ${t.id} cannot be solved before its response to the customer is recorded (stage is ${t.complaint.stage}).`, {
      from: t.status,
      to,
      stage: t.complaint.stage,
    });
  }
}

/** The status after the customer writes: pending, on-hold and solved tickets reopen. */
export function statusAfterCustomerReply(t: Pick<Ticket, 'id' | 'status'>): TicketStatus {
  assertEditable(t);
  return t.status === 'pending' || t.status === 'on-hold' || t.status === 'solved' ? 'open' : t.status;
}

/** The status after an agent answers publicly: a new ticket becomes open. */
export function statusAfterAgentReply(t: Pick<Ticket, 'status'>): TicketStatus {
  return t.status === 'new' ? 'open' : t.status;
}

/** The status after an assignment: a new ticket becomes open. */
export function statusAfterAssignment(t: Pick<Ticket, 'status'>): TicketStatus {
  return t.status === 'new' ? 'open' : t.status;
}

/** Complaint stages move forward one step at a time (follow-up and done are set by the system). */
const COMPLAINT_NEXT: Record<ComplaintStage, readonly ComplaintStage[]> = {
  recorded: ['investigating', 'responded'],
  investigating: ['responded'],
  responded: [],
  'follow-up': ['done'],
  done: [],
};

export function assertComplaintStep(t: Pick<Ticket, 'id' | 'status' | 'type' | 'complaint'>, to: ComplaintStage): void {
  assertEditable(t);
  if (t.type !== 'complaint' || !t.complaint) throw new RuleViolation('not-a-complaint', `Ticket ${t.id} is not a complaint.`);
  if (!COMPLAINT_NEXT[t.complaint.stage].includes(to)) {
    throw new RuleViolation('complaint-stage-order', `A complaint at stage ${t.complaint.stage} cannot move to ${to}.`, { from: t.complaint.stage, to, allowed: COMPLAINT_NEXT[t.complaint.stage] });
  }
}

/** A comparable record of which fields changed between two states (for history and events). */
export function changedFields(before: Ticket, after: Ticket): { field: string; from: unknown; to: unknown }[] {
  const keys: (keyof Ticket)[] = ['subject', 'description', 'type', 'priority', 'channel', 'status', 'customerId', 'order', 'interactionIds', 'tags', 'groupId', 'assigneeId', 'collaborators', 'complaint', 'escalation', 'rating'];
  const out: { field: string; from: unknown; to: unknown }[] = [];
  for (const k of keys) {
    const a = before[k];
    const b = after[k];
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ field: k, from: a ?? null, to: b ?? null });
  }
  return out;
}
