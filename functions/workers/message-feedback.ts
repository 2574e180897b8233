import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { parseQueueBody } from '../../shared/domain/messaging/provider-events';
import { NotFoundError } from '../../shared/domain/errors';
import { getDeps } from '../../shared/runtime/deps';
import { countMetric, flushMetrics, invocationLogger } from '../../shared/runtime/observability';
import { recordFeedback } from '../../shared/usecases/messaging/feedback';
import { inboundSms } from '../../shared/usecases/messaging/unsubscribe';

/**
 * Provider feedback (AWS): SES event publishing and End User Messaging SMS events and inbound
 * texts arrive on one SNS topic, subscribed by the message-feedback queue. Each record is one
 * provider event, applied through the feedback use case once (the SNS message id dedups a
 * redelivery); events for messages we do not know are acknowledged and logged, anything that
 * fails is retried and then rests in the DLQ.
 */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const deps = await getDeps();
  const failures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    const log = invocationLogger(record.messageId, { worker: 'message-feedback' });
    const ctx = { deps, correlationId: `feedback:${record.messageId}`, actorId: 'system:message-feedback' };
    try {
      const e = parseQueueBody(record.body, record.messageId);
      if (e.kind === 'ignored') {
        log.debug('provider event ignored', { why: e.why });
        continue;
      }
      if (e.kind === 'inbound-sms') {
        const r = await inboundSms(ctx, { from: e.from, body: e.body, ...(e.at ? { receivedAt: e.at } : {}) });
        log.info('inbound sms', { action: r.action });
        continue;
      }
      try {
        const r = await recordFeedback(ctx, { messageId: e.messageId, kind: e.feedback, eventId: e.eventId, ...(e.at ? { at: e.at } : {}), ...(e.bounce ? { bounce: e.bounce } : {}), ...(e.url ? { url: e.url } : {}) });
        log.debug('feedback', { messageId: e.messageId, kind: e.feedback, applied: r.applied });
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
        countMetric('FeedbackForUnknownMessage');
        log.warn('feedback for a message this table does not have', { messageId: e.messageId });
      }
    } catch (err) {
      log.error('provider event failed; it will be retried, then rest in the DLQ', { error: err as Error });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  flushMetrics();
  return { batchItemFailures: failures };
};
