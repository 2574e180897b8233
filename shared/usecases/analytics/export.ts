import { addDays } from '../../domain/analytics/period';
import { completeness } from '../../domain/analytics/value';
import type { StoredOrder } from '../../domain/orders';
import { contribution } from '../../domain/orders';
import type { Deps } from '../../runtime/deps';
import { AnalyticsRunsRepo } from '../../store/analytics-runs-repo';
import { lakeObjectKey } from '../../store/keys';
import { repoOf } from '../../store/repo-of';
import { EVENT_LOG_DAYS, RollupsRepo } from '../../store/rollups-repo';
import { PartWriter, type LakeStore } from './lake';
import { scanCustomerItems } from './scan';

/**
 * The full export to the lake (daily, and on demand): every live customer (pseudonymous: no name,
 * e-mail, phone, birthday or external id) and every order of a live customer as of the run day,
 * each a full snapshot under `dt=<run day>`; and the events the analytics consumers logged, one
 * partition per day they arrived, for the complete days since the last export (at most the log's
 * retention). Rows follow the tables in shared/domain/analytics/lake-tables.ts.
 */
export interface ExportResult {
  asOf: string;
  customers: number;
  orders: number;
  events: number;
  eventDays: string[];
  objects: string[];
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function orderRow(o: StoredOrder, customerId: string): Record<string, unknown> {
  const c = contribution(o);
  return {
    order_id: o.orderId,
    platform: o.platform,
    store: o.store,
    customer_id: customerId,
    order_number: o.orderNumber ?? null,
    placed_at: o.placedAt,
    updated_at: o.updatedAt,
    status: o.status,
    currency: o.currency,
    total_minor: o.totalMinor,
    net_minor: c?.netMinor ?? 0,
    refunded_minor: c?.refundedMinor ?? Math.max(o.refundedMinor ?? 0, Object.values(o.refunds ?? {}).reduce((a, b) => a + b, 0)),
    discount_minor: o.discountMinor ?? 0,
    tax_minor: o.taxMinor ?? 0,
    shipping_minor: o.shippingMinor ?? 0,
    channel: o.channel ?? null,
    units: o.lines.reduce((s, l) => s + (Number.isInteger(l.quantity) ? l.quantity : 0), 0),
    discount_codes: o.discountCodes ?? [],
    lines: o.lines.map((l) => ({ product: l.product, category: l.category ?? null, sku: l.sku ?? null, quantity: l.quantity, unit_price_minor: l.unitPriceMinor })),
  };
}

export function customerRow(customerId: string, p: Record<string, unknown>, state: Record<string, unknown> | undefined, agg: Record<string, unknown> | undefined): Record<string, unknown> {
  const rfm = state?.rfm as { group?: string; code?: string } | undefined;
  const pred = state?.predictions as { churnRisk?: number; clvMinor?: number } | undefined;
  return {
    customer_id: customerId,
    created_at: str(p.createdAt),
    updated_at: str(p.updatedAt),
    source_channel: str(p.sourceChannel),
    store: str(p.store),
    country: str(p.country),
    region: str(p.region),
    city: str(p.city),
    gender: str(p.gender),
    tags: Array.isArray(p.tags) ? p.tags.filter((t): t is string => typeof t === 'string') : [],
    has_email: typeof p.email === 'string' && p.email.length > 0,
    has_phone: typeof p.phone === 'string' && p.phone.length > 0,
    completeness: Math.round(completeness(p) * 1000) / 1000,
    lifecycle: str(state?.lifecycle),
    tier: str(state?.tier),
    rfm_group: str(rfm?.group),
    rfm_code: str(rfm?.code),
    churn_risk: num(pred?.churnRisk),
    predicted_clv_minor: typeof pred?.clvMinor === 'number' ? Math.round(pred.clvMinor) : null,
    order_count: typeof agg?.orderCount === 'number' ? agg.orderCount : 0,
    spent_minor: (agg?.spentMinor as Record<string, number> | undefined) ?? {},
    first_order_at: str(agg?.firstOrderAt),
    last_order_at: str(agg?.lastOrderAt),
  };
}

/** The event days to write: those after the checkpoint up to yesterday (at most the log's retention), or the asked range. */
export function eventDaysToWrite(today: string, checkpoint: string | undefined, asked?: { from: string; to: string }): string[] {
  const yesterday = addDays(today, -1);
  const oldest = addDays(today, -(EVENT_LOG_DAYS - 1));
  let from = asked?.from ?? (checkpoint ? addDays(checkpoint, 1) : addDays(today, -1));
  const to = asked?.to && asked.to < yesterday ? asked.to : yesterday;
  if (from < oldest) from = oldest;
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

export async function runLakeExport(deps: Deps, lake: LakeStore, opts: { asOf?: string; eventDays?: { from: string; to: string } } = {}): Promise<ExportResult> {
  const today = deps.clock.now().toISOString().slice(0, 10);
  const asOf = opts.asOf ?? today;
  const runs = repoOf(deps, AnalyticsRunsRepo);
  const orders = new PartWriter(lake, (part) => lakeObjectKey('orders', asOf, part));
  const profiles = new Map<string, { p?: Record<string, unknown>; state?: Record<string, unknown>; agg?: Record<string, unknown> }>();
  const pending: { order: StoredOrder; customerId: string }[] = [];
  const entry = (id: string) => profiles.get(id) ?? (profiles.set(id, {}).get(id) as { p?: Record<string, unknown>; state?: Record<string, unknown>; agg?: Record<string, unknown> });
  await scanCustomerItems(deps.db, (i) => {
    if (i.kind === 'order') pending.push({ order: i.order, customerId: i.customerId });
    else if (i.kind === 'profile') entry(i.customerId).p = i.item;
    else if (i.kind === 'state') entry(i.customerId).state = i.item;
    else entry(i.customerId).agg = i.item;
  });
  const isLive = (id: string) => profiles.get(id)?.p?.status === 'active';
  for (const { order, customerId } of pending.sort((a, b) => (a.order.placedAt < b.order.placedAt ? -1 : 1))) if (isLive(customerId)) await orders.add(orderRow(order, customerId));
  const customers = new PartWriter(lake, (part) => lakeObjectKey('customers', asOf, part));
  for (const [id, e] of [...profiles].sort(([a], [b]) => a.localeCompare(b))) if (e.p && isLive(id)) await customers.add(customerRow(id, e.p, e.state, e.agg));
  const objects = [...(await customers.close()), ...(await orders.close())];

  const days = eventDaysToWrite(today, await runs.lakeCheckpoint(), opts.eventDays);
  let events = 0;
  for (const day of days) {
    const w = new PartWriter(lake, (part) => lakeObjectKey('events', day, part));
    for (const e of await repoOf(deps, RollupsRepo).eventsOfDay(day)) await w.add({ event_id: e.id, type: e.type, occurred_at: e.occurredAt, received_at: e.receivedAt, subject: e.subject, data: JSON.stringify(e.data) });
    events += w.written;
    objects.push(...(await w.close()));
  }
  if (days.length && !opts.eventDays) await runs.setLakeCheckpoint(days[days.length - 1]!);
  return { asOf, customers: customers.written, orders: orders.written, events, eventDays: days, objects };
}
