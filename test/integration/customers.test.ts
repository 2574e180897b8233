import { ConflictError, NotFoundError } from '../../shared/domain/errors';
import type { Deps } from '../../shared/runtime/deps';
import { createCustomer, deleteCustomer, purgeRecycleBin, restoreCustomer, updateCustomer } from '../../shared/usecases/customers';
import { logInteraction } from '../../shared/usecases/interactions';
import { testDeps } from '../support/db';
import { allItems, ctxOf, publishedTypes } from './helpers';

let deps: Deps;
beforeAll(async () => {
  deps = await testDeps();
});

const conflictOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e as ConflictError;
  }
  throw new Error('expected a conflict');
};

describe('create and dedup', () => {
  it('creates a profile with its identities and an outbox event in one transaction', async () => {
    const d = await testDeps();
    const c = await createCustomer(ctxOf(d), { name: 'Ann', email: 'ann@example.com', phone: '+8613800000001' });
    expect(await d.customers.findIdByIdentity({ kind: 'email', value: 'ann@example.com' })).toBe(c.id);
    expect(await d.customers.findIdByIdentity({ kind: 'phone', value: '+8613800000001' })).toBe(c.id);
    expect(await publishedTypes(d)).toEqual(['CustomerCreated']);
    const keys = (await allItems(d)).map((i) => String(i.PK));
    expect(keys.join(' ')).not.toContain('ann@example.com');
    expect(keys.join(' ')).not.toContain('13800000001');
  });

  it('refuses a second profile with the same email, naming the existing one, and writes nothing', async () => {
    const first = await createCustomer(ctxOf(deps), { email: 'dup@example.com' });
    const before = (await allItems(deps)).length;
    const err = await conflictOf(createCustomer(ctxOf(deps), { email: 'dup@example.com', phone: '+8613800000002' }));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.extra).toMatchObject({ field: 'email', existingCustomerId: first.id });
    expect((await allItems(deps)).length).toBe(before);
  });

  it('lets exactly one of ten racing creates with the same phone win', async () => {
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => createCustomer(ctxOf(deps), { name: `R${i}`, phone: '+8613800000099' })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConflictError);
  });
});

describe('update', () => {
  it('moves identity claims with the change and refuses a stale version', async () => {
    const c = await createCustomer(ctxOf(deps), { email: 'old@example.com' });
    const u = await updateCustomer(ctxOf(deps), c.id, 1, { email: 'new@example.com', city: 'Hangzhou' });
    expect(u.version).toBe(2);
    expect(await deps.customers.findIdByIdentity({ kind: 'email', value: 'old@example.com' })).toBeUndefined();
    expect(await deps.customers.findIdByIdentity({ kind: 'email', value: 'new@example.com' })).toBe(c.id);
    const stale = await conflictOf(updateCustomer(ctxOf(deps), c.id, 1, { city: 'Suzhou' }));
    expect(stale.extra).toMatchObject({ currentVersion: 2 });
    const other = await createCustomer(ctxOf(deps), { email: 'old@example.com' });
    expect(other.id).not.toBe(c.id);
  });

  it('lets only one of two concurrent writers at the same version win', async () => {
    const c = await createCustomer(ctxOf(deps), { name: 'Race' });
    const results = await Promise.allSettled([updateCustomer(ctxOf(deps), c.id, 1, { city: 'A' }), updateCustomer(ctxOf(deps), c.id, 1, { city: 'B' })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await deps.customers.require(c.id)).version).toBe(2);
  });

  it('refuses to take an email another profile holds', async () => {
    await createCustomer(ctxOf(deps), { email: 'taken@example.com' });
    const c = await createCustomer(ctxOf(deps), { name: 'Other' });
    const err = await conflictOf(updateCustomer(ctxOf(deps), c.id, 1, { email: 'taken@example.com' }));
    expect(err.extra.field).toBe('email');
    expect((await deps.customers.require(c.id)).version).toBe(1);
  });
});

describe('list and search', () => {
  it('pages through every live profile once, newest first, across shards', async () => {
    const d = await testDeps();
    const made = [];
    for (let i = 0; i < 23; i++) made.push((await createCustomer(ctxOf(d), { name: `P${i}` })).id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await d.customers.list(5, cursor);
      seen.push(...page.items.map((c) => c.id));
      cursor = page.cursor;
    } while (cursor);
    expect(seen).toEqual([...made].reverse());
  });

  it('finds by name prefix, case-insensitively', async () => {
    await createCustomer(ctxOf(deps), { name: 'Zhang Wei' });
    await createCustomer(ctxOf(deps), { name: 'zhang min' });
    const { items } = await deps.customers.searchByNamePrefix('zhang', 10);
    expect(items.map((c) => c.name).sort()).toEqual(['Zhang Wei', 'zhang min']);
  });
});

describe('recycle bin', () => {
  it('releases identities on delete, restores them, and refuses a restore when taken meanwhile', async () => {
    const c = await createCustomer(ctxOf(deps), { email: 'bin@example.com', name: 'Binny' });
    const del = await deleteCustomer(ctxOf(deps), c.id);
    expect(del.status).toBe('deleted');
    expect((await deps.customers.listRecycleBin(100)).items.map((x) => x.id)).toContain(c.id);
    expect((await deps.customers.list(100)).items.map((x) => x.id)).not.toContain(c.id);
    expect((await deps.customers.searchByNamePrefix('binny', 10)).items).toHaveLength(0);
    const restored = await restoreCustomer(ctxOf(deps), c.id);
    expect(restored).toMatchObject({ status: 'active', version: 3 });
    expect(restored).not.toHaveProperty('deletedAt');
    expect(await deps.customers.findIdByIdentity({ kind: 'email', value: 'bin@example.com' })).toBe(c.id);

    await deleteCustomer(ctxOf(deps), c.id);
    const squatter = await createCustomer(ctxOf(deps), { email: 'bin@example.com' });
    const err = await conflictOf(restoreCustomer(ctxOf(deps), c.id));
    expect(err.extra).toMatchObject({ existingCustomerId: squatter.id });
  });

  it('purges a profile and its whole partition after 30 days, not before', async () => {
    const d = await testDeps();
    const c = await createCustomer(ctxOf(d), { name: 'Gone', email: 'gone@example.com' });
    await logInteraction(ctxOf(d), c.id, { channel: 'call', type: 'inquiry', direction: 'inbound', summary: 'asked about sizes' });
    const deleted = await deleteCustomer(ctxOf(d), c.id);
    const at = (iso: string) => ({ ...d, clock: { now: () => new Date(iso) } });
    const day29 = new Date(Date.parse(deleted.deletedAt!) + 29 * 86_400_000).toISOString();
    expect(await purgeRecycleBin(ctxOf(at(day29)))).toBe(0);
    const day31 = new Date(Date.parse(deleted.deletedAt!) + 31 * 86_400_000).toISOString();
    expect(await purgeRecycleBin(ctxOf(at(day31)))).toBe(1);
    await expect(d.customers.require(c.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await d.partition.partitionItems(c.id)).toEqual([]);
    expect((await publishedTypes(d)).slice(-2)).toEqual(['CustomerDeleted', 'CustomerPurged']);
  });
});
