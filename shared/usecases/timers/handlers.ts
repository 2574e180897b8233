import { evaluateCustomer, SEGMENT_TIMER_KIND } from '../segmentation/evaluate-customer';
import { SERVICE_TIMER_HANDLERS } from '../service/timer-kinds';
import type { TimerHandler } from './timers';
// Messaging (issue 6): messages scheduled for the end of quiet hours.
import { onScheduledMessage } from '../messaging/scheduled';
import { MESSAGE_TIMER_KIND } from '../messaging/send';
// Journeys (issue 6): waits, date triggers, holidays and background walks.
import { JOURNEY_TIMER_HANDLERS } from '../journeys/timer-kinds';
// Sales pipeline (issue 8): return to the pool, quote expiry, contract renewal and expiry, instalment reminders and overdue flags.
import { SALES_TIMER_HANDLERS } from '../sales/sales-timers';
// Campaigns (issue 6): scheduled starts, later waves, A/B decisions.
import { CAMPAIGN_TIMER_HANDLERS } from '../campaigns/timer-kinds';

/**
 * Every kind of timer and its handler. A feature that sets timers adds its kinds here; the timers
 * worker refuses a kind it does not know (the message goes to the DLQ, nothing is lost).
 */
export const TIMER_HANDLERS: Record<string, TimerHandler> = {
  // A condition, lifecycle stage or tier turns with time: evaluate the customer again (idempotent).
  [SEGMENT_TIMER_KIND]: async (ctx, t) => {
    await evaluateCustomer(ctx, t.key);
  },
  // Service desk: SLA warnings and breaches, auto-close, CSAT surveys, task reminders, care cadences.
  ...SERVICE_TIMER_HANDLERS,
  // Messaging (issue 6): a message held by quiet hours goes out (caps and consent checked again).
  [MESSAGE_TIMER_KIND]: onScheduledMessage,
  // Journeys (issue 6): a wait ends, a date occasion or holiday comes, a page of a background walk.
  ...JOURNEY_TIMER_HANDLERS,
  // Sales pipeline (issue 8): leads back to the pool, quotes and contracts expiring, renewal and collection tasks, overdue instalments.
  ...SALES_TIMER_HANDLERS,
  // Campaigns (issue 6): a scheduled campaign starts, a later wave falls due, an A/B test's window closes.
  ...CAMPAIGN_TIMER_HANDLERS,
};
