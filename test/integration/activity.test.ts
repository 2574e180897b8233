import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { customerPk } from '../../shared/store/keys';
import { NotFoundError } from '../../shared/domain/errors';
import type { Deps } from '../../shared/runtime/deps';
import { createCustomer, deleteCustomer } from '../../shared/usecases/customers';
import { logInteraction } from '../../shared/usecases/interactions';
import { testDeps } from '../support/db';
import { ctxOf } from './helpers';

let deps: Deps;
beforeAll(async () => {
  deps = await testDeps();
});

describe('timeline and 360 view', () => {
  it('orders the timeline by when things happened, pages it, and refuses a cursor of another customer', async () => {
    const c = await createCustomer(ctxOf(deps), { name: 'Tim' });
    const other = await createCustomer(ctxOf(deps), { name: 'Other' });
    const times = ['2025-03-01T10:00:00Z', '2025-01-01T10:00:00Z', '2025-02-01T10:00:00Z'];
    for (const t of times) await logInteraction(ctxOf(deps), c.id, { channel: 'call', type: 'follow-up', direction: 'outbound', summary: t, occurredAt: t });
    const p1 = await deps.partition.timeline(c.id, 2);
    expect(p1.items.map((e) => e.summary)).toEqual(['2025-03-01T10:00:00Z', '2025-02-01T10:00:00Z']);
    const p2 = await deps.partition.timeline(c.id, 2, p1.cursor);
    expect(p2.items.map((e) => e.summary)).toEqual(['2025-01-01T10:00:00Z']);
    await expect(deps.partition.timeline(other.id, 2, p1.cursor)).rejects.toThrow(/cursor/);
  });

  it('reads profile, aggregates and the newest timeline in exactly one Query', async () => {
    const c = await createCustomer(ctxOf(deps), { name: 'Vee', tags: ['vip'] });
    for (let i = 0; i < 12; i++) await logInteraction(ctxOf(deps), c.id, { channel: 'chat', type: 'inquiry', direction: 'inbound', summary: `m${i}` });
    const sent: string[] = [];
    const counting = { ...deps.db, doc: { send: (cmd: { constructor: { name: string } }) => (sent.push(cmd.constructor.name), deps.db.doc.send(cmd as never)) } };
    const { PartitionRepo } = await import('../../shared/store/partition-repo');
    const view = await new PartitionRepo(counting as never).view(c.id, 10);
    expect(sent).toEqual(['QueryCommand']);
    expect(view?.profile.tags).toEqual(['vip']);
    expect(view?.timeline.map((e) => e.summary)).toEqual(['m11', 'm10', 'm9', 'm8', 'm7', 'm6', 'm5', 'm4', 'm3', 'm2']);
  });

  it('will not log an interaction on a deleted or unknown customer', async () => {
    const c = await createCustomer(ctxOf(deps), { name: 'Del' });
    await deleteCustomer(ctxOf(deps), c.id);
    await expect(logInteraction(ctxOf(deps), c.id, { channel: 'sms', type: 'other', direction: 'outbound', summary: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    await expect(logInteraction(ctxOf(deps), '01ARZ3NDEKTSV4RRFFQ69G5FAV', { channel: 'sms', type: 'other', direction: 'outbound', summary: 'x' })).rejects.toBeInstanceOf(NotFoundError);
    const raw = await deps.db.doc.send(new QueryCommand({ TableName: deps.db.tableName, KeyConditionExpression: 'PK = :p', ExpressionAttributeValues: { ':p': customerPk(c.id) } }));
    expect(raw.Items?.length).toBe(1);
  });
});

describe('idempotency records', () => {
  it('claims once, replays the stored answer, refuses another body, and frees a failed claim', async () => {
    const r = deps.idempotency;
    expect(await r.claim('k1', 'h1', 1000)).toEqual({ kind: 'claimed' });
    expect(await r.claim('k1', 'h1', 1001)).toEqual({ kind: 'in-progress' });
    await r.complete('k1', 201, '{"id":"X"}');
    expect(await r.claim('k1', 'h1', 1002)).toEqual({ kind: 'replay', status: 201, body: '{"id":"X"}' });
    expect(await r.claim('k1', 'h2', 1003)).toEqual({ kind: 'mismatch' });
    expect(await r.claim('k2', 'h1', 1000)).toEqual({ kind: 'claimed' });
    await r.release('k2');
    expect(await r.claim('k2', 'h1', 1001)).toEqual({ kind: 'claimed' });
  });
});
