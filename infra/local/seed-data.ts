import { CDNOW, parseCdnow } from '../../shared/domain/cdnow';

/**
 * The seeded brand's data, deterministic from a seed: profiles for CDNOW customers (names, contact
 * details, city, source channel, home store, consent), and their purchases shifted so the log ends
 * yesterday, with sales channels, checkouts for some orders, abandoned carts, refunds and
 * cancellations. Pure: the caller reads the log file and sends what this makes.
 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function weighted<T>(r: () => number, choices: readonly (readonly [T, number])[]): T {
  const total = choices.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [v, w] of choices) if ((x -= w) < 0) return v;
  return choices[choices.length - 1]![0];
}

const SURNAMES = ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Smith', 'Garcia', 'Müller', 'Tanaka', 'Kim', 'Nguyen'];
const GIVEN = ['Wei', 'Fang', 'Min', 'Jing', 'Lei', 'Yan', 'Hui', 'Jun', 'Emma', 'Liam', 'Olivia', 'Noah', 'Sofia', 'Lukas', 'Yuki', 'Minh'];
const CITIES: readonly (readonly [string, string])[] = [['Shanghai', 'CN'], ['Beijing', 'CN'], ['Shenzhen', 'CN'], ['Hangzhou', 'CN'], ['Chengdu', 'CN'], ['Guangzhou', 'CN'], ['New York', 'US'], ['Berlin', 'DE'], ['Tokyo', 'JP'], ['Singapore', 'SG']];
export const SOURCE_CHANNELS = [['web', 35], ['wechat', 20], ['tmall', 15], ['referral', 10], ['paid-search', 12], ['store', 8]] as const;
export const STORES = [['flagship', 70], ['tmall', 30]] as const;
export const SALES_CHANNELS = [['web', 55], ['app', 35], ['pos', 10]] as const;

export interface SeedProfile {
  cdnowId: string;
  store: string;
  body: Record<string, unknown>;
}

export function profileOf(cdnowId: string, r: () => number): SeedProfile {
  const surname = SURNAMES[Math.floor(r() * SURNAMES.length)]!;
  const given = GIVEN[Math.floor(r() * GIVEN.length)]!;
  const [city, country] = CITIES[Math.floor(r() * CITIES.length)]!;
  const store = weighted(r, STORES);
  const consent = r() < 0.85;
  const body: Record<string, unknown> = {
    name: `${given} ${surname}`,
    email: `${given}.${surname}.${cdnowId}@example.com`.toLowerCase().replace(/[^a-z0-9.@]/g, ''),
    city,
    country,
    sourceChannel: weighted(r, SOURCE_CHANNELS),
    store,
    platformIds: [{ platform: CDNOW.platform, store, id: cdnowId }],
    consent: { email: { granted: consent, source: 'signup' } },
    tags: consent ? ['newsletter'] : [],
  };
  if (r() < 0.7) body.phone = `+86 13${String(Math.floor(r() * 1e9)).padStart(9, '0')}`;
  if (r() < 0.6) body.gender = r() < 0.55 ? 'female' : 'male';
  if (r() < 0.4) body.birthday = `${1960 + Math.floor(r() * 40)}-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}`;
  return { cdnowId, store, body };
}

const LOG_END = '1998-06-30';
const DAY = 86_400_000;

/** Whole days to add to a CDNOW date so that the log's last day is `lastDay`. */
export const shiftDays = (lastDay: string) => Math.round((Date.parse(`${lastDay}T00:00:00Z`) - Date.parse(`${LOG_END}T00:00:00Z`)) / DAY);

export interface SeedDelivery {
  /** A generic webhook envelope (order.upsert, checkout.upsert, refund.created, order.cancelled). */
  envelope: Record<string, unknown>;
  cdnowId: string;
}

/**
 * The purchases of the given customers as deliveries in send order: per order, its checkout first
 * (about a third of orders) then the order; abandoned checkouts (one per ~12 orders); refunds of
 * about 2 % and cancellations of about 1 % of the orders (later updates).
 */
export function purchasesOf(logText: string, stores: ReadonlyMap<string, string>, lastDay: string, r: () => number): SeedDelivery[] {
  const shift = shiftDays(lastDay) * DAY;
  const out: SeedDelivery[] = [];
  const later: SeedDelivery[] = [];
  for (const e of parseCdnow(logText)) {
    const data = e.data as Record<string, unknown> & { customer: { id: string }; placedAt: string; orderId: string; total: string; lines: unknown[] };
    const cdnowId = data.customer.id;
    const store = stores.get(cdnowId);
    if (!store) continue;
    const hour = 8 + Math.floor(r() * 14);
    const placed = new Date(Date.parse(data.placedAt) + shift + (hour - 12) * 3_600_000 + Math.floor(r() * 3_600_000));
    const placedAt = placed.toISOString();
    const channel = weighted(r, SALES_CHANNELS);
    const withCheckout = r() < 0.35;
    const checkoutId = `chk-${data.orderId}`;
    if (withCheckout) {
      const startedAt = new Date(placed.getTime() - (5 + Math.floor(r() * 40)) * 60_000).toISOString();
      out.push({ cdnowId, envelope: { id: `${checkoutId}-1`, type: 'checkout.upsert', occurredAt: startedAt, data: { platform: CDNOW.platform, store, checkoutId, customer: data.customer, currency: 'USD', total: data.total, lines: data.lines, createdAt: startedAt, updatedAt: startedAt } } });
    }
    const order = { ...data, store, placedAt, updatedAt: placedAt, channel, ...(withCheckout ? { checkoutId } : {}) };
    out.push({ cdnowId, envelope: { id: data.orderId, type: 'order.upsert', occurredAt: placedAt, data: order } });
    if (r() < 1 / 12) {
      const abandonedId = `abandoned-${data.orderId}`;
      const at = new Date(placed.getTime() - DAY * (1 + Math.floor(r() * 20))).toISOString();
      out.push({ cdnowId, envelope: { id: abandonedId, type: 'checkout.upsert', occurredAt: at, data: { platform: CDNOW.platform, store, checkoutId: abandonedId, customer: data.customer, currency: 'USD', total: data.total, lines: data.lines, createdAt: at, updatedAt: at } } });
    }
    const fate = r();
    const changedAt = new Date(placed.getTime() + DAY * (2 + Math.floor(r() * 10))).toISOString();
    if (Date.parse(changedAt) >= Date.parse(`${lastDay}T23:00:00Z`)) continue;
    if (fate < 0.02) {
      const cents = Math.max(1, Math.round(Number(data.total) * 100 * (0.3 + r() * 0.7)));
      later.push({ cdnowId, envelope: { id: `refund-${data.orderId}`, type: 'refund.created', occurredAt: changedAt, data: { platform: CDNOW.platform, store, refundId: `r-${data.orderId}`, orderId: data.orderId, amount: (cents / 100).toFixed(2), currency: 'USD', createdAt: changedAt } } });
    } else if (fate < 0.03) {
      const { status: _s, ...rest } = order as Record<string, unknown>;
      later.push({ cdnowId, envelope: { id: `cancel-${data.orderId}`, type: 'order.cancelled', occurredAt: changedAt, data: { ...rest, updatedAt: changedAt } } });
    }
  }
  return [...out, ...later];
}
