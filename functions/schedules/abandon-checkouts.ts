import type { ScheduledEvent } from 'aws-lambda';
import { getDeps } from '../../shared/runtime/deps';
import { flushMetrics, invocationLogger } from '../../shared/runtime/observability';
import { abandonCheckouts } from '../../shared/usecases/ingest/ingest-other';

/** Every minute: open checkouts with no order past their abandon time become abandoned carts. */
export const handler = async (event: Partial<ScheduledEvent> = {}): Promise<{ abandoned: number }> => {
  const deps = await getDeps();
  const correlationId = event.id ?? deps.ids.uuid();
  const ctx = { deps, correlationId, actorId: 'system:checkouts' };
  let abandoned = 0;
  for (let round = 0; round < 20; round++) {
    const n = await abandonCheckouts(ctx);
    abandoned += n;
    if (n < 100) break;
  }
  if (abandoned) invocationLogger(correlationId, { schedule: 'abandon-checkouts' }).info('checkouts abandoned', { abandoned });
  flushMetrics();
  return { abandoned };
};
