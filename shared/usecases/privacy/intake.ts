import type { PrivacyKind } from '../../domain/privacy';
import { NotFoundError } from '../../domain/errors';
import type { Ctx } from '../customers';
import { createPrivacyRequest, requestIdFrom } from './requests';
import { createShopErasureRequest } from './shop-redact';

/** Which request a platform's privacy webhook about one customer asks for. */
const KIND_OF: Record<string, PrivacyKind> = { data_request: 'export', customer_redact: 'erasure' };

/**
 * A platform's privacy delivery (recorded by the ingest worker, PrivacyRequestReceived) becomes a
 * data-subject request, once per delivery (its id derived from the event id). `shop/redact` (a
 * store uninstalled the app) becomes a `shop-erasure`: the erasure of that store's customers
 * (./shop-redact.ts). A request about someone the CRM never knew has nothing to export or erase.
 */
export async function intakePlatformRequest(ctx: Ctx, eventId: string, data: { request: string; platform: string; store: string; customerId?: string }): Promise<string> {
  const id = requestIdFrom(`platform:${eventId}`);
  if (data.request === 'shop_redact') {
    const r = await createShopErasureRequest(ctx, { id, platform: data.platform, store: data.store });
    return `shop-erasure request ${r.id}`;
  }
  const kind = KIND_OF[data.request];
  if (!kind) return `not a customer request (${data.request}): recorded only`;
  if (!data.customerId) return 'no such customer here: nothing held';
  try {
    const r = await createPrivacyRequest(ctx, { id, kind, customerId: data.customerId, source: { kind: 'platform', platform: data.platform, store: data.store, request: data.request } });
    return `${kind} request ${r.id}`;
  } catch (e) {
    if (e instanceof NotFoundError) return 'the customer is gone: nothing held';
    throw e;
  }
}
