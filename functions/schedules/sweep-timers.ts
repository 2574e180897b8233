import type { ScheduledEvent } from 'aws-lambda';
import { getDeps } from '../../shared/runtime/deps';
import { flushMetrics, invocationLogger } from '../../shared/runtime/observability';
import { messageQueue } from '../../shared/runtime/sqs-message-queue';
import { sweepTimers } from '../../shared/usecases/timers/timers';

/** Every minute: queues the timers due up to the end of the next minute, each delayed to its second. */
export const handler = async (event: Partial<ScheduledEvent> = {}): Promise<{ queued: number }> => {
  const deps = await getDeps();
  const queued = await sweepTimers({ ...deps, queue: messageQueue(deps) });
  if (queued) invocationLogger(event.id ?? deps.ids.uuid(), { schedule: 'sweep-timers' }).info('timers queued', { queued });
  flushMetrics();
  return { queued };
};
