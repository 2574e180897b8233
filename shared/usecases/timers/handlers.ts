import { evaluateCustomer, SEGMENT_TIMER_KIND } from '../segmentation/evaluate-customer';
import { SERVICE_TIMER_HANDLERS } from '../service/timer-kinds';
import type { TimerHandler } from './timers';

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
};
