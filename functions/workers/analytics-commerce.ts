import { COMMERCE_EVENTS } from '../../shared/usecases/analytics/events';
import { analyticsConsumer } from '../../shared/usecases/analytics/consumer';

/**
 * Analytics rollups of commerce: profiles created, deleted, merged (by source channel and store);
 * orders, revenue, refunds and units by the day an order was placed (by store and sales channel,
 * from the order as it is now); the checkout → order funnel by the day a checkout started. Each
 * event also lands in the event log the lake export writes. Exactly once (shared/usecases/analytics/rollup.ts).
 */
export const handler = analyticsConsumer('analytics-commerce', COMMERCE_EVENTS);
