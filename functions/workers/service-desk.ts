import { eventConsumer } from '../../shared/events/consumer';
import { messageQueue } from '../../shared/runtime/sqs-message-queue';
import { handleBadRating } from '../../shared/usecases/service/surveys';
import { repointTickets, ticketFromComplaint } from '../../shared/usecases/service/automation';
import { syncTicketTimers } from '../../shared/usecases/service/sla-timers';

/**
 * The service desk's reactions: after every ticket event, the timers the ticket needs now (SLA
 * warnings and breaches, auto-close, the CSAT survey); a complaint interaction opens a complaint
 * ticket; a bad survey rating reopens or opens a complaint with a task for the manager; merged
 * and unmerged customers take their open tickets along. Every step is idempotent.
 */
export const CONSUMES = [
  'TicketCreated',
  'TicketUpdated',
  'TicketStatusChanged',
  'TicketAssigned',
  'TicketCommented',
  'SlaWarning',
  'SlaBreached',
  'InteractionLogged',
  'SurveyAnswered',
  'CustomerMerged',
  'CustomerUnmerged',
] as const;

export const handler = eventConsumer('service-desk', CONSUMES, async (event, { deps, log }) => {
  const ctx = { deps: { ...deps, queue: messageQueue(deps) }, correlationId: event.correlationId, actorId: 'system:service-desk' };
  switch (event.type) {
    case 'InteractionLogged': {
      const id = await ticketFromComplaint(ctx, event.data as { customerId: string; interactionId: string; channel: string; type: string; occurredAt: string });
      if (id) log.info('complaint ticket opened from an interaction', { ticketId: id });
      return;
    }
    case 'SurveyAnswered': {
      const d = event.data as { surveyId: string; rating?: number };
      if (d.rating !== undefined && d.rating <= 2) log.info('bad rating handled', { ...(await handleBadRating(ctx, d.surveyId)) });
      return;
    }
    case 'CustomerMerged': {
      const d = event.data as { customerId: string; sourceId: string };
      await repointTickets(ctx, d.customerId, d.sourceId);
      return;
    }
    case 'CustomerUnmerged': {
      const d = event.data as { customerId: string; sourceId: string };
      await repointTickets(ctx, d.sourceId, d.customerId);
      return;
    }
    default: {
      const ticketId = (event.data as { ticketId?: string }).ticketId;
      if (ticketId) await syncTicketTimers(ctx, ticketId);
    }
  }
});
