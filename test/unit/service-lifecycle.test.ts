import { RuleViolation } from '../../shared/domain/service/errors';
import {
  assertComplaintStep,
  assertEditable,
  assertTransition,
  statusAfterAgentReply,
  statusAfterAssignment,
  statusAfterCustomerReply,
  TICKET_STATUSES,
  type Ticket,
  type TicketStatus,
} from '../../shared/domain/service/ticket';

/** The ticket lifecycle rules, table-driven: every transition, and the rule each refusal names. */
const ticket = (status: TicketStatus, extra: Partial<Ticket> = {}): Pick<Ticket, 'id' | 'status' | 'assigneeId' | 'type' | 'complaint'> => ({ id: 'T1', status, type: 'inquiry', assigneeId: 'agent-1', ...extra });

function ruleOf(fn: () => void): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    if (e instanceof RuleViolation) return e.rule;
    throw e;
  }
}

describe('status transitions by hand', () => {
  const allowed: Record<TicketStatus, TicketStatus[]> = {
    new: ['open', 'pending', 'on-hold', 'solved'],
    open: ['pending', 'on-hold', 'solved'],
    pending: ['open', 'on-hold', 'solved'],
    'on-hold': ['open', 'pending', 'solved'],
    solved: ['open', 'closed'],
    closed: [],
  };
  const cases = TICKET_STATUSES.flatMap((from) => TICKET_STATUSES.filter((to) => to !== from).map((to) => [from, to, allowed[from].includes(to)] as const));

  it.each(cases)('%s → %s allowed: %s', (from, to, ok) => {
    const rule = ruleOf(() => assertTransition(ticket(from), to));
    if (ok) expect(rule).toBeUndefined();
    else expect(rule).toEqual(expect.any(String));
  });

  it('names the rule it breaks', () => {
    expect(ruleOf(() => assertTransition(ticket('closed'), 'open'))).toBe('closed-is-read-only');
    expect(ruleOf(() => assertTransition(ticket('open'), 'new'))).toBe('no-return-to-new');
    expect(ruleOf(() => assertTransition(ticket('open'), 'closed'))).toBe('close-only-solved');
    expect(ruleOf(() => assertTransition(ticket('solved'), 'pending'))).toBe('illegal-transition');
    expect(ruleOf(() => assertTransition(ticket('open', { assigneeId: undefined }), 'solved'))).toBe('solve-needs-assignee');
  });

  it('a complaint is solved only once its response to the customer is recorded', () => {
    const complaint = (stage: NonNullable<Ticket['complaint']>['stage']) => ticket('open', { type: 'complaint', complaint: { stage, updatedAt: '2026-01-01T00:00:00Z' } });
    expect(ruleOf(() => assertTransition(complaint('recorded'), 'solved'))).toBe('complaint-needs-response');
    expect(ruleOf(() => assertTransition(complaint('investigating'), 'solved'))).toBe('complaint-needs-response');
    expect(ruleOf(() => assertTransition(complaint('responded'), 'solved'))).toBeUndefined();
  });

  it('a refusal is a 409 that carries the rule', () => {
    try {
      assertTransition(ticket('open', { assigneeId: undefined }), 'solved');
      throw new Error('did not throw');
    } catch (e) {
      expect(e).toBeInstanceOf(RuleViolation);
      expect((e as RuleViolation).status).toBe(409);
      expect((e as RuleViolation).extra).toMatchObject({ rule: 'solve-needs-assignee', from: 'open', to: 'solved' });
    }
  });
});

describe('automatic status changes', () => {
  it.each([
    ['new', 'new'],
    ['open', 'open'],
    ['pending', 'open'],
    ['on-hold', 'open'],
    ['solved', 'open'],
  ] as const)('a customer reply on a %s ticket leaves it %s', (from, to) => {
    expect(statusAfterCustomerReply(ticket(from))).toBe(to);
  });

  it('a customer reply on a closed ticket is refused: a follow-up ticket links to it instead', () => {
    expect(ruleOf(() => statusAfterCustomerReply(ticket('closed')))).toBe('closed-is-read-only');
    expect(ruleOf(() => assertEditable(ticket('closed')))).toBe('closed-is-read-only');
  });

  it('an agent reply or an assignment opens a new ticket and leaves others as they are', () => {
    expect(statusAfterAgentReply({ status: 'new' })).toBe('open');
    expect(statusAfterAgentReply({ status: 'pending' })).toBe('pending');
    expect(statusAfterAssignment({ status: 'new' })).toBe('open');
    expect(statusAfterAssignment({ status: 'on-hold' })).toBe('on-hold');
  });
});

describe('complaint handling steps', () => {
  const c = (stage: NonNullable<Ticket['complaint']>['stage']) => ticket('open', { type: 'complaint', complaint: { stage, updatedAt: '2026-01-01T00:00:00Z' } });
  it('record → investigate → respond, forward only', () => {
    expect(ruleOf(() => assertComplaintStep(c('recorded'), 'investigating'))).toBeUndefined();
    expect(ruleOf(() => assertComplaintStep(c('recorded'), 'responded'))).toBeUndefined();
    expect(ruleOf(() => assertComplaintStep(c('investigating'), 'responded'))).toBeUndefined();
    expect(ruleOf(() => assertComplaintStep(c('responded'), 'investigating'))).toBe('complaint-stage-order');
    expect(ruleOf(() => assertComplaintStep(ticket('open'), 'investigating'))).toBe('not-a-complaint');
  });
});
