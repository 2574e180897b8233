import { NotFoundError, ValidationError } from '../../shared/domain/errors';
import { can, type Role } from '../../shared/domain/roles';
import type { Ticket } from '../../shared/domain/service/ticket';
import { QueueNotVisible } from '../../shared/domain/service/visibility';
import type { BlobStore } from '../../shared/runtime/blob-store';
import { createGroup, putAgent, updateGroup } from '../../shared/usecases/service/admin';
import { attachmentDownload, completeAttachment, createAttachment } from '../../shared/usecases/service/attachments';
import { addComment, assignTicket, complaintStep, createFollowUp, createTicket, requireTicket, setCollaborators, updateTicket, type NewTicket } from '../../shared/usecases/service/tickets';
import { listTicketsFor, ticketCtxOf } from '../../shared/usecases/service/visibility';
import type { Ctx } from '../../shared/usecases/service/common';
import { serviceWorld, type World } from './service-helpers';

/**
 * Issue 7's ticket rule against DynamoDB Local: two agents in different groups and a manager.
 * Each agent reads, changes and lists only their groups' tickets and their own; the other's is 404
 * on every read and write and unchanged; the manager sees everything. Groups come from the table.
 */
let w: World;
const as = (sub: string, role: Role): Promise<Ctx> => ticketCtxOf({ deps: w.deps, correlationId: 'it-visibility', principal: { sub, can: (p) => can([role], p) } });
const T: Record<string, Ticket> = {};
// The rule is checked before any file is touched: a blob store that must not be reached.
const noBlobs = new Proxy({} as BlobStore, {
  get: () => () => {
    throw new Error('the blob store was reached');
  },
});

beforeAll(async () => {
  w = await serviceWorld();
  const sys = w.ctx('admin-1');
  for (const [id, name] of [['boss', 'Boss'], ['amy', 'Amy'], ['cid', 'Cid'], ['zoe', 'Zoe'], ['lead', 'Lead']]) await putAgent(sys, id!, { name: name! });
  await createGroup(sys, 'care', { name: 'Customer care', managerId: 'boss', members: ['amy', 'cid'], assignment: 'manual' });
  await createGroup(sys, 'billing', { name: 'Billing', managerId: 'lead', members: ['zoe'], assignment: 'manual' });
  const open = (subject: string, extra: Partial<NewTicket>) => createTicket(sys, { subject, type: 'inquiry', channel: 'email', ...extra });
  T.amys = await open('Amy has it', { groupId: 'care', assigneeId: 'amy' });
  T.cids = await open('Cid has it', { groupId: 'care', assigneeId: 'cid' });
  T.careQueue = await open('Waiting in care', { groupId: 'care' });
  T.zoes = await open('Zoe has it', { groupId: 'billing', assigneeId: 'zoe' });
  T.billingQueue = await open('Waiting in billing', { groupId: 'billing' });
  T.triage = await open('No group yet', {});
  T.ccAmy = await open('Billing, Amy CC’d', { groupId: 'billing', assigneeId: 'zoe', collaborators: ['amy'] });
});

/** The error a call was refused with (fails the test when it was not refused). */
async function refusal<E extends Error>(p: Promise<unknown>): Promise<E> {
  const e = await p.then(
    () => undefined,
    (err: E) => err,
  );
  if (!e) throw new Error('was not refused');
  return e;
}
const ids = (xs: { id: string }[]) => xs.map((x) => x.id).sort();
const list = async (ctx: Ctx, q: Parameters<typeof listTicketsFor>[1]) => ids((await listTicketsFor(ctx, q, 100)).items);

describe('reading one ticket', () => {
  it('each agent reads their groups’ tickets and their own; the manager every one', async () => {
    const amy = await as('amy', 'agent');
    const zoe = await as('zoe', 'agent');
    const boss = await as('boss', 'manager');
    const readable = async (ctx: Ctx) => {
      const out: string[] = [];
      for (const [name, t] of Object.entries(T)) if (await requireTicket(ctx, t.id).then(() => true, (e) => (e instanceof NotFoundError ? false : Promise.reject(e)))) out.push(name);
      return out.sort();
    };
    expect(await readable(amy)).toEqual(['amys', 'careQueue', 'ccAmy', 'cids']);
    expect(await readable(zoe)).toEqual(['billingQueue', 'ccAmy', 'zoes']);
    expect(await readable(boss)).toEqual(Object.keys(T).sort());
    // Machine clients and sales reps hold tickets:all too.
    expect(await readable(await as('crm-app', 'integration'))).toEqual(Object.keys(T).sort());
  });

  it('someone else’s ticket is 404 with the same answer as one that does not exist', async () => {
    const amy = await as('amy', 'agent');
    const other = await refusal<NotFoundError>(requireTicket(amy, T.zoes!.id));
    const none = await refusal<NotFoundError>(requireTicket(amy, '01JZZZZZZZZZZZZZZZZZZZZZZZ'));
    expect(other).toBeInstanceOf(NotFoundError);
    expect([other.status, other.title, other.message.replace(T.zoes!.id, 'X')]).toEqual([none.status, none.title, none.message.replace('01JZZZZZZZZZZZZZZZZZZZZZZZ', 'X')]);
  });
});

describe('changing someone else’s ticket', () => {
  it('every write on another group’s ticket is 404 and changes nothing', async () => {
    const amy = await as('amy', 'agent');
    const before = (await w.deps.tickets.get(T.zoes!.id))!;
    const historyBefore = (await w.deps.tickets.history(T.zoes!.id, 100)).items.length;
    const attempts: [string, () => Promise<unknown>][] = [
      ['patch', () => updateTicket(amy, T.zoes!.id, { priority: 'urgent' })],
      ['comment', () => addComment(amy, T.zoes!.id, { body: 'hello', public: true, author: 'agent' })],
      ['comment with an attachment', () => addComment(amy, T.zoes!.id, { body: 'see file', public: false, author: 'agent', attachmentIds: ['01JZZZZZZZZZZZZZZZZZZZZZZZ'] })],
      ['assign', () => assignTicket(amy, T.zoes!.id, { assigneeId: 'amy' })],
      ['transfer', () => assignTicket(amy, T.zoes!.id, { groupId: 'care', transfer: true, reason: 'mine now' })],
      ['collaborators', () => setCollaborators(amy, T.zoes!.id, { add: ['amy'] })],
      ['complaint step', () => complaintStep(amy, T.zoes!.id, { stage: 'investigating', note: 'x' })],
      ['follow-up', () => createFollowUp(amy, T.zoes!.id, {})],
      ['attachment', () => createAttachment(amy, noBlobs, T.zoes!.id, { filename: 'a.png', contentType: 'image/png', size: 4 })],
      ['attachment complete', () => completeAttachment(amy, noBlobs, T.zoes!.id, '01JZZZZZZZZZZZZZZZZZZZZZZZ')],
      ['attachment download', () => attachmentDownload(amy, noBlobs, T.zoes!.id, '01JZZZZZZZZZZZZZZZZZZZZZZZ')],
    ];
    const answers: Record<string, unknown> = {};
    for (const [what, run] of attempts) answers[what] = await run().then(() => 'done', (e: Error & { status?: number; extra?: Record<string, unknown> }) => `${e.status} ${String(e.extra?.entity)}`);
    expect(answers).toEqual(Object.fromEntries(attempts.map(([what]) => [what, '404 Ticket'])));
    expect(await w.deps.tickets.get(T.zoes!.id)).toEqual(before);
    expect((await w.deps.tickets.history(T.zoes!.id, 100)).items).toHaveLength(historyBefore);
    expect((await w.deps.tickets.comments(T.zoes!.id, 100)).items).toEqual([]);
  });

  it('a follow-up of a ticket one may not see is refused like one of a ticket that does not exist', async () => {
    const amy = await as('amy', 'agent');
    const err = await refusal<ValidationError>(createTicket(amy, { subject: 'again', type: 'inquiry', channel: 'email', followUpOf: T.zoes!.id }));
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.issues).toEqual([{ field: 'followUpOf', message: `no ticket ${T.zoes!.id}` }]);
  });

  it('an agent works their group’s tickets, hands one to another group, and keeps only what stays theirs', async () => {
    const cid = await as('cid', 'agent');
    const amy = await as('amy', 'agent');
    const zoe = await as('zoe', 'agent');
    // Cid answers a colleague's ticket in their group.
    await addComment(cid, T.amys!.id, { body: 'Covering for Amy', public: false, author: 'agent' });
    // Amy opens one straight into billing: she opened it, so she still follows it; Cid does not see it.
    const handed = await createTicket(amy, { subject: 'For billing', type: 'refund', channel: 'phone', groupId: 'billing' });
    expect((await requireTicket(amy, handed.id)).groupId).toBe('billing');
    await expect(requireTicket(cid, handed.id)).rejects.toThrow(NotFoundError);
    expect((await requireTicket(zoe, handed.id)).id).toBe(handed.id);
    // Cid transfers the care queue's ticket to billing: it leaves care, and care's agents lose it.
    const moved = await assignTicket(cid, T.careQueue!.id, { groupId: 'billing', transfer: true, reason: 'A billing question' });
    expect(moved.groupId).toBe('billing');
    T.handed = handed;
    await expect(requireTicket(cid, T.careQueue!.id)).rejects.toThrow(NotFoundError);
    await expect(requireTicket(amy, T.careQueue!.id)).rejects.toThrow(NotFoundError);
    expect((await requireTicket(zoe, T.careQueue!.id)).id).toBe(T.careQueue!.id);
    T.careQueue = moved;
  });
});

describe('lists', () => {
  it('a status list is the agent’s workspace: their tickets and their groups’ queues; the manager’s is everyone’s', async () => {
    const amy = await as('amy', 'agent');
    const zoe = await as('zoe', 'agent');
    const boss = await as('boss', 'manager');
    expect(await list(amy, { status: 'open' })).toEqual(ids([T.amys!]));
    // New: billing's queue (its own, the one transferred from care, the one Amy handed over); the triage ticket is nobody's.
    expect(await list(zoe, { status: 'new' })).toEqual(ids([T.billingQueue!, T.careQueue!, T.handed!]));
    expect(await list(boss, { status: 'new' })).toEqual(ids([T.billingQueue!, T.careQueue!, T.handed!, T.triage!]));
    // Amy still reads the ticket she handed to billing, but it is billing's queue, not her workspace.
    expect(await list(amy, { status: 'new' })).toEqual([]);
  });

  it('a colleague’s tickets hold only what the agent sees; their own are whole', async () => {
    const amy = await as('amy', 'agent');
    expect(await list(amy, { assigneeId: 'cid' })).toEqual(ids([T.cids!]));
    expect(await list(amy, { assigneeId: 'zoe' })).toEqual(ids([T.ccAmy!]));
    expect(await list(amy, { assigneeId: 'amy' })).toEqual(ids([T.amys!]));
    expect(await list(await as('boss', 'manager'), { assigneeId: 'zoe' })).toEqual(ids([T.zoes!, T.ccAmy!]));
  });

  it('a group’s queue is listed by its members and managers; another group’s is 404', async () => {
    const amy = await as('amy', 'agent');
    expect(await list(await as('zoe', 'agent'), { groupId: 'billing', status: 'new' })).toContain(T.billingQueue!.id);
    expect(await list(await as('lead', 'agent'), { groupId: 'billing', status: 'new' })).toContain(T.billingQueue!.id);
    const err = await refusal<QueueNotVisible>(listTicketsFor(amy, { groupId: 'billing' }, 10));
    expect(err).toBeInstanceOf(QueueNotVisible);
    expect(err.status).toBe(404);
  });

  it('the workspace pages newest first across the agent’s and the queues’ partitions, each ticket once', async () => {
    const sys = w.ctx('admin-1');
    await createGroup(sys, 'vip', { name: 'VIP', members: ['cid'], assignment: 'manual' });
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      const where = i % 3 === 0 ? { groupId: 'care', assigneeId: 'cid' } : i % 3 === 1 ? { groupId: 'care' } : { groupId: 'vip' };
      made.push((await createTicket(sys, { subject: `batch ${i}`, type: 'inquiry', channel: 'chat', ...where, status: 'on-hold' })).id);
    }
    const other = await createTicket(sys, { subject: 'billing on hold', type: 'inquiry', channel: 'chat', groupId: 'billing', status: 'on-hold' });
    const cid = await as('cid', 'agent');
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listTicketsFor(cid, { status: 'on-hold' }, 2, cursor);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((t) => t.id));
      cursor = page.cursor;
      pages++;
    } while (cursor && pages < 20);
    expect(seen).toEqual([...made].sort().reverse());
    expect(seen).not.toContain(other.id);
    await expect(listTicketsFor(cid, { status: 'on-hold' }, 2, 'bm90LWEtY3Vyc29y')).rejects.toThrow(ValidationError);
  });
});

describe('groups come from the table', () => {
  it('joining a group opens its tickets at once in this container; leaving closes them', async () => {
    const sys = w.ctx('admin-1');
    await expect(requireTicket(await as('amy', 'agent'), T.zoes!.id)).rejects.toThrow(NotFoundError);
    let billing = (await w.deps.agents.getGroup('billing'))!;
    billing = await updateGroup(sys, 'billing', { name: billing.name, managerId: 'lead', members: ['zoe', 'amy'], assignment: 'manual', version: billing.version });
    expect((await requireTicket(await as('amy', 'agent'), T.zoes!.id)).id).toBe(T.zoes!.id);
    expect(await list(await as('amy', 'agent'), { groupId: 'billing', status: 'new' })).toContain(T.billingQueue!.id);
    await updateGroup(sys, 'billing', { name: billing.name, managerId: 'lead', members: ['zoe'], assignment: 'manual', version: billing.version });
    await expect(requireTicket(await as('amy', 'agent'), T.zoes!.id)).rejects.toThrow(NotFoundError);
  });

  it('a token naming groups or roles it does not have changes nothing: the viewer is built from the record and the groups', async () => {
    const forged = { sub: 'amy', can: (p: string) => p === 'tickets:read', groups: ['billing'] };
    const ctx = await ticketCtxOf({ deps: w.deps, correlationId: 'it', principal: forged as never });
    expect(ctx.viewer).toEqual({ id: 'amy', all: false, groups: ['care'] });
  });
});
