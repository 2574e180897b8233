import { getCustomer360, getTimeline } from '../../shared/api/customer-activity';
import type { TimelineEntry } from '../../shared/domain/interaction';
import { NotFoundError } from '../../shared/domain/errors';
import { can, type Role } from '../../shared/domain/roles';
import type { Ticket } from '../../shared/domain/service/ticket';
import { RESTRICTED_TICKET_SUMMARY } from '../../shared/domain/service/visibility';
import { logInteraction } from '../../shared/usecases/interactions';
import { createGroup, putAgent } from '../../shared/usecases/service/admin';
import { customer360For, customerTimelineFor } from '../../shared/usecases/service/customer-tickets';
import { createTicket, setCollaborators } from '../../shared/usecases/service/tickets';
import { ticketCtxOf } from '../../shared/usecases/service/visibility';
import { newCustomer, serviceWorld, type World } from './service-helpers';

/**
 * Issue 7's ticket rule on the customer views, against DynamoDB Local: the 360's open tickets and
 * the timeline's ticket rows. Amy (group care) and Zoe (group billing) serve the same customer: each
 * sees their group's ticket on the 360 and the timeline, the other's is absent from `openTickets`
 * and redacted on the timeline; a manager and an admin see both; a marketer and an analyst (no
 * `tickets:read`) see none.
 */
let w: World;
let customerId: string;
const T: Record<string, Ticket> = {};
let callId: string;

const caller = (sub: string, role: Role) => ({ sub, can: (p: Parameters<typeof can>[1]) => can([role], p) });
const view = async (sub: string, role: Role) => {
  const v = await customer360For(w.deps, caller(sub, role), customerId, 10);
  // What the handler answers stays valid against the response schema.
  getCustomer360.response.parse({ ...v, tags: v.profile.tags ?? [] });
  return v;
};
const timeline = async (sub: string, role: Role, limit = 50, cursor?: string) => {
  const page = await customerTimelineFor(w.deps, caller(sub, role), customerId, limit, cursor);
  getTimeline.response.parse(page);
  return page;
};
const open = (v: { openTickets: Record<string, unknown>[] }) => v.openTickets.map((r) => r.ticketId as string).sort();
const ticketRow = (rows: TimelineEntry[], t: Ticket) => rows.find((r) => r.kind === 'ticket' && r.summary.includes(t.subject));
const rowsOfKind = (rows: TimelineEntry[], kind: TimelineEntry['kind']) => rows.filter((r) => r.kind === kind);
const redacted = (rows: TimelineEntry[]) => rows.filter((r) => r.kind === 'ticket' && r.summary === RESTRICTED_TICKET_SUMMARY);

beforeAll(async () => {
  w = await serviceWorld();
  const sys = w.ctx('admin-1');
  for (const [id, name] of [['boss', 'Boss'], ['amy', 'Amy'], ['zoe', 'Zoe'], ['lead', 'Lead']]) await putAgent(sys, id!, { name: name! });
  await createGroup(sys, 'care', { name: 'Customer care', managerId: 'boss', members: ['amy'], assignment: 'manual' });
  await createGroup(sys, 'billing', { name: 'Billing', managerId: 'lead', members: ['zoe'], assignment: 'manual' });
  customerId = (await newCustomer(w)).id;
  callId = (await logInteraction(sys, customerId, { channel: 'call', type: 'inquiry', direction: 'inbound', summary: 'Asked about a parcel' })).id;
  const ticket = (subject: string, extra: Record<string, string>) => createTicket(sys, { subject, type: 'inquiry', channel: 'email', customerId, ...extra });
  T.care = await ticket('Parcel is late', { groupId: 'care', assigneeId: 'amy' });
  T.billing = await ticket('Charged twice', { groupId: 'billing', assigneeId: 'zoe' });
  T.triage = await ticket('Nobody routed me', {});
});

describe('the customer 360', () => {
  it('an agent sees their group’s ticket; the other group’s is absent from openTickets and redacted on the timeline', async () => {
    const amy = await view('amy', 'agent');
    expect(open(amy)).toEqual([T.care!.id]);
    expect(ticketRow(amy.timeline, T.care!)).toMatchObject({ summary: expect.stringContaining(`#${T.care!.number}`), data: { ticketId: T.care!.id, number: T.care!.number } });
    expect(ticketRow(amy.timeline, T.billing!)).toBeUndefined();
    expect(redacted(amy.timeline)).toHaveLength(2); // billing's and the triage ticket's rows
    for (const r of redacted(amy.timeline)) expect(Object.keys(r).sort()).toEqual(['data', 'id', 'kind', 'occurredAt', 'summary']);
    expect(redacted(amy.timeline).every((r) => Object.keys(r.data).length === 0)).toBe(true);
    // Nothing of the other ticket leaks anywhere in the answer.
    expect(JSON.stringify(amy)).not.toContain(T.billing!.id);
    expect(JSON.stringify(amy)).not.toContain(T.billing!.subject);

    const zoe = await view('zoe', 'agent');
    expect(open(zoe)).toEqual([T.billing!.id]);
    expect(ticketRow(zoe.timeline, T.billing!)).toBeDefined();
    expect(ticketRow(zoe.timeline, T.care!)).toBeUndefined();
    expect(JSON.stringify(zoe)).not.toContain(T.care!.subject);
  });

  it('the redacted rows keep the history’s shape: same rows, same order, same ids and times', async () => {
    const amy = await view('amy', 'agent');
    const boss = await view('boss', 'manager');
    expect(amy.timeline.map((r) => [r.id, r.kind, r.occurredAt])).toEqual(boss.timeline.map((r) => [r.id, r.kind, r.occurredAt]));
    expect(amy.timeline.find((r) => r.id === callId)).toEqual(boss.timeline.find((r) => r.id === callId));
  });

  it('a manager, an admin and a sales rep (tickets:all) see every ticket, unredacted', async () => {
    for (const [sub, role] of [['boss', 'manager'], ['admin-1', 'admin'], ['rep', 'sales']] as const) {
      const v = await view(sub, role);
      expect(open(v)).toEqual([T.care!.id, T.billing!.id, T.triage!.id].sort());
      expect(redacted(v.timeline)).toEqual([]);
      expect(rowsOfKind(v.timeline, 'ticket')).toHaveLength(3);
    }
  });

  it('a marketer or an analyst (no tickets:read) sees no open tickets and every ticket row redacted', async () => {
    for (const [sub, role] of [['mia', 'marketer'], ['ann', 'analyst']] as const) {
      const v = await view(sub, role);
      expect(v.openTickets).toEqual([]);
      expect(rowsOfKind(v.timeline, 'ticket')).toHaveLength(3);
      expect(redacted(v.timeline)).toHaveLength(3);
      expect(v.timeline.find((r) => r.id === callId)?.summary).toBe('Asked about a parcel');
    }
  });

  it('a ticket the agent is CC’d on shows up: the rule is judged on the ticket, not on the ref', async () => {
    const lead = await ticketCtxOf({ deps: w.deps, correlationId: 'it-cc', principal: caller('lead', 'manager') });
    await setCollaborators(lead, T.billing!.id, { add: ['amy'] });
    try {
      const amy = await view('amy', 'agent');
      expect(open(amy)).toEqual([T.care!.id, T.billing!.id].sort());
      expect(ticketRow(amy.timeline, T.billing!)).toBeDefined();
      expect(redacted(amy.timeline)).toHaveLength(1);
    } finally {
      await setCollaborators(lead, T.billing!.id, { remove: ['amy'] });
    }
    expect(open(await view('amy', 'agent'))).toEqual([T.care!.id]);
  });

  it('a customer that does not exist is 404 for everyone', async () => {
    await expect(customer360For(w.deps, caller('amy', 'agent'), '01JZZZZZZZZZZZZZZZZZZZZZZZ', 10)).rejects.toThrow(NotFoundError);
    await expect(customerTimelineFor(w.deps, caller('mia', 'marketer'), '01JZZZZZZZZZZZZZZZZZZZZZZZ', 10)).rejects.toThrow(NotFoundError);
  });
});

describe('the customer timeline', () => {
  it('an agent reads every row, the other group’s ticket rows redacted; a manager reads them all', async () => {
    const amy = (await timeline('amy', 'agent')).items;
    const boss = (await timeline('boss', 'manager')).items;
    expect(amy.map((r) => r.id)).toEqual(boss.map((r) => r.id));
    expect(amy).toHaveLength(4);
    expect(ticketRow(amy, T.care!)).toEqual(ticketRow(boss, T.care!));
    expect(ticketRow(amy, T.billing!)).toBeUndefined();
    expect(redacted(amy)).toHaveLength(2);
    expect(redacted(boss)).toEqual([]);
    const billingRow = ticketRow(boss, T.billing!)!;
    expect(amy.find((r) => r.id === billingRow.id)).toEqual({ id: billingRow.id, kind: 'ticket', occurredAt: billingRow.occurredAt, summary: RESTRICTED_TICKET_SUMMARY, data: {} });
  });

  it('page by page, each page judged on its own', async () => {
    const seen: TimelineEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = await timeline('zoe', 'agent', 1, cursor);
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toEqual((await timeline('zoe', 'agent')).items);
    expect(ticketRow(seen, T.billing!)).toBeDefined();
    expect(redacted(seen)).toHaveLength(2);
  });

  it('without tickets:read every ticket row is redacted, the other rows are whole', async () => {
    const rows = (await timeline('ann', 'analyst')).items;
    expect(rows).toHaveLength(4);
    expect(redacted(rows)).toHaveLength(3);
    expect(rows.find((r) => r.id === callId)).toMatchObject({ kind: 'interaction', summary: 'Asked about a parcel' });
  });
});
