import { planMerge } from '../../shared/domain/customer';
import { ConflictError } from '../../shared/domain/errors';
import type { Deps } from '../../shared/runtime/deps';
import { createCustomer } from '../../shared/usecases/customers';
import { logInteraction } from '../../shared/usecases/interactions';
import { mergeCustomers, unmergeCustomers } from '../../shared/usecases/merge';
import { testDeps } from '../support/db';
import { ctxOf, publishedTypes } from './helpers';

let deps: Deps;
beforeAll(async () => {
  deps = await testDeps();
});

const note = (d: Deps, id: string, summary: string) => logInteraction(ctxOf(d), id, { channel: 'wechat', type: 'inquiry', direction: 'inbound', summary });

describe('merge', () => {
  it('moves identities, timeline and tags onto the target, retires the source, and unmerge undoes all of it', async () => {
    const target = await createCustomer(ctxOf(deps), { name: 'Li Lei', email: 'lilei@example.com', tags: ['vip'] });
    const source = await createCustomer(ctxOf(deps), { name: 'Li Lei', phone: '+8613811112222', tags: ['wechat-fan'], city: 'Shanghai' });
    await note(deps, target.id, 'target note');
    await note(deps, source.id, 'source note 1');
    await note(deps, source.id, 'source note 2');

    const r = await mergeCustomers(ctxOf(deps), target.id, source.id);
    expect(r.movedItems).toBe(2);
    expect(r.customer).toMatchObject({ phone: '+8613811112222', city: 'Shanghai', tags: ['vip', 'wechat-fan'] });
    expect(await deps.customers.findIdByIdentity({ kind: 'phone', value: '+8613811112222' })).toBe(target.id);
    expect((await deps.customers.require(source.id)).status).toBe('merged');
    const tl = await deps.partition.timeline(target.id, 10);
    expect(tl.items.map((e) => e.summary).sort()).toEqual(['source note 1', 'source note 2', 'target note']);
    expect((await deps.partition.timeline(source.id, 10)).items).toEqual([]);
    await expect(createCustomer(ctxOf(deps), { phone: '+8613811112222' })).rejects.toBeInstanceOf(ConflictError);

    await note(deps, target.id, 'after merge');
    const u = await unmergeCustomers(ctxOf(deps), target.id, r.merge.id);
    expect(u.restored).toMatchObject({ id: source.id, status: 'active', phone: '+8613811112222' });
    expect(u.customer.tags).toEqual(['vip']);
    expect(u.customer).not.toHaveProperty('phone');
    expect(await deps.customers.findIdByIdentity({ kind: 'phone', value: '+8613811112222' })).toBe(source.id);
    expect((await deps.partition.timeline(source.id, 10)).items.map((e) => e.summary).sort()).toEqual(['source note 1', 'source note 2']);
    expect((await deps.partition.timeline(target.id, 10)).items.map((e) => e.summary).sort()).toEqual(['after merge', 'target note']);
    expect((await deps.merges.get(r.merge.id))?.status).toBe('undone');
    await expect(unmergeCustomers(ctxOf(deps), target.id, r.merge.id)).rejects.toThrow(/already undone/);
  });

  it('emits CustomerMerged and CustomerUnmerged through the outbox', async () => {
    const d = await testDeps();
    const a = await createCustomer(ctxOf(d), { name: 'A' });
    const b = await createCustomer(ctxOf(d), { name: 'B' });
    const r = await mergeCustomers(ctxOf(d), a.id, b.id);
    await unmergeCustomers(ctxOf(d), a.id, r.merge.id);
    expect(await publishedTypes(d)).toEqual(['CustomerCreated', 'CustomerCreated', 'CustomerMerged', 'CustomerUnmerged']);
  });

  it('refuses merging a profile into itself, a merged profile, or while one side is being merged', async () => {
    const a = await createCustomer(ctxOf(deps), { name: 'Self' });
    await expect(mergeCustomers(ctxOf(deps), a.id, a.id)).rejects.toThrow(/another customer/);
    const b = await createCustomer(ctxOf(deps), { name: 'B2' });
    const c = await createCustomer(ctxOf(deps), { name: 'C2' });
    await mergeCustomers(ctxOf(deps), a.id, b.id);
    await expect(mergeCustomers(ctxOf(deps), c.id, b.id)).rejects.toThrow(/merged into/);
  });

  it('resumes a merge that crashed after moving part of the items', async () => {
    const target = await createCustomer(ctxOf(deps), { name: 'Crash T' });
    const source = await createCustomer(ctxOf(deps), { name: 'Crash S', email: 'crash@example.com' });
    for (let i = 0; i < 3; i++) await note(deps, source.id, `n${i}`);
    const now = new Date().toISOString();
    const { merged: _m, ...plan } = planMerge(target, source, now);
    const record = { id: deps.ids.next(), targetId: target.id, sourceId: source.id, status: 'moving' as const, plan, sourceSnapshot: source, targetVersion: 1, actorId: 't', createdAt: now };
    await deps.merges.begin(record, target, source);
    // the "crash": only phase 1 ran. An edit in between is refused because of the lock.
    await expect(deps.customers.replace(target, { ...target, city: 'X', version: 2 }, { id: 'e', type: 'CustomerUpdated', version: 1, occurredAt: now, source: 'crm', subject: target.id, correlationId: 'c', data: { customerId: target.id, changed: ['city'] } })).rejects.toBeInstanceOf(ConflictError);
    const r = await mergeCustomers(ctxOf(deps), target.id, source.id);
    expect(r.merge.id).toBe(record.id);
    expect(r.movedItems).toBe(3);
    expect(await deps.customers.findIdByIdentity({ kind: 'email', value: 'crash@example.com' })).toBe(target.id);
  });
});

it('answers 409 naming the survivor when an interaction is logged on a merged-away profile', async () => {
  const a = await createCustomer(ctxOf(deps), { name: 'Keep' });
  const b = await createCustomer(ctxOf(deps), { name: 'Gone' });
  await mergeCustomers(ctxOf(deps), a.id, b.id);
  const err = await note(deps, b.id, 'late').catch((e: unknown) => e as ConflictError);
  expect(err).toBeInstanceOf(ConflictError);
  expect((err as ConflictError).extra).toEqual({ mergedInto: a.id });
});
