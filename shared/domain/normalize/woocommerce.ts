import * as z from 'zod/mini';
import { IngestError, type IdentityHints, type IngestItem, type NormalizedOrder, type OrderLine, type OrderStatus, type RawDelivery } from '../ingest';
import { parseJsonLossless } from '../lossless-json';
import { toMinor } from '../money';
import { amount, firstTime, identityHints, lazy, minorOr0, optText, parseWith, platformId, type NormalizeOptions } from './common';

/**
 * WooCommerce webhook bodies (the REST API v3 order and customer JSON) → platform-neutral items.
 * Woo's `*_gmt` times are UTC without a zone designator; the others are the site's local time
 * and are never read.
 */
const PLATFORM = 'woocommerce';

const address = () =>
  z.object({ first_name: optText(), last_name: optText(), email: optText(), phone: optText(), city: optText(), country: optText() });

const wooOrder = lazy(() =>
  z.object({
    id: platformId(),
    number: z.nullish(z.union([z.string(), z.int()])),
    status: z.string(),
    currency: z.string(),
    created_via: optText(),
    date_created_gmt: optText(),
    date_modified_gmt: optText(),
    date_paid_gmt: optText(),
    customer_id: z.nullish(platformId()),
    billing: z.nullish(address()),
    shipping: z.nullish(address()),
    total: amount(),
    discount_total: z.nullish(amount()),
    shipping_total: z.nullish(amount()),
    total_tax: z.nullish(amount()),
    line_items: z._default(
      z.array(z.object({ name: optText(), product_id: z.nullish(platformId()), sku: optText(), quantity: z.int().check(z.minimum(0)), subtotal: amount() })),
      [],
    ),
    coupon_lines: z.nullish(z.array(z.object({ code: z.string() }))),
    refunds: z.nullish(z.array(z.object({ id: platformId(), total: amount() }))),
  }),
);
type WooOrder = z.infer<ReturnType<typeof wooOrder>>;

const wooCustomer = lazy(() =>
  z.object({
    id: platformId(),
    email: optText(),
    first_name: optText(),
    last_name: optText(),
    date_created_gmt: optText(),
    date_modified_gmt: optText(),
    billing: z.nullish(address()),
    shipping: z.nullish(address()),
  }),
);

/** Woo statuses → ours. Statuses added by plugins: paid when Woo recorded a payment, else pending. */
const STATUS: Record<string, OrderStatus> = {
  pending: 'pending',
  'on-hold': 'pending',
  'checkout-draft': 'pending',
  processing: 'paid',
  completed: 'fulfilled',
  cancelled: 'cancelled',
  failed: 'cancelled',
  refunded: 'refunded',
};
/** `created_via` → channel, named as Shopify's `source_name` would name it. */
const CHANNEL: Record<string, string> = { checkout: 'web', 'store-api': 'web', admin: 'admin', 'rest-api': 'api' };

type Address = z.infer<ReturnType<typeof address>>;
type Ctx = { store: string; d: RawDelivery; opts: NormalizeOptions };

export function normalizeWooCommerce(d: RawDelivery, opts: NormalizeOptions): IngestItem[] {
  const topic = d.topic.trim().toLowerCase();
  const ctx: Ctx = { store: d.sourceId, d, opts };
  if (topic === 'order.created' || topic === 'order.updated') return [{ type: 'order', order: order(parseWith(wooOrder(), parseJsonLossless(d.body)), ctx) }];
  if (topic === 'customer.created' || topic === 'customer.updated') {
    const c = parseWith(wooCustomer(), parseJsonLossless(d.body));
    const identity = hints(c.id, [c.email], [c.first_name, c.last_name], c.billing, c.shipping, ctx);
    return [{ type: 'customer', identity, occurredAt: firstTime([[c.date_modified_gmt, 'date_modified_gmt'], [c.date_created_gmt, 'date_created_gmt']], d.receivedAt, true) }];
  }
  return [{ type: 'ignored', reason: `woocommerce topic ${JSON.stringify(d.topic)} is not ingested` }];
}

function hints(
  id: string | null | undefined,
  emails: (string | null | undefined)[],
  name: (string | null | undefined)[],
  billing: Address | null | undefined,
  shipping: Address | null | undefined,
  ctx: Ctx,
): IdentityHints {
  return identityHints(
    { platform: PLATFORM, store: ctx.store, sourceChannel: PLATFORM },
    {
      id: id && id !== '0' ? id : undefined, // customer_id 0 is a guest
      emails: [...emails, billing?.email],
      phones: [billing, shipping].map((a) => ({ raw: a?.phone, region: a?.country })),
      names: [name, [billing?.first_name, billing?.last_name], [shipping?.first_name, shipping?.last_name]],
      city: billing?.city || shipping?.city,
      country: billing?.country || shipping?.country,
    },
    ctx.opts,
  );
}

function order(o: WooOrder, ctx: Ctx): NormalizedOrder {
  const cur = o.currency.trim().toUpperCase();
  const totalMinor = toMinor(o.total, cur, 'total', { currencyField: 'currency' });
  const placedAt = firstTime([[o.date_created_gmt, 'date_created_gmt']], '', true);
  if (!placedAt) throw new IngestError('is required', 'date_created_gmt');
  const lines: OrderLine[] = o.line_items.map((l, i) => {
    const sub = toMinor(l.subtotal, cur, `line_items.${i}.subtotal`);
    // Woo gives the line subtotal (before discounts); its `price` is a float after discounts.
    const line: OrderLine = { product: l.name?.trim() || 'untitled', quantity: l.quantity, unitPriceMinor: l.quantity ? Math.round(sub / l.quantity) : 0 };
    if (l.sku?.trim()) line.sku = l.sku.trim();
    if (l.product_id && l.product_id !== '0') line.productId = l.product_id;
    return line;
  });
  const subtotalMinor = o.line_items.reduce((s, l, i) => s + toMinor(l.subtotal, cur, `line_items.${i}.subtotal`), 0);
  // Woo records refunds as negative totals.
  const refundedMinor = (o.refunds ?? []).reduce((s, r, i) => s + Math.abs(toMinor(r.total, cur, `refunds.${i}.total`, { allowNegative: true })), 0);
  let status = STATUS[o.status] ?? (o.date_paid_gmt ? 'paid' : 'pending');
  if (refundedMinor > 0 && (status === 'paid' || status === 'fulfilled')) status = 'partially_refunded';
  const out: NormalizedOrder = {
    platform: PLATFORM,
    store: ctx.store,
    orderId: o.id,
    identity: hints(o.customer_id, [], [], o.billing, o.shipping, ctx),
    placedAt,
    updatedAt: firstTime([[o.date_modified_gmt, 'date_modified_gmt']], placedAt, true),
    status,
    currency: cur,
    totalMinor,
    subtotalMinor,
    discountMinor: minorOr0(o.discount_total, cur, 'discount_total'),
    taxMinor: minorOr0(o.total_tax, cur, 'total_tax'),
    shippingMinor: minorOr0(o.shipping_total, cur, 'shipping_total'),
    refundedMinor,
    lines,
    discountCodes: (o.coupon_lines ?? []).map((c) => c.code.trim()).filter(Boolean),
    channel: CHANNEL[o.created_via ?? ''] ?? (o.created_via?.trim() || 'unknown'),
  };
  if (o.number !== null && o.number !== undefined && String(o.number)) out.orderNumber = String(o.number);
  return out;
}
