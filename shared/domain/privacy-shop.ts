import type { Customer, PlatformId } from './customer';

/**
 * Shopify's `shop/redact` (issue 7): 48 hours after a store uninstalled the app, the app must
 * erase what it holds about that store's customers. Pure rules of that request; the job that
 * walks the customers is shared/usecases/privacy/shop-redact.ts.
 *
 * A customer is linked to a store by their platform ids (`platformIds`: platform, store, id; their
 * blind-index identity items `ID#platform#<hash>`). What the request does to one customer:
 * - `erase`: every link they have is to that store: the customer exists here only because of it,
 *   so they are erased through the ordinary per-customer erasure (all its rules apply);
 * - `detach`: they are also linked elsewhere — another store, another platform, or the brand's
 *   own systems (an `externalId`) — so the profile stays and only that store's platform ids (and
 *   their identity claims) are removed;
 * - `none`: not linked to the store, already erased, or merged away (the profile it went into
 *   carries its platform ids and is judged itself).
 */
export interface ShopRef {
  platform: string;
  store: string;
}

export type ShopRedactPlan = { action: 'none' } | { action: 'erase'; removed: PlatformId[] } | { action: 'detach'; keep: PlatformId[]; removed: PlatformId[] };

/** Platform and store compare case-insensitively, as the identity keys do (`platformIdentity`). */
export const isOfStore = (p: Pick<PlatformId, 'platform' | 'store'>, shop: ShopRef): boolean =>
  p.platform.toLowerCase() === shop.platform.toLowerCase() && p.store.toLowerCase() === shop.store.toLowerCase();

export function planShopRedact(c: Pick<Customer, 'platformIds' | 'externalId' | 'erasedAt' | 'status'>, shop: ShopRef): ShopRedactPlan {
  if (c.erasedAt || c.status === 'merged') return { action: 'none' };
  const ids = c.platformIds ?? [];
  const removed = ids.filter((p) => isOfStore(p, shop));
  if (removed.length === 0) return { action: 'none' };
  const keep = ids.filter((p) => !isOfStore(p, shop));
  if (keep.length > 0 || c.externalId) return { action: 'detach', keep, removed };
  return { action: 'erase', removed };
}

/**
 * Whether a record on a detached customer's timeline came from the store (an order or checkout
 * entry names its platform and store, at the top or in its `identity`): such records keep their
 * amounts, products and dates for the reports but lose the contact details the store sent.
 */
export function isStoreRecord(item: Record<string, unknown>, shop: ShopRef): boolean {
  const named = (o: unknown): boolean => {
    const r = o as { platform?: unknown; store?: unknown } | undefined;
    return typeof r?.platform === 'string' && typeof r.store === 'string' && isOfStore({ platform: r.platform, store: r.store }, shop);
  };
  return named(item) || named(item.identity);
}

/** What the request did to one customer (one record per customer under the request). */
export interface ShopRedactSubject {
  customerId: string;
  action: 'erased' | 'detached';
  /** The customer's own erasure request (an `erased` customer). */
  childRequestId?: string;
  /** Identity links of the store removed (platform ids). */
  identities: number;
  /** A detached customer's timeline records from the store whose contact details were removed. */
  records?: number;
  at: string;
}

/** The seed of a customer's erasure request under a shop erasure: the same parent and customer, the same request. */
export const shopChildSeed = (parentId: string, customerId: string) => `shop-erasure:${parentId}:${customerId}`;

/** The counts a completed shop erasure reports (`result`). */
export function shopRedactResult(subjects: readonly Pick<ShopRedactSubject, 'action' | 'identities' | 'records'>[], visited: number): Record<string, number> {
  let erased = 0;
  let detached = 0;
  let identities = 0;
  let records = 0;
  for (const s of subjects) {
    if (s.action === 'erased') erased++;
    else {
      detached++;
      identities += s.identities;
      records += s.records ?? 0;
    }
  }
  return { customersVisited: visited, customersErased: erased, customersDetached: detached, identitiesDetached: identities, storeRecordsScrubbed: records };
}
