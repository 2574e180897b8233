import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cdnowSummary, parseCdnow, type SummaryOrder } from '../shared/domain/cdnow';
import { toMinor } from '../shared/domain/money';
import { churnRisk, customerLifetimeValue, expectedNextOrderAt, fitBgNbd, fitGammaGamma, rescaleBgNbd, rfmScores } from '../shared/domain/models';
import { median, round, type Result } from './lib';

/**
 * Customer value models on the CDNOW log (pure CPU, no DynamoDB): BG/NBD and Gamma–Gamma fit
 * times (median of 5), their deviation from the published estimates, and per-customer scoring
 * throughput (P(alive), 1-year CLV, next order, RFM) over the 2,357 customers.
 */
const SHARED = process.env.CRM_SHARED_DIR ?? join(__dirname, '..', '..', 'shared');

export async function benchModels(runs = 5): Promise<Result[]> {
  const orders: SummaryOrder[] = parseCdnow(readFileSync(join(SHARED, 'data', 'cdnow', 'CDNOW_sample.txt'), 'utf8')).map((e) => ({
    placedAt: e.data.placedAt as string,
    totalMinor: toMinor(e.data.total as string, 'USD'),
    currency: 'USD',
    identity: { platformCustomerId: e.data.customer?.id },
  }));
  const rows = [...cdnowSummary(orders).values()];
  const time = <T>(fn: () => T): { ms: number; value: T } => {
    const t0 = performance.now();
    const value = fn();
    return { ms: performance.now() - t0, value };
  };
  const bg = Array.from({ length: runs }, () => time(() => fitBgNbd(rows)));
  const gg = Array.from({ length: runs }, () => time(() => fitGammaGamma(rows)));
  const fit = bg[0]!.value;
  const spend = gg[0]!.value;
  const published = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258, p: 6.25, q: 3.74, v: 15.45 };
  const worst = (pairs: [number, number][]) => Math.max(...pairs.map(([ours, theirs]) => Math.abs(ours / theirs - 1) * 100));
  const bgDev = worst([
    [fit.r, published.r],
    [fit.alpha, published.alpha],
    [fit.a, published.a],
    [fit.b, published.b],
  ]);
  const ggDev = worst([
    [spend.p, published.p],
    [spend.q, published.q],
    [spend.v, published.v],
  ]);
  const days = rescaleBgNbd(fit, 7);
  const scoring = time(() => {
    let sum = 0;
    for (const r of rows) {
      const row = { x: r.x, t_x: r.t_x * 7, T: r.T * 7, zbar: r.zbar };
      sum += churnRisk(days, row) + customerLifetimeValue(days, spend, row, { horizon: 365 }).discounted;
      sum += expectedNextOrderAt(days, row, '1997-09-30T00:00:00Z') ? 1 : 0;
    }
    rfmScores(rows.map((r) => ({ recencyDays: Math.round((r.T - r.t_x) * 7), frequency: r.x + 1, monetary: r.zbar * r.x })));
    return sum;
  });
  return [
    { name: 'BG/NBD fit on CDNOW', value: round(median(bg.map((b) => b.ms)), 1), unit: 'ms', target: null, better: 'lower', note: `2,357 customers, Nelder–Mead with restarts on log parameters, ${fit.iterations} iterations, median of ${runs}` },
    { name: 'BG/NBD max deviation from published', value: round(bgDev, 3), unit: '%', target: 1, better: 'lower', note: `r ${round(fit.r, 4)}, alpha ${round(fit.alpha, 4)}, a ${round(fit.a, 4)}, b ${round(fit.b, 4)}, ln L ${round(fit.logLikelihood, 2)}` },
    { name: 'Gamma-Gamma fit on CDNOW', value: round(median(gg.map((g) => g.ms)), 1), unit: 'ms', target: null, better: 'lower', note: `946 repeat buyers, ${spend.iterations} iterations, median of ${runs}` },
    { name: 'Gamma-Gamma max deviation from published', value: round(ggDev, 3), unit: '%', target: 2, better: 'lower', note: `p ${round(spend.p, 4)}, q ${round(spend.q, 4)}, v ${round(spend.v, 4)}` },
    { name: 'customer scoring rate', value: round(rows.length / (scoring.ms / 1000), 0), unit: 'customers/s', target: null, better: 'higher', note: 'churn risk, 1-year discounted CLV (12 monthly periods), expected next order, plus RFM over all buyers' },
  ];
}
