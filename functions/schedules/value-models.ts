import type { ScheduledEvent } from 'aws-lambda';
import { getDeps } from '../../shared/runtime/deps';
import { flushMetrics, invocationLogger } from '../../shared/runtime/observability';
import { runValueModels } from '../../shared/usecases/value-models/fit';

/**
 * Daily: RFM quintile cuts over all buyers, BG/NBD and Gamma-Gamma fitted on the brand's own
 * history (shared/usecases/value-models/fit.ts). Customers are scored with them as their events
 * and timers come, and all at once by the rescore job.
 */
export const handler = async (event: Partial<ScheduledEvent> = {}) => {
  const deps = await getDeps();
  const run = await runValueModels(deps);
  invocationLogger(event.id ?? deps.ids.uuid(), { schedule: 'value-models' }).info('value models run', {
    buyers: run.buyers,
    ...(run.model ? { bgnbd: run.model.bgnbd, gammaGamma: run.model.gammaGamma } : {}),
    ...(run.skipped ? { skipped: run.skipped } : {}),
  });
  flushMetrics();
  return run;
};
