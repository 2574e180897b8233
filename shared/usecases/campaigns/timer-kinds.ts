import type { TimerHandler } from '../timers/timers';
import { onDecisionTimer } from './decision';
import { DECISION_TIMER_KIND, WAVE_TIMER_KIND } from './fanout';
import { onStartTimer, START_TIMER_KIND } from './lifecycle';
import { onWaveTimer } from './waves';

/** Campaign timers: a scheduled start, a later wave (a send-time variant, a local-time zone), the A/B decision. */
export const CAMPAIGN_TIMER_HANDLERS: Record<string, TimerHandler> = {
  [START_TIMER_KIND]: onStartTimer,
  [WAVE_TIMER_KIND]: onWaveTimer,
  [DECISION_TIMER_KIND]: onDecisionTimer,
};
