import type { ValueConfig } from '../../domain/segmentation/definitions';
import { historyOf } from '../../domain/segmentation/engine';
import { fitBgNbd } from '../../domain/models/bg-nbd';
import { fitGammaGamma } from '../../domain/models/gamma-gamma';
import type { PurchaseRow } from '../../domain/models/bg-nbd';
import { rfmCuts, rfmInputFromAggregates, type RfmInput } from '../../domain/models/rfm';
import { ConflictError } from '../../domain/errors';
import type { Deps } from '../../runtime/deps';
import { countMetric } from '../../runtime/observability';
import { scanAggregates } from '../../store/aggregates-scan';

/**
 * The scheduled value-model runs, on the brand's own history: RFM quintile cuts over all buyers,
 * and BG/NBD (time unit: days) and Gamma-Gamma (minor units of the base currency) fitted by maximum
 * likelihood on every customer's purchase days and repeat spend, derived from their aggregates.
 * Both are stored in the value settings (version-guarded); a rescore then brings every customer up
 * to date, and orders in between are scored with them as they come.
 */
export interface ValueModelRun {
  buyers: number;
  rfm?: ValueConfig['rfm'];
  model?: ValueConfig['model'];
  /** Why a model could not be fitted (too few repeat buyers), when it could not. */
  skipped?: string;
}

export async function runValueModels(deps: Deps, opts: { fit?: boolean; rfm?: boolean } = {}): Promise<ValueModelRun> {
  const now = deps.clock.now().toISOString();
  const config = await deps.definitions.valueConfig();
  const currency = config.baseCurrency;
  const rows: (PurchaseRow & { zbar: number })[] = [];
  const rfm: RfmInput[] = [];
  await scanAggregates(deps.db, (page) => {
    for (const { aggregates } of page) {
      const h = historyOf(aggregates, now, currency);
      if (h) rows.push({ x: h.x, t_x: h.t_x, T: h.T, zbar: h.zbar ?? 0 });
      const input = rfmInputFromAggregates(aggregates, currency, now);
      if (input) rfm.push(input);
    }
  });
  const run: ValueModelRun = { buyers: rows.length };
  const next: ValueConfig = { ...config, version: config.version + 1 };
  if (opts.rfm !== false && rfm.length) {
    const cuts = rfmCuts(rfm);
    next.rfm = { cuts, computedAt: now, buyers: rfm.length };
    run.rfm = next.rfm;
  }
  if (opts.fit !== false) {
    if (rows.some((r) => r.x > 0)) {
      const bg = fitBgNbd(rows);
      const repeat = rows.filter((r) => r.x > 0 && r.zbar > 0);
      const gg = repeat.length >= 2 ? fitGammaGamma(repeat) : undefined;
      next.model = {
        bgnbd: { r: bg.r, alpha: bg.alpha, a: bg.a, b: bg.b },
        ...(gg ? { gammaGamma: { p: gg.p, q: gg.q, v: gg.v } } : {}),
        fittedAt: now,
        customers: rows.length,
        logLikelihood: bg.logLikelihood,
      };
      run.model = next.model;
    } else {
      run.skipped = 'no customer has a repeat purchase yet';
    }
  }
  try {
    await deps.definitions.putValueConfig(next, config.version);
  } catch (e) {
    if (e instanceof ConflictError) throw new ConflictError('The value settings changed while the models ran; the next run uses them.');
    throw e;
  }
  countMetric('ValueModelRuns');
  return run;
}
