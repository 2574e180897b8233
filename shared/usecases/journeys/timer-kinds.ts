import type { TimerHandler } from '../timers/timers';
import { JOURNEY_DATE_TIMER, JOURNEY_HOLIDAY_TIMER, onDateTimer, onHolidayTimer } from './dates';
import { JOURNEY_STEP_TIMER, runEnrollment } from './run';
import { JOURNEY_WALK_TIMER, onWalk } from './walks';

/** The journeys' timer kinds (registered in shared/usecases/timers/handlers.ts). */
export const JOURNEY_TIMER_HANDLERS: Record<string, TimerHandler> = {
  // A wait ended (or a webhook retry is due): the enrollment goes on from where it is.
  [JOURNEY_STEP_TIMER]: async (ctx, t) => {
    await runEnrollment(ctx, (t.payload as { enrollmentId: string }).enrollmentId);
  },
  [JOURNEY_DATE_TIMER]: onDateTimer,
  [JOURNEY_HOLIDAY_TIMER]: onHolidayTimer,
  [JOURNEY_WALK_TIMER]: onWalk,
};
