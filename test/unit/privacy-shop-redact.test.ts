import type { Customer, PlatformId } from '../../shared/domain/customer';
import { isOfStore, isStoreRecord, planShopRedact, shopChildSeed, shopRedactResult, type ShopRef } from '../../shared/domain/privacy-shop';
import { PRIVACY_KINDS, SUBJECT_PRIVACY_KINDS } from '../../shared/domain/privacy';
import { requestIdFrom } from '../../shared/usecases/privacy/requests';

/** Shopify's shop/redact (issue 7): which customers of an uninstalled store are erased, which only lose that store's links. */
const SHOP: ShopRef = { platform: 'shopify', store: 'gone.myshopify.com' };
const gone = (id: string): PlatformId => ({ platform: 'shopify', store: 'gone.myshopify.com', id });
const other = (id: string): PlatformId => ({ platform: 'shopify', store: 'still.myshopify.com', id });
const woo = (id: string): PlatformId => ({ platform: 'woocommerce', store: 'gone.myshopify.com', id });
const profile = (over: Partial<Customer>): Pick<Customer, 'platformIds' | 'externalId' | 'erasedAt' | 'status'> => ({ platformIds: [], status: 'active', ...over });

describe('what shop/redact does to one customer', () => {
  it('erases a customer linked to that store only (one or more ids there)', () => {
    expect(planShopRedact(profile({ platformIds: [gone('1')] }), SHOP)).toEqual({ action: 'erase', removed: [gone('1')] });
    expect(planShopRedact(profile({ platformIds: [gone('1'), gone('2')] }), SHOP)).toEqual({ action: 'erase', removed: [gone('1'), gone('2')] });
  });

  it('erases a deleted customer in the recycle bin the same way', () => {
    expect(planShopRedact(profile({ platformIds: [gone('1')], status: 'deleted' }), SHOP).action).toBe('erase');
  });

  it('detaches a customer also linked to another store, another platform or the brand’s own systems', () => {
    expect(planShopRedact(profile({ platformIds: [other('7'), gone('1')] }), SHOP)).toEqual({ action: 'detach', keep: [other('7')], removed: [gone('1')] });
    expect(planShopRedact(profile({ platformIds: [gone('1'), woo('9')] }), SHOP)).toEqual({ action: 'detach', keep: [woo('9')], removed: [gone('1')] });
    expect(planShopRedact(profile({ platformIds: [gone('1')], externalId: 'ERP-1' }), SHOP)).toEqual({ action: 'detach', keep: [], removed: [gone('1')] });
  });

  it('leaves customers not linked to the store, already erased, or merged away', () => {
    expect(planShopRedact(profile({ platformIds: [other('7')] }), SHOP)).toEqual({ action: 'none' });
    expect(planShopRedact(profile({}), SHOP)).toEqual({ action: 'none' });
    expect(planShopRedact(profile({ platformIds: [], erasedAt: '2026-01-01T00:00:00.000Z' }), SHOP)).toEqual({ action: 'none' });
    expect(planShopRedact(profile({ platformIds: [gone('1')], status: 'merged' }), SHOP)).toEqual({ action: 'none' });
  });

  it('compares platform and store case-insensitively, as identity keys do', () => {
    expect(isOfStore({ platform: 'Shopify', store: 'GONE.myshopify.com' }, SHOP)).toBe(true);
    expect(isOfStore({ platform: 'shopify', store: 'gone.myshopify.co' }, SHOP)).toBe(false);
    expect(planShopRedact(profile({ platformIds: [{ platform: 'SHOPIFY', store: 'Gone.MyShopify.com', id: '1' }] }), SHOP).action).toBe('erase');
  });
});

describe('the shop erasure request', () => {
  it('derives one child request id per parent and customer, a valid id, different across parents and customers', () => {
    const a = requestIdFrom(shopChildSeed('P1', 'C1'));
    expect(a).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(requestIdFrom(shopChildSeed('P1', 'C1'))).toBe(a);
    expect(new Set([a, requestIdFrom(shopChildSeed('P1', 'C2')), requestIdFrom(shopChildSeed('P2', 'C1'))]).size).toBe(3);
    expect(a).not.toBe(requestIdFrom('platform:P1'));
  });

  it('reports customers erased, customers detached, the identities detached and their store records scrubbed', () => {
    const subjects = [
      { action: 'erased' as const, identities: 1 },
      { action: 'detached' as const, identities: 2, records: 3 },
      { action: 'erased' as const, identities: 2 },
      { action: 'detached' as const, identities: 1 },
    ];
    expect(shopRedactResult(subjects, 40)).toEqual({ customersVisited: 40, customersErased: 2, customersDetached: 2, identitiesDetached: 3, storeRecordsScrubbed: 3 });
    expect(shopRedactResult([], 0)).toEqual({ customersVisited: 0, customersErased: 0, customersDetached: 0, identitiesDetached: 0, storeRecordsScrubbed: 0 });
  });

  it("knows a timeline record the store sent: by its own platform and store, or its identity's, in any case", () => {
    expect(isStoreRecord({ entity: 'order', platform: 'shopify', store: 'gone.myshopify.com' }, SHOP)).toBe(true);
    expect(isStoreRecord({ entity: 'order', platform: 'Shopify', store: 'GONE.myshopify.com' }, SHOP)).toBe(true);
    expect(isStoreRecord({ entity: 'interaction', identity: { platform: 'shopify', store: 'gone.myshopify.com' } }, SHOP)).toBe(true);
    expect(isStoreRecord({ entity: 'order', platform: 'shopify', store: 'still.myshopify.com' }, SHOP)).toBe(false);
    expect(isStoreRecord({ entity: 'order', platform: 'woocommerce', store: 'gone.myshopify.com' }, SHOP)).toBe(false);
    expect(isStoreRecord({ entity: 'interaction', type: 'call' }, SHOP)).toBe(false);
    expect(isStoreRecord({ entity: 'order', platform: 7, store: null }, SHOP)).toBe(false);
  });

  it('is a kind of request no caller can ask for through the API', () => {
    expect(PRIVACY_KINDS).toContain('shop-erasure');
    expect(SUBJECT_PRIVACY_KINDS).not.toContain('shop-erasure');
  });
});
