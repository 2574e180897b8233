import { normalizeEmail, normalizePhone } from '../identity';
import { IngestError, type IdentityHints, type IngestItem, type NormalizedOrder, type OrderLine, type RawDelivery } from '../ingest';
import { parseJsonLossless } from '../lossless-json';
import { toMinor } from '../money';
import { parseWith, type NormalizeOptions } from './common';
import { genericData, genericEnvelope, type GenericCustomer, type GenericData, type GenericType } from './generic-schema';

/**
 * The generic webhook (`{ id, type, occurredAt, data }`, docs/generic-webhook.md) → items. Unlike
 * the platform normalizers this one is strict: the sender writes to our contract, so a bad email,
 * an unknown currency or a date out of range is an error naming the field, never dropped.
 */
const EARLIEST = Date.parse('1990-01-01T00:00:00Z');
const DAY = 86_400_000;

type Ctx = { store: string; occurredAt: string; opts: NormalizeOptions };

export function normalizeGeneric(d: RawDelivery, opts: NormalizeOptions): IngestItem[] {
  const env = parseWith(genericEnvelope(), parseJsonLossless(d.body));
  const received = Date.parse(d.receivedAt);
  const occurred = env.occurredAt === undefined ? received : Date.parse(env.occurredAt);
  if (Number.isNaN(occurred)) throw new IngestError('is required (the delivery has no receivedAt either)', 'occurredAt');
  if (occurred < EARLIEST) throw new IngestError('must not be before 1990-01-01', 'occurredAt');
  if (!Number.isNaN(received) && occurred > received + DAY) throw new IngestError('must not be more than 1 day after the delivery was received', 'occurredAt');
  const ctx: Ctx = { store: d.sourceId, occurredAt: new Date(occurred).toISOString(), opts };
  return [toItem(env.type, parseWith(genericData()[env.type], env.data, 'data') as GenericData[GenericType], ctx)];
}

/** A data time in range: not before 1990, not more than a day after the envelope's occurredAt. */
function time(v: string | undefined, field: string, ctx: Ctx): string | undefined {
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  if (t < EARLIEST) throw new IngestError('must not be before 1990-01-01', `data.${field}`);
  if (t > Date.parse(ctx.occurredAt) + DAY) throw new IngestError('must not be more than 1 day after occurredAt', `data.${field}`);
  return new Date(t).toISOString();
}

const minor = (v: string | number | undefined, currency: string, field: string): number =>
  v === undefined ? 0 : toMinor(v, currency, `data.${field}`, { currencyField: 'data.currency' });

function identity(origin: { platform?: string; store?: string }, c: GenericCustomer | undefined, field: string, ctx: Ctx): IdentityHints {
  const platform = origin.platform ?? 'generic';
  const h: IdentityHints = { platform, store: origin.store ?? ctx.store, sourceChannel: c?.sourceChannel ?? platform };
  if (!c) return h;
  if (c.id) h.platformCustomerId = c.id;
  if (c.email !== undefined) {
    const r = normalizeEmail(c.email);
    if (!r.ok) throw new IngestError(r.reason, `data.${field}.email`);
    h.email = r.value;
  }
  if (c.phone !== undefined) {
    const r = normalizePhone(c.phone, ctx.opts.defaultPhoneRegion);
    if (!r.ok) throw new IngestError(`${r.reason} (read with default region ${ctx.opts.defaultPhoneRegion})`, `data.${field}.phone`);
    h.phone = r.value;
  }
  if (!h.platformCustomerId && !h.email && !h.phone) throw new IngestError('must have at least one of id, email or phone', `data.${field}`);
  for (const k of ['name', 'city', 'country', 'acceptsMarketing'] as const) if (c[k] !== undefined) (h as unknown as Record<string, unknown>)[k] = c[k];
  return h;
}

function orderLines(ls: GenericData['order.upsert']['lines'], currency: string): OrderLine[] {
  return (ls ?? []).map((l, i) => {
    const out: OrderLine = { product: l.product, quantity: l.quantity, unitPriceMinor: minor(l.unitPrice, currency, `lines.${i}.unitPrice`) };
    if (l.sku) out.sku = l.sku;
    if (l.productId) out.productId = l.productId;
    if (l.category) out.category = l.category;
    return out;
  });
}

function order(o: GenericData['order.cancelled'], status: NormalizedOrder['status'], ctx: Ctx): NormalizedOrder {
  const lines = orderLines(o.lines, o.currency);
  const out: NormalizedOrder = {
    platform: o.platform ?? 'generic',
    store: o.store ?? ctx.store,
    orderId: o.orderId,
    identity: identity(o, o.customer, 'customer', ctx),
    placedAt: time(o.placedAt, 'placedAt', ctx) as string,
    updatedAt: time(o.updatedAt, 'updatedAt', ctx) ?? ctx.occurredAt,
    status,
    currency: o.currency,
    totalMinor: minor(o.total, o.currency, 'total'),
    subtotalMinor: o.subtotal === undefined ? lines.reduce((s, l) => s + l.quantity * l.unitPriceMinor, 0) : minor(o.subtotal, o.currency, 'subtotal'),
    discountMinor: minor(o.discount, o.currency, 'discount'),
    taxMinor: minor(o.tax, o.currency, 'tax'),
    shippingMinor: minor(o.shipping, o.currency, 'shipping'),
    refundedMinor: minor(o.refunded, o.currency, 'refunded'),
    lines,
    discountCodes: o.discountCodes ?? [],
    channel: o.channel ?? 'web',
  };
  if (o.orderNumber) out.orderNumber = o.orderNumber;
  if (o.checkoutId) out.checkoutId = o.checkoutId;
  return out;
}

function toItem(type: GenericType, data: GenericData[GenericType], ctx: Ctx): IngestItem {
  switch (type) {
    case 'customer.upsert': {
      const c = data as GenericData['customer.upsert'];
      return { type: 'customer', identity: identity(c, c.customer, 'customer', ctx), occurredAt: ctx.occurredAt };
    }
    case 'order.upsert': {
      const o = data as GenericData['order.upsert'];
      return { type: 'order', order: order(o, o.status, ctx) };
    }
    case 'order.cancelled':
      return { type: 'order', order: order(data as GenericData['order.cancelled'], 'cancelled', ctx) };
    case 'refund.created': {
      const r = data as GenericData['refund.created'];
      return {
        type: 'refund',
        platform: r.platform ?? 'generic',
        store: r.store ?? ctx.store,
        orderId: r.orderId,
        refundId: r.refundId,
        amountMinor: minor(r.amount, r.currency, 'amount'),
        currency: r.currency,
        occurredAt: time(r.createdAt, 'createdAt', ctx) ?? ctx.occurredAt,
      };
    }
    case 'checkout.upsert': {
      const c = data as GenericData['checkout.upsert'];
      const occurredAt = time(c.createdAt, 'createdAt', ctx) ?? ctx.occurredAt;
      const item: Extract<IngestItem, { type: 'checkout' }> = {
        type: 'checkout',
        platform: c.platform ?? 'generic',
        store: c.store ?? ctx.store,
        checkoutId: c.checkoutId,
        identity: identity(c, c.customer, 'customer', ctx),
        currency: c.currency,
        totalMinor: minor(c.total, c.currency, 'total'),
        lines: orderLines(c.lines, c.currency),
        occurredAt,
        updatedAt: time(c.updatedAt, 'updatedAt', ctx) ?? ctx.occurredAt,
      };
      if (c.completedOrderId) item.completedOrderId = c.completedOrderId;
      return item;
    }
    case 'aftersales.request': {
      const a = data as GenericData['aftersales.request'];
      if (a.amount !== undefined && !a.currency) throw new IngestError('is required with amount', 'data.currency');
      const item: Extract<IngestItem, { type: 'aftersales' }> = {
        type: 'aftersales',
        platform: a.platform ?? 'generic',
        store: a.store ?? ctx.store,
        requestId: a.requestId,
        kind: a.kind,
        identity: identity(a, a.customer, 'customer', ctx),
        reason: a.reason,
        occurredAt: time(a.createdAt, 'createdAt', ctx) ?? ctx.occurredAt,
      };
      if (a.orderId) item.orderId = a.orderId;
      if (a.priority) item.priority = a.priority;
      if (a.amount !== undefined && a.currency) {
        item.amountMinor = minor(a.amount, a.currency, 'amount');
        item.currency = a.currency;
      }
      return item;
    }
    case 'behaviour': {
      const b = data as GenericData['behaviour'];
      const item: Extract<IngestItem, { type: 'behaviour' }> = { type: 'behaviour', identity: identity(b, b.customer, 'customer', ctx), action: b.action, occurredAt: ctx.occurredAt };
      if (b.product) item.product = b.product;
      if (b.category) item.category = b.category;
      if (b.note) item.note = b.note;
      return item;
    }
  }
}
