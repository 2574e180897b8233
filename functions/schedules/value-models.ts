import type { ScheduledEvent } from 'aws-lambda';
import { getDeps } from '../../shared/runtime/deps';
import { flushMetrics, invocationLogger } from '../../shared/runtime/observability';
import { runValueModels } from '../../shared/usecases/value-models/fit';
import { messageQueue } from '../../shared/runtime/sqs-message-queue';
import { startRescore } from '../../shared/usecases/segmentation/backfill';

/**
 * Daily: RFM quintile cuts over all buyers, BG/NBD and Gamma-Gamma fitted on the brand's own
 * history (shared/usecases/value-models/fit.ts), then a rescore job scores every customer with
 * them; between runs, customers are scored as their events and timers come.
 */
export const handler = async (event: Partial<ScheduledEvent> = {}) => {
  const deps = await getDeps();
  const run = await runValueModels(deps);
  // Score everyone with the new cuts and parameters now (orders in between are scored as they come).
  const correlationId = event.id ?? deps.ids.uuid();
  const config = await deps.definitions.valueConfig();
  const rescore = await startRescore({ deps, correlationId, actorId: 'system:value-models' }, messageQueue(deps), config.version);
  invocationLogger(event.id ?? deps.ids.uuid(), { schedule: 'value-models' }).info('value models run', {
    buyers: run.buyers,
    ...(run.model ? { bgnbd: run.model.bgnbd, gammaGamma: run.model.gammaGamma } : {}),
    ...(run.skipped ? { skipped: run.skipped } : {}),
    rescoreJob: rescore.id,
  });
  flushMetrics();
  return run;
};
