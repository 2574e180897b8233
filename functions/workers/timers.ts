import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { getDeps } from '../../shared/runtime/deps';
import { flushMetrics, invocationLogger } from '../../shared/runtime/observability';
import { messageQueue } from '../../shared/runtime/sqs-message-queue';
import type { Timer } from '../../shared/store/timers-repo';
import { TIMER_HANDLERS } from '../../shared/usecases/timers/handlers';
import { fireTimer } from '../../shared/usecases/timers/timers';

/** The timers queue: each message is one timer, run once at its instant by the handler of its kind. */
function parseTimer(body: string): Timer {
  const t = JSON.parse(body) as Partial<Timer>;
  if (typeof t.kind !== 'string' || typeof t.key !== 'string' || typeof t.dueAt !== 'string' || Number.isNaN(Date.parse(t.dueAt))) {
    throw new Error('not a timer (kind, key and dueAt are required)');
  }
  return t as Timer;
}

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const base = await getDeps();
  const deps = { ...base, queue: messageQueue(base) };
  const failures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    const log = invocationLogger(record.messageId, { worker: 'timers' });
    try {
      const timer = parseTimer(record.body);
      const outcome = await fireTimer({ deps, correlationId: `timer:${timer.kind}:${timer.key}`, actorId: `system:timer:${timer.kind}` }, timer, TIMER_HANDLERS);
      log.debug('timer handled', { kind: timer.kind, key: timer.key, outcome });
    } catch (err) {
      log.error('timer failed; it will be retried, then rest in the DLQ', { error: err as Error });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  flushMetrics();
  return { batchItemFailures: failures };
};
