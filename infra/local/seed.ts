import { addDays } from '../../shared/domain/analytics/period';
import { pool, SeedApi, type SeedTarget } from './seed-client';
import { profileOf, purchasesOf, rng } from './seed-data';
import { seedCampaign, seedCosts, seedPipeline } from './seed-marketing';
import { seedService } from './seed-service';

/**
 * `npm run seed`: a living brand in the running local stack, through the HTTP API and the signed
 * webhooks only, so every projection, consumer and rollup runs as in production. The CDNOW
 * purchase log (a subset by default; all 2,357 customers with `all`) becomes profiles with
 * generated names, channels and stores, and their purchases shifted to end yesterday; then
 * tickets, leads, a campaign and costs; finally the value models and the analytics snapshot run.
 * Deterministic: the same seed gives the same brand. Run it on an empty stack.
 */
export interface SeedOptions {
  /** CDNOW customers 1..n (default 300; `all`: 2357). */
  customers: number;
  seed: number;
  /** The day the purchase log ends on (default yesterday, UTC). */
  lastDay?: string;
  /** The CDNOW log's text (the caller reads ../shared/data). */
  log: string;
}

export interface SeedReport {
  customers: number;
  orders: number;
  deliveries: number;
  tickets: number;
  leads: number;
  campaignMessages: number;
  seconds: number;
}

export async function seedBrand(target: SeedTarget, opts: SeedOptions): Promise<SeedReport> {
  const started = Date.now();
  const api = new SeedApi(target);
  const r = rng(opts.seed);
  const lastDay = opts.lastDay ?? addDays(new Date().toISOString().slice(0, 10), -1);
  const ids = Array.from({ length: opts.customers }, (_, i) => String(i + 1));

  // Profiles first (so orders land on them by their platform id), 8 at a time.
  const profiles = ids.map((id) => profileOf(id, r));
  const customers: { id: string; cdnowId: string; store: string }[] = [];
  await pool(profiles, 8, async (p) => {
    const res = await api.call('POST', '/v1/customers', { body: p.body, headers: { 'idempotency-key': `seed-${opts.seed}-${p.cdnowId}` } });
    if (res.status === 201 || res.status === 200) customers.push({ id: res.body.id, cdnowId: p.cdnowId, store: p.store });
    else if (res.status === 409 && res.body?.existingId) customers.push({ id: res.body.existingId, cdnowId: p.cdnowId, store: p.store });
    else throw new Error(`profile ${p.cdnowId}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
  });
  target.log(`profiles: ${customers.length}`);

  // Purchases through the signed generic webhook, 16 senders, each customer's in order.
  const deliveries = purchasesOf(opts.log, new Map(profiles.map((p) => [p.cdnowId, p.store])), lastDay, r);
  const byCustomer = new Map<string, typeof deliveries>();
  for (const d of deliveries) byCustomer.set(d.cdnowId, [...(byCustomer.get(d.cdnowId) ?? []), d]);
  const failed: string[] = [];
  await pool([...byCustomer.values()], 16, async (list) => {
    for (const d of list) {
      const status = await api.webhook(d.envelope);
      if (status >= 300) failed.push(`${String(d.envelope.id)}: ${status}`);
    }
  });
  if (failed.length) throw new Error(`${failed.length} webhook deliveries refused, e.g. ${failed.slice(0, 3).join('; ')}`);
  const orders = deliveries.filter((d) => d.envelope.type === 'order.upsert').length;
  target.log(`purchases: ${orders} orders in ${deliveries.length} deliveries; waiting for the stack to apply them`);
  await api.idle();
  await target.runSchedule('abandon-checkouts');

  const service = await seedService(api, customers.map((c) => c.id), r);
  const pipeline = await seedPipeline(api, r);
  const months = Math.ceil((Date.parse(`${lastDay}T00:00:00Z`) - Date.parse(`${addDays(lastDay, -545)}T00:00:00Z`)) / (30 * 86_400_000)) + 1;
  await seedCosts(api, months, r);
  const marketing = await seedCampaign(api, customers, r).catch((err: Error) => {
    target.log(`marketing: campaign skipped (${err.message.slice(0, 200)})`);
    return { sent: 0, orders: 0 };
  });
  await api.idle();

  // The daily jobs, now: RFM cuts and CLV models, then the analytics full pass.
  await target.runSchedule('value-models');
  await api.idle();
  await target.runSchedule('analytics-snapshot');
  return { customers: customers.length, orders: orders + marketing.orders, deliveries: deliveries.length, tickets: service.tickets, leads: pipeline.leads, campaignMessages: marketing.sent, seconds: Math.round((Date.now() - started) / 1000) };
}
