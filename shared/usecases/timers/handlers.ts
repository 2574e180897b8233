import { evaluateCustomer, SEGMENT_TIMER_KIND } from '../segmentation/evaluate-customer';
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
};
