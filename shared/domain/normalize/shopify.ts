import { IngestError, type IdentityHints, type IngestItem, type NormalizedOrder, type OrderLine, type OrderStatus, type RawDelivery } from '../ingest';
import { parseJsonLossless } from '../lossless-json';
import { toMinor } from '../money';
import { firstTime, identityHints, minorOr0, parseWith, utcIso, type NormalizeOptions } from './common';
import {
  shopifyCheckout,
  shopifyCustomer,
  shopifyOrder,
  shopifyPrivacy,
  shopifyRefund,
  type ShopifyAddress,
  type ShopifyCustomer,
  type ShopifyLine,
  type ShopifyOrder,
  type ShopifyRefund,
} from './shopify-schema';

/** Shopify webhook bodies (REST JSON, any recent API version) → platform-neutral items. */
const PLATFORM = 'shopify';
const ORDER_TOPICS = new Set(['orders/create', 'orders/updated', 'orders/paid', 'orders/cancelled']);
const PRIVACY = { 'customers/data_request': 'data_request', 'customers/redact': 'customer_redact', 'shop/redact': 'shop_redact' } as const;

type Ctx = { store: string; d: RawDelivery; opts: NormalizeOptions };

export function normalizeShopify(d: RawDelivery, opts: NormalizeOptions): IngestItem[] {
  const topic = d.topic.trim().toLowerCase();
  const known = ORDER_TOPICS.has(topic) || topic in PRIVACY || /^(refunds\/create|customers\/(create|update)|checkouts\/(create|update))$/.test(topic);
  if (!known) return [{ type: 'ignored', reason: `shopify topic ${JSON.stringify(d.topic)} is not ingested` }];
  const body = parseJsonLossless(d.body);
  const ctx: Ctx = { store: d.sourceId, d, opts };
  if (ORDER_TOPICS.has(topic)) return [{ type: 'order', order: order(parseWith(shopifyOrder(), body), ctx) }];
  if (topic === 'refunds/create') return refundItems(parseWith(shopifyRefund(), body), ctx);
  if (topic.startsWith('customers/') && !(topic in PRIVACY)) {
    const c = parseWith(shopifyCustomer(), body);
    return [{ type: 'customer', identity: customerIdentity(c, {}, ctx), occurredAt: firstTime([[c.updated_at, 'updated_at'], [c.created_at, 'created_at']], d.receivedAt) }];
  }
  if (topic.startsWith('checkouts/')) return [checkout(body, ctx)];
  return [privacy(PRIVACY[topic as keyof typeof PRIVACY], body, ctx)];
}

const addr = (a: ShopifyAddress | unknown[] | null | undefined): ShopifyAddress | undefined => (a && !Array.isArray(a) ? a : undefined);

/** Marketing consent: the customer's current email consent, else the legacy flags. */
function acceptsMarketing(c: ShopifyCustomer | null | undefined, buyerAccepts: boolean | null | undefined): boolean | undefined {
  const state = c?.email_marketing_consent?.state;
  if (state === 'subscribed') return true;
  if (state === 'unsubscribed' || state === 'not_subscribed') return false;
  return c?.accepts_marketing ?? buyerAccepts ?? undefined;
}

interface Extra {
  email?: string | null;
  phone?: string | null;
  billing?: ShopifyAddress;
  shipping?: ShopifyAddress;
  buyerAcceptsMarketing?: boolean | null;
}

function customerIdentity(c: ShopifyCustomer | null | undefined, x: Extra, ctx: Ctx): IdentityHints {
  const home = addr(c?.default_address);
  const place = home ?? x.billing ?? x.shipping;
  return identityHints(
    { platform: PLATFORM, store: ctx.store, sourceChannel: PLATFORM },
    {
      id: c?.id,
      emails: [c?.email, x.email],
      // Shopify keeps customer phones in E.164; address phones are read in the address's country.
      phones: [
        { raw: c?.phone },
        { raw: x.phone },
        ...[home, x.billing, x.shipping].map((a) => ({ raw: a?.phone, region: a?.country_code })),
      ],
      names: [[c?.first_name, c?.last_name], [place?.first_name, place?.last_name], [place?.name]],
      city: place?.city,
      country: place?.country_code,
      acceptsMarketing: acceptsMarketing(c, x.buyerAcceptsMarketing),
    },
    ctx.opts,
  );
}

function lines(items: ShopifyLine[], currency: string, root: string): OrderLine[] {
  return items.map((l, i) => {
    const out: OrderLine = {
      product: l.title?.trim() || l.name?.trim() || 'untitled',
      quantity: l.quantity,
      unitPriceMinor: toMinor(l.price, currency, `${root}.${i}.price`),
    };
    if (l.sku?.trim()) out.sku = l.sku.trim();
    if (l.product_id) out.productId = l.product_id;
    if (l.product_type?.trim()) out.category = l.product_type.trim();
    return out;
  });
}

/**
 * Money a refund returned: the sum of its successful refund transactions. When it has no refund
 * transaction at all, or they are in another currency than `currency` (a multi-currency shop pays
 * refunds in the presentment currency), the shop-currency value of its refunded lines with their
 * tax. Pending or failed refund transactions only: nothing yet.
 */
function refundAmount(r: ShopifyRefund, currency: string | undefined, root: string): { amountMinor: number; currency?: string } {
  const refunds = (r.transactions ?? []).filter((t) => t.kind === 'refund');
  const paid = refunds.filter((t) => t.status === 'success' && t.amount !== null && t.amount !== undefined);
  const txCurrency = paid[0]?.currency?.toUpperCase() ?? currency;
  if (paid.length && txCurrency && (!currency || currency === txCurrency) && paid.every((t) => (t.currency?.toUpperCase() ?? txCurrency) === txCurrency)) {
    const amountMinor = paid.reduce((s, t) => s + toMinor(t.amount ?? 0, txCurrency, `${root}transactions.${r.transactions?.indexOf(t)}.amount`), 0);
    return { amountMinor, currency: txCurrency };
  }
  if (refunds.length && !paid.length) return { amountMinor: 0 }; // pending or failed: no money has moved yet
  let shopCurrency = currency;
  let amountMinor = 0;
  (r.refund_line_items ?? []).forEach((l, i) => {
    const sub = l.subtotal_set?.shop_money;
    const tax = l.total_tax_set?.shop_money;
    shopCurrency ??= sub?.currency_code.toUpperCase();
    if (!shopCurrency) return;
    amountMinor += minorOr0(sub?.amount ?? l.subtotal, shopCurrency, `${root}refund_line_items.${i}.subtotal`);
    amountMinor += minorOr0(tax?.amount ?? l.total_tax, shopCurrency, `${root}refund_line_items.${i}.total_tax`);
  });
  return shopCurrency ? { amountMinor, currency: shopCurrency } : { amountMinor: 0 };
}

function status(o: ShopifyOrder, refundedMinor: number, totalMinor: number): OrderStatus {
  const fs = o.financial_status ?? '';
  if (o.cancelled_at || fs === 'voided') return 'cancelled';
  if (fs === 'refunded') return 'refunded';
  if (fs === 'partially_refunded') return 'partially_refunded';
  if (refundedMinor > 0) return refundedMinor >= totalMinor ? 'refunded' : 'partially_refunded';
  if (fs === 'paid') return o.fulfillment_status === 'fulfilled' ? 'fulfilled' : 'paid';
  return 'pending'; // pending, authorized, partially_paid, unpaid, expired
}

function order(o: ShopifyOrder, ctx: Ctx): NormalizedOrder {
  const cur = o.currency.trim().toUpperCase();
  const opts = { currencyField: 'currency' };
  const totalMinor = toMinor(o.total_price, cur, 'total_price', opts);
  const shipping = o.total_shipping_price_set?.shop_money.amount;
  const shippingMinor =
    shipping !== undefined
      ? toMinor(shipping, cur, 'total_shipping_price_set.shop_money.amount')
      : (o.shipping_lines ?? []).reduce((s, l, i) => s + minorOr0(l.price, cur, `shipping_lines.${i}.price`), 0);
  const refundedMinor = (o.refunds ?? []).reduce((s, r, i) => s + refundAmount(r, cur, `refunds.${i}.`).amountMinor, 0);
  const placedAt = firstTime([[o.created_at, 'created_at'], [o.processed_at, 'processed_at']], '');
  if (!placedAt) throw new IngestError('is required', 'created_at');
  const out: NormalizedOrder = {
    platform: PLATFORM,
    store: ctx.store,
    orderId: o.id,
    identity: customerIdentity(o.customer, {
      email: o.email ?? o.contact_email,
      phone: o.phone,
      billing: addr(o.billing_address),
      shipping: addr(o.shipping_address),
      buyerAcceptsMarketing: o.buyer_accepts_marketing,
    }, ctx),
    placedAt,
    updatedAt: o.updated_at ? utcIso(o.updated_at, 'updated_at') : placedAt,
    status: status(o, refundedMinor, totalMinor),
    currency: cur,
    totalMinor,
    subtotalMinor: minorOr0(o.subtotal_price, cur, 'subtotal_price'),
    discountMinor: minorOr0(o.total_discounts, cur, 'total_discounts'),
    taxMinor: minorOr0(o.total_tax, cur, 'total_tax'),
    shippingMinor,
    refundedMinor,
    lines: lines(o.line_items, cur, 'line_items'),
    discountCodes: (o.discount_codes ?? []).map((c) => c.code.trim()).filter(Boolean),
    channel: o.source_name?.trim() || 'unknown',
  };
  const number = o.name?.trim() || (o.order_number !== null && o.order_number !== undefined ? String(o.order_number) : '');
  if (number) out.orderNumber = number;
  if (o.checkout_id) out.checkoutId = o.checkout_id;
  return out;
}

function refundItems(r: ShopifyRefund, ctx: Ctx): IngestItem[] {
  if (!r.order_id) throw new IngestError('is required', 'order_id');
  // The shop currency, when the refunded lines tell it: a refund paid in another (presentment) currency is valued in it.
  const shopCurrency = r.refund_line_items?.find((l) => l.subtotal_set)?.subtotal_set?.shop_money.currency_code.toUpperCase();
  const { amountMinor, currency } = refundAmount(r, shopCurrency, '');
  if (!currency || amountMinor === 0) return [{ type: 'ignored', reason: `shopify refund ${r.id} returns no money (restock or pending only)` }];
  const occurredAt = firstTime([[r.processed_at, 'processed_at'], [r.created_at, 'created_at']], ctx.d.receivedAt);
  return [{ type: 'refund', platform: PLATFORM, store: ctx.store, orderId: r.order_id, refundId: r.id, amountMinor, currency, occurredAt }];
}

function checkout(body: unknown, ctx: Ctx): IngestItem {
  const c = parseWith(shopifyCheckout(), body);
  const cur = c.currency.trim().toUpperCase();
  const occurredAt = firstTime([[c.created_at, 'created_at']], ctx.d.receivedAt);
  const item: Extract<IngestItem, { type: 'checkout' }> = {
    type: 'checkout',
    platform: PLATFORM,
    store: ctx.store,
    checkoutId: c.id,
    identity: customerIdentity(c.customer, {
      email: c.email,
      phone: c.phone,
      billing: addr(c.billing_address),
      shipping: addr(c.shipping_address),
      buyerAcceptsMarketing: c.buyer_accepts_marketing,
    }, ctx),
    currency: cur,
    totalMinor: toMinor(c.total_price, cur, 'total_price', { currencyField: 'currency' }),
    lines: lines(c.line_items, cur, 'line_items'),
    occurredAt,
    updatedAt: firstTime([[c.updated_at, 'updated_at']], occurredAt),
  };
  const orderId = c.order_id ?? c.order?.id;
  if (c.completed_at && orderId) item.completedOrderId = orderId;
  return item;
}

function privacy(request: 'data_request' | 'customer_redact' | 'shop_redact', body: unknown, ctx: Ctx): IngestItem {
  const p = parseWith(shopifyPrivacy(), body);
  const item: Extract<IngestItem, { type: 'privacy' }> = { type: 'privacy', request, platform: PLATFORM, store: ctx.store, occurredAt: ctx.d.receivedAt };
  if (request !== 'shop_redact' && p.customer) {
    item.identity = identityHints(
      { platform: PLATFORM, store: ctx.store, sourceChannel: PLATFORM },
      { id: p.customer.id, emails: [p.customer.email], phones: [{ raw: p.customer.phone }] },
      ctx.opts,
    );
  }
  return item;
}
