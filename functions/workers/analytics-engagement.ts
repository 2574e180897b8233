import { ENGAGEMENT_EVENTS } from '../../shared/usecases/analytics/events';
import { analyticsConsumer } from '../../shared/usecases/analytics/consumer';

/**
 * Analytics rollups of engagement: messages sent, delivered, opened, clicked, converted (and their
 * revenue) per day by channel and source kind; leads created, converted and followed up per day by
 * source channel and rep. Each event also lands in the event log the lake export writes. Exactly once.
 */
export const handler = analyticsConsumer('analytics-engagement', ENGAGEMENT_EVENTS);
