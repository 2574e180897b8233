import { NotFoundError, ValidationError } from '../../shared/domain/errors';
import { can, ROLES, type Role } from '../../shared/domain/roles';
import type { TimelineEntry } from '../../shared/domain/interaction';
import {
  assertSeesTicket,
  membershipOf,
  planTicketList,
  QueueNotVisible,
  redactTicketRows,
  RESTRICTED_TICKET_SUMMARY,
  seesTicket,
  ticketOfRow,
  ticketsOfRows,
  ticketSightOf,
  visibleBecause,
  type TicketViewer,
  type VisibleTicket,
} from '../../shared/domain/service/visibility';

/** The ticket visibility rule (issue 7): who sees which ticket, and which index read answers a list. */
const amy: TicketViewer = { id: 'amy', all: false, groups: ['care'] };
const boss: TicketViewer = { id: 'boss', all: true, groups: [] };
const ticket = (over: Partial<VisibleTicket> = {}): VisibleTicket => ({ id: 'T1', collaborators: [], createdBy: 'system:webhook', ...over });

describe('who sees a ticket', () => {
  it.each([
    ['tickets:all sees every ticket', boss, ticket({ groupId: 'billing', assigneeId: 'zoe' }), 'all'],
    ['the assignee', amy, ticket({ groupId: 'billing', assigneeId: 'amy' }), 'assignee'],
    ['a member of its group, whoever has it', amy, ticket({ groupId: 'care', assigneeId: 'cid' }), 'group'],
    ['a member of its group while it waits in the queue', amy, ticket({ groupId: 'care' }), 'group'],
    ['a collaborator (CC) from another group', amy, ticket({ groupId: 'billing', assigneeId: 'zoe', collaborators: ['cid', 'amy'] }), 'collaborator'],
    ['the one it was escalated to', amy, ticket({ groupId: 'billing', escalation: { to: 'amy' } }), 'escalation'],
    ['the one who opened it, after handing it to another group', amy, ticket({ groupId: 'billing', assigneeId: 'zoe', createdBy: 'amy' }), 'creator'],
  ] as const)('%s', (_what, viewer, t, reason) => {
    expect(visibleBecause(viewer, t)).toBe(reason);
    expect(seesTicket(viewer, t)).toBe(true);
    expect(() => assertSeesTicket(viewer, t)).not.toThrow();
  });

  it.each([
    ['another group’s ticket, assigned there', ticket({ groupId: 'billing', assigneeId: 'zoe' })],
    ['another group’s queue', ticket({ groupId: 'billing' })],
    ['a ticket without a group (the triage queue)', ticket({})],
    ['a ticket without a group assigned to someone else', ticket({ assigneeId: 'zoe' })],
    ['a ticket another agent was CC’d on', ticket({ groupId: 'billing', collaborators: ['cid'] })],
    ['a ticket escalated to someone else', ticket({ groupId: 'billing', escalation: { to: 'boss' } })],
  ])('an agent does not see %s: 404, as if it did not exist', (_what, t) => {
    expect(visibleBecause(amy, t)).toBeUndefined();
    expect(seesTicket(amy, t)).toBe(false);
    const err = (() => {
      try {
        assertSeesTicket(amy, t);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ status: 404, message: 'Ticket T1 does not exist.' });
  });

  it('an agent of no group sees only what is theirs', () => {
    const lone: TicketViewer = { id: 'lone', all: false, groups: [] };
    expect(seesTicket(lone, ticket({ groupId: 'care' }))).toBe(false);
    expect(seesTicket(lone, ticket({ groupId: 'care', assigneeId: 'lone' }))).toBe(true);
  });

  it('no viewer is the system (consumers, timers): it sees every ticket', () => {
    expect(() => assertSeesTicket(undefined, ticket({ groupId: 'billing' }))).not.toThrow();
  });
});

describe('who holds tickets:all', () => {
  it('admins, managers, sales reps and machine clients see every ticket; agents their groups’; the rest read no tickets', () => {
    const all = Object.fromEntries(ROLES.map((r: Role) => [r, can([r], 'tickets:all') ? 'all' : can([r], 'tickets:read') ? 'groups' : 'none']));
    expect(all).toEqual({ admin: 'all', manager: 'all', marketer: 'none', agent: 'groups', sales: 'all', analyst: 'none', integration: 'all' });
  });
});

describe('group membership from the groups', () => {
  it('members and the manager belong; each group once per agent', () => {
    const m = membershipOf([
      { id: 'care', members: ['amy', 'cid'], managerId: 'lead' },
      { id: 'billing', members: ['zoe', 'lead'], managerId: 'lead' },
      { id: 'vip', members: [] },
    ]);
    expect(Object.fromEntries(m)).toEqual({ amy: ['care'], cid: ['care'], lead: ['care', 'billing'], zoe: ['billing'] });
  });
});

describe('which index read answers a list', () => {
  it('tickets:all: a status across everyone, anyone’s tickets, any queue', () => {
    expect(planTicketList(boss, { status: 'open' })).toEqual({ by: 'status', status: 'open' });
    expect(planTicketList(boss, { assigneeId: 'zoe', status: 'unsolved' })).toEqual({ by: 'agent', agentId: 'zoe', status: 'unsolved', narrow: false });
    expect(planTicketList(boss, { groupId: 'billing' })).toEqual({ by: 'queue', groupId: 'billing' });
  });

  it('an agent: a status is their workspace (their tickets and their groups’ queues)', () => {
    expect(planTicketList({ ...amy, groups: ['care', 'vip'] }, { status: 'new' })).toEqual({ by: 'workspace', agentId: 'amy', groupIds: ['care', 'vip'], status: 'new' });
  });

  it('an agent: their own tickets whole, a colleague’s narrowed to what they see', () => {
    expect(planTicketList(amy, { assigneeId: 'amy' })).toEqual({ by: 'agent', agentId: 'amy', narrow: false });
    expect(planTicketList(amy, { assigneeId: 'cid', status: 'pending' })).toEqual({ by: 'agent', agentId: 'cid', status: 'pending', narrow: true });
  });

  it('an agent: their group’s queue; another group’s is 404', () => {
    expect(planTicketList(amy, { groupId: 'care', status: 'unsolved' })).toEqual({ by: 'queue', groupId: 'care', status: 'unsolved' });
    expect(() => planTicketList(amy, { groupId: 'billing' })).toThrow(QueueNotVisible);
    expect(() => planTicketList(amy, { groupId: 'billing' })).toThrow(expect.objectContaining({ status: 404 }));
  });

  it('the same 400s for everyone: both filters, or no status without a filter', () => {
    for (const v of [amy, boss]) {
      expect(() => planTicketList(v, { assigneeId: 'amy', groupId: 'care' })).toThrow(ValidationError);
      expect(() => planTicketList(v, {})).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ field: 'status' })] }));
      expect(() => planTicketList(v, { status: 'unsolved' })).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ field: 'status' })] }));
    }
  });
});

describe('tickets on the customer views', () => {
  it.each([
    ['admin', 'all'],
    ['manager', 'all'],
    ['sales', 'all'],
    ['integration', 'all'],
    ['agent', 'some'],
    ['marketer', 'none'],
    ['analyst', 'none'],
  ] as const)('%s: sees %s of a customer’s tickets', (role, sight) => {
    expect(ticketSightOf((p) => can([role as Role], p))).toBe(sight);
  });

  it('tickets:all without tickets:read sees none (tickets:read is the gate)', () => {
    expect(ticketSightOf((p) => p === 'tickets:all')).toBe('none');
  });

  const row = (id: string, kind: TimelineEntry['kind'], data: Record<string, unknown>, summary = `row ${id}`): TimelineEntry => ({ id, kind, occurredAt: '2026-05-12T02:00:00.000Z', summary, data });
  const rows = [
    row('r1', 'ticket', { ticketId: 'T1', number: 1, type: 'inquiry', event: 'created' }, 'Ticket #1 opened: Mine'),
    row('r2', 'interaction', { channel: 'call', ticketId: 'T2' }),
    row('r3', 'ticket', { ticketId: 'T2', number: 2, type: 'refund', event: 'solved' }, 'Ticket #2 solved: Theirs'),
    row('r4', 'ticket', { number: 3 }, 'Ticket #3 opened: no id'),
    row('r5', 'ticket', { ticketId: 'T1', event: 'solved' }, 'Ticket #1 solved: Mine'),
  ];

  it('names the tickets of the ticket rows only, once each', () => {
    expect(ticketsOfRows(rows)).toEqual(['T1', 'T2']);
    expect(ticketOfRow(rows[1]!)).toBeUndefined();
    expect(ticketOfRow(row('x', 'ticket', { ticketId: '' }))).toBeUndefined();
  });

  it('redacts the rows of tickets the caller does not see and keeps their place, id, kind and time', () => {
    const out = redactTicketRows(rows, (id) => id === 'T1');
    expect(out.map((e) => e.id)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(out[0]).toBe(rows[0]);
    expect(out[1]).toBe(rows[1]);
    expect(out[4]).toBe(rows[4]);
    expect(out[2]).toEqual({ id: 'r3', kind: 'ticket', occurredAt: rows[2]!.occurredAt, summary: RESTRICTED_TICKET_SUMMARY, data: {} });
    // A ticket row naming no ticket cannot be judged: redacted.
    expect(out[3]).toEqual({ id: 'r4', kind: 'ticket', occurredAt: rows[3]!.occurredAt, summary: 'Ticket activity (restricted)', data: {} });
  });

  it('changes nothing when every ticket is seen, and every ticket row when none is', () => {
    expect(redactTicketRows(rows, () => true).slice(0, 3)).toEqual(rows.slice(0, 3));
    const none = redactTicketRows(rows, () => false);
    expect(none.filter((e) => e.kind === 'ticket').every((e) => e.summary === RESTRICTED_TICKET_SUMMARY && Object.keys(e.data).length === 0)).toBe(true);
    expect(none[1]).toBe(rows[1]);
  });
});
