import { eventConsumer } from '../../shared/events/consumer';
import { messageQueue } from '../../shared/runtime/sqs-message-queue';
import { syncTaskTimers } from '../../shared/usecases/service/reminders';

/** After a task is created or changed: its reminder timers (before, at and after the due time). */
export const CONSUMES = ['TaskCreated', 'TaskUpdated'] as const;

export const handler = eventConsumer('task-reminders', CONSUMES, async (event, { deps }) => {
  const ctx = { deps: { ...deps, queue: messageQueue(deps) }, correlationId: event.correlationId, actorId: 'system:task-reminders' };
  await syncTaskTimers(ctx, (event.data as { taskId: string }).taskId);
});
