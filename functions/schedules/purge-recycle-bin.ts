import type { ScheduledEvent } from 'aws-lambda';
import { getDeps } from '../../shared/runtime/deps';
import { flushMetrics, invocationLogger } from '../../shared/runtime/observability';
import { purgeRecycleBin } from '../../shared/usecases/customers';

/** Hourly: profiles 30 days in the recycle bin are purged with everything in their partition. */
export const handler = async (event: Partial<ScheduledEvent> = {}): Promise<{ purged: number }> => {
  const deps = await getDeps();
  const correlationId = event.id ?? deps.ids.uuid();
  const log = invocationLogger(correlationId, { schedule: 'purge-recycle-bin' });
  let purged = 0;
  for (let round = 0; round < 50; round++) {
    const n = await purgeRecycleBin({ deps, correlationId, actorId: 'system:purge' });
    purged += n;
    if (n === 0) break;
  }
  if (purged) log.info('recycle bin purged', { purged });
  flushMetrics();
  return { purged };
};
