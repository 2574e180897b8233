import { dayNumber } from '../../shared/domain/analytics/period';
import { lifecycleStage, type LifecycleStage } from '../../shared/domain/models/lifecycle';
import { contribution } from '../../shared/domain/orders';
import { setDeps, type Deps } from '../../shared/runtime/deps';
import { countEvents } from '../../shared/usecases/analytics/rollup';
import { cohortsReport } from '../../shared/usecases/analytics/reports/cohorts';
import { customersReport } from '../../shared/usecases/analytics/reports/customers';
import { salesReport } from '../../shared/usecases/analytics/reports/sales';
import { valueReport } from '../../shared/usecases/analytics/reports/value';
import { runSnapshot } from '../../shared/usecases/analytics/snapshot';
import { testDeps } from '../support/db';
import { drainStream } from '../support/stream';
import { ingestBrand, publishedEvents, storedOrders } from './analytics-world';

/**
 * The full pass's figures against a direct computation over the same orders: buyers, new and
 * repeat buyers per month, AOV and repurchase rate, a 30-day rolling window, retention cohorts,
 * and the lifecycle stages on a day (simulated day by day with the engine's own rule).
 */
const CUSTOMERS = 150;
const NOW = '1998-07-10T12:00:00.000Z';
const AS_OF = '1998-06-30';
let deps: Deps;
let ctx: { deps: Deps; correlationId: string; actorId: string };
/** Per customer: counted orders (day, net). */
let byCustomer: { day: string; net: number }[][];

beforeAll(async () => {
  const base = await testDeps();
  deps = { ...base, clock: { now: () => new Date(NOW) } };
  ctx = { deps, correlationId: 'test', actorId: 'test' };
  setDeps(deps);
  await deps.definitions.putValueConfig({ baseCurrency: 'USD', version: 1 }, 0);
  await ingestBrand(CUSTOMERS, NOW);
  await drainStream(deps as never);
  const events = await publishedEvents(deps);
  for (let i = 0; i < events.length; i += 10) await countEvents(deps, events.slice(i, i + 10));
  const orders = await storedOrders(deps, CUSTOMERS);
  byCustomer = [...orders.values()].map((list) =>
    list
      .map((o) => ({ o, c: contribution(o) }))
      .filter((x) => x.c && x.c.day <= AS_OF)
      .map((x) => ({ day: x.c!.day, net: x.c!.netMinor }))
      .sort((a, b) => a.day.localeCompare(b.day)),
  );
  const result = await runSnapshot(deps, { runId: 'run-1', asOf: AS_OF });
  expect(result.customers).toBe(CUSTOMERS);
}, 600_000);

const month = (d: string) => d.slice(0, 7);

describe('the full pass against a direct computation', () => {
  it('gives each month’s buyers, new, returning and repeat buyers, AOV and repurchase rate exactly', async () => {
    const report = await salesReport(ctx, { from: '1997-01-01', to: AS_OF, granularity: 'month' });
    const rows = new Map(report.series[0]!.rows.map((r) => [String(r.bucket).slice(0, 7), r]));
    for (const m of ['1997-01', '1997-03', '1997-06', '1997-12', '1998-03', '1998-06']) {
      const buyers = byCustomer.filter((os) => os.some((o) => month(o.day) === m));
      const newBuyers = buyers.filter((os) => month(os[0]!.day) === m).length;
      const repeat = buyers.filter((os) => os.filter((o) => month(o.day) <= m).length >= 2).length;
      const orders = byCustomer.flat().filter((o) => month(o.day) === m);
      const revenue = orders.reduce((s, o) => s + o.net, 0);
      const row = rows.get(m)!;
      expect({ m, buyers: row.buyers, newBuyers: row.newBuyers, returning: row.returningBuyers, repeat: row.repeatBuyers }).toEqual({ m, buyers: buyers.length, newBuyers, returning: buyers.length - newBuyers, repeat });
      expect({ m, aov: row.aov, revenue: row.revenue }).toEqual({ m, aov: orders.length ? Math.round(revenue / orders.length) : null, revenue });
      expect({ m, rate: row.repurchaseRate }).toEqual({ m, rate: buyers.length ? Math.round((repeat / buyers.length) * 10_000) / 10_000 : null });
    }
  });

  it('gives the distinct buyers of a 30-day period exactly', async () => {
    const from = '1998-02-01';
    const to = '1998-03-02';
    const report = await salesReport(ctx, { from, to, metrics: 'buyers,newBuyers,repeatBuyers' });
    const inWindow = byCustomer.filter((os) => os.some((o) => o.day >= from && o.day <= to));
    const totals = report.series[0]!.totals;
    expect(totals.buyers).toBe(inWindow.length);
    expect(totals.newBuyers).toBe(inWindow.filter((os) => os[0]!.day >= from).length);
    expect(totals.repeatBuyers).toBe(inWindow.filter((os) => os.filter((o) => o.day <= to).length >= 2).length);
  });

  it('gives retention by first-order month as the share of each cohort buying k months later', async () => {
    const report = await cohortsReport(ctx, { from: '1997-01', to: '1997-03', months: '12' });
    const idx = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7));
    for (const c of report.cohorts) {
      const members = byCustomer.filter((os) => os.length && month(os[0]!.day) === c.month);
      expect(c.size).toBe(members.length);
      const expected = Array.from({ length: 12 }, (_, k) => {
        const active = members.filter((os) => os.some((o) => idx(month(o.day)) - idx(c.month) === k)).length;
        return members.length ? Math.round((active / members.length) * 10_000) / 10_000 : null;
      });
      expect({ cohort: c.month, values: c.values }).toEqual({ cohort: c.month, values: expected });
    }
    expect(report.cohorts.map((c) => c.month)).toEqual(['1997-01', '1997-02', '1997-03']);
  });

  it('gives the lifecycle stages of a day as the engine’s rule, run day by day, has them', async () => {
    const day = '1998-03-15';
    const report = await customersReport(ctx, { from: day, to: day, metrics: 'new,active,reactivated,dormant,churned,buyersTotal' });
    const counts: Record<string, number> = { new: 0, active: 0, reactivated: 0, dormant: 0, churned: 0 };
    for (const os of byCustomer) {
      if (!os.length || os[0]!.day > day) continue;
      let stage: LifecycleStage | undefined;
      let reactivatedAt: string | undefined;
      for (let d = dayNumber(os[0]!.day); d <= dayNumber(day); d++) {
        const end = new Date(d * 86_400_000 + 86_399_999).toISOString();
        const upTo = os.filter((o) => o.day <= end.slice(0, 10));
        const facts = { firstOrderAt: `${upTo[0]!.day}T12:00:00.000Z`, lastOrderAt: `${upTo[upTo.length - 1]!.day}T12:00:00.000Z`, ...(reactivatedAt ? { reactivatedAt } : {}) };
        const next = lifecycleStage(stage, facts, end);
        if (next === 'reactivated' && stage !== 'reactivated') reactivatedAt = facts.lastOrderAt;
        stage = next;
      }
      counts[stage!]!++;
    }
    // The day has customers in several stages, so the comparison is not between zeros.
    expect(Object.values(counts).filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
    const row = report.series[0]!.rows[0]!;
    expect({ new: row.new, active: row.active, reactivated: row.reactivated, dormant: row.dormant, churned: row.churned }).toEqual(counts);
    expect(row.buyersTotal).toBe(byCustomer.filter((os) => os.length && os[0]!.day <= day).length);
  });

  it('scores RFM over every buyer as of the snapshot day', async () => {
    const report = await valueReport(ctx, {});
    expect(report.asOf).toBe(AS_OF);
    const buyers = byCustomer.filter((os) => os.length).length;
    expect(report.rfm!.groups.reduce((s, g) => s + g.customers, 0)).toBe(buyers);
    expect(report.rfm!.grid.flat().reduce((a, b) => a + b, 0)).toBe(buyers);
    expect(report.rfm!.movement.reduce((s, m) => s + m.customers, 0)).toBe(buyers);
    expect(report.clv!.historic.n).toBe(buyers);
  });
});
