import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBlobStore } from '../../shared/runtime/local-blob-store';
import { platformIdentity } from '../../shared/domain/identity';
import type { PlatformId } from '../../shared/domain/customer';
import { shopChildSeed } from '../../shared/domain/privacy-shop';
import { PrivacyRepo } from '../../shared/store/privacy-repo';
import { repoOf } from '../../shared/store/repo-of';
import { ShopErasureRepo } from '../../shared/store/shop-erasure-repo';
import { createCustomer, deleteCustomer, type Ctx } from '../../shared/usecases/customers';
import type { NormalizedOrder } from '../../shared/domain/ingest';
import { customerPk, SK } from '../../shared/store/keys';
import { ingestOrder } from '../../shared/usecases/ingest/ingest-order';
import { partitionOf } from '../../shared/usecases/privacy/raw-items';
import { intakePlatformRequest } from '../../shared/usecases/privacy/intake';
import { requestIdFrom, runPrivacyRequest } from '../../shared/usecases/privacy/requests';
import { runShopErasure } from '../../shared/usecases/privacy/shop-redact';
import { serviceWorld, type CapturingQueue, type World } from './service-helpers';

/**
 * Shopify's shop/redact on DynamoDB Local: the delivery becomes one `shop-erasure` request; its run
 * walks the customer lists (live and recycle bin) in pages, erases every customer linked to that
 * store only through an `erasure` request of their own (id derived from the parent and the
 * customer), removes the store's platform ids (and identity claims) from the customers linked
 * elsewhere too, and reports the counts. A run that hands over at its deadline or dies midway is
 * resumed by the next delivery, with nothing lost and nothing counted or requested twice.
 */
let w: World;
const GONE = 'gone.myshopify.com';
const STILL = 'still.myshopify.com';
const gone = (id: string): PlatformId => ({ platform: 'shopify', store: GONE, id });
const still = (id: string): PlatformId => ({ platform: 'shopify', store: STILL, id });
const sys = (): Ctx => w.ctx('system:privacy');
const queue = () => w.deps.queue as CapturingQueue;
const privacyMessages = () => queue().sent.filter((m) => m.queue === 'privacy').map((m) => (JSON.parse(m.body) as { requestId: string }).requestId);

/** The real local blob store, in a folder of its own. */
const blobs = new LocalBlobStore(mkdtempSync(join(tmpdir(), 'crm-privacy-blobs-')));

const C: Record<string, string> = {};
const owner = (p: PlatformId) => w.deps.customers.findIdByIdentity({ kind: 'platform', value: platformIdentity(p.platform, p.store, p.id) });

beforeAll(async () => {
  w = await serviceWorld('2026-05-12T02:00:00.000Z');
  const ctx = w.ctx('admin-1');
  const make = async (key: string, platformIds: PlatformId[], extra: Record<string, unknown> = {}) => {
    C[key] = (await createCustomer(ctx, { name: `Person ${key}`, email: `${key.toLowerCase()}.shopredact@example.com`, platformIds, ...extra })).id;
  };
  await make('only', [gone('101')]);
  await make('twice', [gone('102'), gone('103')]);
  await make('both', [gone('104'), still('204')]);
  await make('erp', [gone('105')], { externalId: 'ERP-105' });
  await make('other', [still('206')]);
  await make('binned', [gone('107')]);
  await make('upper', [{ platform: 'Shopify', store: 'GONE.myshopify.com', id: '108' }]);
  await make('plain', []);
  for (let i = 0; i < 6; i++) await make(`filler${i}`, [still(`30${i}`)]);
  await deleteCustomer(ctx, C.binned!);
  // 'both' bought in each store: each order carries the contact details its store sent.
  const order = (store: string, orderId: string, platformCustomerId: string): NormalizedOrder => ({
    platform: 'shopify',
    store,
    orderId,
    identity: { platform: 'shopify', store, platformCustomerId, email: 'both.shopredact@example.com', name: 'Person both', phone: '+61400000104', city: 'Perth', sourceChannel: 'shopify' },
    placedAt: '2026-05-01T10:00:00.000Z',
    updatedAt: '2026-05-01T10:00:00.000Z',
    status: 'paid',
    currency: 'AUD',
    totalMinor: store === GONE ? 5945 : 1200,
    subtotalMinor: 0,
    discountMinor: 0,
    taxMinor: 0,
    shippingMinor: 0,
    refundedMinor: 0,
    lines: [{ product: 'Tee', quantity: 1, unitPriceMinor: 4495, sku: 'T-1' }],
    discountCodes: [],
    channel: 'web',
  });
  await ingestOrder(w.ctx('system:ingest'), order(GONE, 'g-1', '104'), { source: 'shopify', sourceId: GONE, deliveryId: 'd-g-1' });
  await ingestOrder(w.ctx('system:ingest'), order(STILL, 's-1', '204'), { source: 'shopify', sourceId: STILL, deliveryId: 'd-s-1' });
}, 60_000);

describe('a shop/redact delivery', () => {
  let parentId = '';

  it('becomes one shop-erasure request per delivery, due in 30 days, queued once', async () => {
    const data = { request: 'shop_redact', platform: 'shopify', store: GONE };
    const outcome = await intakePlatformRequest(w.ctx('system:privacy-intake'), 'evt-shop-1', data);
    parentId = requestIdFrom('platform:evt-shop-1');
    expect(outcome).toBe(`shop-erasure request ${parentId}`);
    expect(await intakePlatformRequest(w.ctx('system:privacy-intake'), 'evt-shop-1', data)).toBe(outcome); // the same delivery again
    const r = await repoOf(w.deps, PrivacyRepo).get(parentId);
    expect(r).toMatchObject({ kind: 'shop-erasure', status: 'received', source: { kind: 'platform', platform: 'shopify', store: GONE, request: 'shop_redact' }, attempts: 0 });
    expect(r).not.toHaveProperty('customerId');
    expect(Date.parse(r!.dueAt) - Date.parse(r!.receivedAt)).toBe(30 * 86_400_000);
    expect(privacyMessages()).toEqual([parentId]);
    expect((await repoOf(w.deps, PrivacyRepo).list('received', 10)).items.map((x) => x.id)).toContain(parentId);
  });

  it('a run at its deadline commits nothing new, queues its continuation and stays running', async () => {
    queue().sent = [];
    const r = (await repoOf(w.deps, PrivacyRepo).get(parentId))!;
    const out = await runShopErasure(sys(), r, { deadline: 0, pageLimit: 2 });
    expect(out).toMatchObject({ status: 'running', attempts: 1 });
    expect(privacyMessages()).toEqual([parentId]);
    expect(await repoOf(w.deps, ShopErasureRepo).walk(parentId)).toMatchObject({ step: 0, lane: 0, done: false, visited: 0 });
  });

  it('a run that dies midway leaves a committed position, and the next run resumes it: each erasure requested once, exact counts', async () => {
    queue().sent = [];
    w.clock.advance(3 * 86_400_000); // the walk runs days after the delivery: its customers' erasures keep the store's deadline
    // The profile store fails once, at the 5th customer to act on (two reads each), so after two pages of two at least were committed.
    let gets = 0;
    const real = w.deps.customers;
    const failing = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'get') {
          return async (...args: Parameters<typeof real.get>) => {
            if (++gets === 9) throw new Error('the function died here');
            return target.get(...args);
          };
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const dying: Ctx = { ...sys(), deps: { ...w.deps, customers: failing } };
    const r = (await repoOf(w.deps, PrivacyRepo).get(parentId))!;
    await expect(runShopErasure(dying, r, { pageLimit: 2 })).rejects.toThrow('the function died here');
    const walk = await repoOf(w.deps, ShopErasureRepo).walk(parentId);
    expect(walk!.done).toBe(false);
    expect(walk!.step).toBeGreaterThan(0);
    expect((await repoOf(w.deps, PrivacyRepo).get(parentId))).toMatchObject({ status: 'running', error: 'the function died here' });
    const before = privacyMessages().length;
    expect(before).toBeGreaterThan(0); // some erasures were requested before it died

    // The retried message runs it again, through the worker's entry.
    const done = await runPrivacyRequest(sys(), blobs, parentId);
    expect(done).toMatchObject({ status: 'completed', kind: 'shop-erasure', result: { customersVisited: 14, customersErased: 4, customersDetached: 2, identitiesDetached: 2, storeRecordsScrubbed: 1 } });
    const children = privacyMessages();
    const expected = ['only', 'twice', 'binned', 'upper'].map((k) => requestIdFrom(shopChildSeed(parentId, C[k]!)));
    expect([...children].sort()).toEqual([...expected].sort()); // each once, though the page that died was walked again
    const subjects = await repoOf(w.deps, ShopErasureRepo).subjects(parentId);
    expect(subjects.map((s) => `${s.customerId}:${s.action}`).sort()).toEqual(
      [...['only', 'twice', 'binned', 'upper'].map((k) => `${C[k]}:erased`), ...['both', 'erp'].map((k) => `${C[k]}:detached`)].sort(),
    );
    for (const id of expected) {
      expect(await repoOf(w.deps, PrivacyRepo).get(id)).toMatchObject({ kind: 'erasure', status: 'received', source: { kind: 'platform', platform: 'shopify', store: GONE, request: 'shop_redact' }, reason: expect.stringContaining(parentId), dueAt: r.dueAt });
      expect((await repoOf(w.deps, PrivacyRepo).get(id))!.receivedAt > r.receivedAt).toBe(true);
    }
  });

  it('the customers linked elsewhere keep their profile, without the store’s ids and identity claims', async () => {
    const both = await w.deps.customers.require(C.both!);
    expect(both).toMatchObject({ platformIds: [still('204')], email: 'both.shopredact@example.com', name: 'Person both' });
    expect(both.erasedAt).toBeUndefined();
    expect(await owner(gone('104'))).toBeUndefined();
    expect(await owner(still('204'))).toBe(C.both);
    expect(await w.deps.customers.findIdByIdentity({ kind: 'email', value: 'both.shopredact@example.com' })).toBe(C.both);
    const erp = await w.deps.customers.require(C.erp!);
    expect(erp).toMatchObject({ platformIds: [], externalId: 'ERP-105' });
    expect(await owner(gone('105'))).toBeUndefined();
    expect(await w.deps.customers.findIdByIdentity({ kind: 'external', value: 'ERP-105' })).toBe(C.erp);
    // The order the gone store sent keeps what the reports need, not who it was sent about; the other store's order is untouched.
    const orders = (await partitionOf(w.deps.db, customerPk(C.both!))).filter((i) => String(i.SK).startsWith(SK.timelinePrefix) && i.entity === 'order');
    const byStore = Object.fromEntries(orders.map((o) => [o.store as string, o]));
    expect(byStore[GONE]).toMatchObject({ orderId: 'g-1', totalMinor: 5945, currency: 'AUD', status: 'paid', placedAt: '2026-05-01T10:00:00.000Z', lines: [{ product: 'Tee', quantity: 1 }], identity: { platform: 'shopify', store: GONE, city: 'Perth' } });
    expect(JSON.stringify(byStore[GONE])).not.toMatch(/both\.shopredact|Person both|\+61400000104/);
    expect(byStore[STILL]).toMatchObject({ orderId: 's-1', identity: { email: 'both.shopredact@example.com', name: 'Person both', phone: '+61400000104' } });
    // Not linked to the store: untouched.
    for (const k of ['other', 'plain', 'filler0']) expect((await w.deps.customers.require(C[k]!)).version).toBe(1);
  });

  it('the customers of that store only are erased when their own requests run', async () => {
    for (const id of privacyMessages()) expect(await runPrivacyRequest(sys(), blobs, id)).toMatchObject({ status: 'completed', kind: 'erasure' });
    for (const k of ['only', 'twice', 'binned', 'upper']) {
      const c = await w.deps.customers.require(C[k]!);
      expect(c).toMatchObject({ erasedAt: expect.any(String), platformIds: [] });
      expect(c).not.toHaveProperty('email');
      expect(c).not.toHaveProperty('name');
    }
    expect((await w.deps.customers.require(C.binned!)).status).toBe('deleted');
    for (const id of ['101', '102', '103', '108']) expect(await owner(gone(id))).toBeUndefined();
    expect(await w.deps.customers.findIdByIdentity({ kind: 'email', value: 'only.shopredact@example.com' })).toBeUndefined();
  });

  it('run again, it changes nothing and requests nothing', async () => {
    queue().sent = [];
    const again = await runPrivacyRequest(sys(), blobs, parentId);
    expect(again).toMatchObject({ status: 'completed', result: { customersErased: 4, customersDetached: 2, identitiesDetached: 2, storeRecordsScrubbed: 1 } });
    expect(privacyMessages()).toEqual([]);
  });

  it('a store nobody here came from completes with zero counts', async () => {
    await intakePlatformRequest(w.ctx('system:privacy-intake'), 'evt-shop-2', { request: 'shop_redact', platform: 'shopify', store: 'never.myshopify.com' });
    const id = requestIdFrom('platform:evt-shop-2');
    queue().sent = [];
    expect(await runPrivacyRequest(sys(), blobs, id)).toMatchObject({ status: 'completed', result: { customersVisited: 14, customersErased: 0, customersDetached: 0, identitiesDetached: 0 } });
    expect(privacyMessages()).toEqual([]);
  });
});
