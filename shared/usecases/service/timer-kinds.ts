import type { TimerHandler } from '../timers/timers';
import { CARE_FIRE, CARE_HOLIDAY, onCareFire, onCareHoliday } from './cadences';
import { onTaskReminder, TASK_REMINDER } from './reminders';
import { onAutoClose, onSlaBreach, onSlaWarning, SLA_BREACH, SLA_WARN, SURVEY_SEND, TICKET_AUTOCLOSE } from './sla-timers';
import { onSurveyDue } from './surveys';

/** The service desk's timer kinds (registered in shared/usecases/timers/handlers.ts). */
export const SERVICE_TIMER_HANDLERS: Record<string, TimerHandler> = {
  [SLA_WARN]: onSlaWarning,
  [SLA_BREACH]: onSlaBreach,
  [TICKET_AUTOCLOSE]: onAutoClose,
  [SURVEY_SEND]: onSurveyDue,
  [TASK_REMINDER]: onTaskReminder,
  [CARE_FIRE]: onCareFire,
  [CARE_HOLIDAY]: onCareHoliday,
};
