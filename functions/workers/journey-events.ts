import { eventConsumer } from '../../shared/events/consumer';
import { messageQueue } from '../../shared/runtime/sqs-message-queue';
import { JOURNEY_EVENT_TYPES } from '../../shared/usecases/journeys/event-fields';
import { onJourneyEvent } from '../../shared/usecases/journeys/on-event';

/** Journeys: events about a customer enroll them (the trigger index), reach goals, exit enrollments, and move date-trigger timers. */
export const handler = eventConsumer('journey-events', JOURNEY_EVENT_TYPES, async (event, { deps, log }) => {
  const ctx = { deps: { ...deps, queue: messageQueue(deps) }, correlationId: event.correlationId, actorId: 'system:journeys' };
  const r = await onJourneyEvent(ctx, event);
  if (r.exited || r.goals || Object.keys(r.entries).length || r.datesPlanned) log.debug('journeys', { ...r });
});
