import type { JourneyDefinition } from '../../shared/domain/journeys/types';
import { makeEvent, type EventEnvelope } from '../../shared/events/envelope';
import type { EventData, EventType } from '../../shared/events/catalog';
import { EnrollmentsRepo } from '../../shared/store/enrollments-repo';
import { MessagesRepo } from '../../shared/store/messages-repo';
import { JourneysRepo } from '../../shared/store/journeys-repo';
import { repoOf } from '../../shared/store/repo-of';
import type { Ctx } from '../../shared/usecases/customers';
import { forgetTriggers } from '../../shared/usecases/journeys/cache';
import { archiveJourney, createJourney, publishJourney, type NewJourney } from '../../shared/usecases/journeys/journeys';
import { onJourneyEvent } from '../../shared/usecases/journeys/on-event';
import { EMAIL, messagingWorld, type MessagingWorld } from './messaging-helpers';

/**
 * A journeys world on its own table: the messaging world (a clock the test moves, the dev outbox
 * as the channel, timers fired by hand) plus journeys, events delivered to the journey-events
 * consumer logic, and readers of enrollments and what was sent.
 */
export interface JourneyWorld extends MessagingWorld {
  jctx: Ctx;
  emailTemplate(name?: string): Promise<string>;
  live(input: NewJourney): Promise<string>;
  /** Archives every journey made live so far (so the next test's events meet only its own). */
  archiveAll(): Promise<void>;
  event<T extends EventType>(type: T, data: EventData<T>, id?: string): EventEnvelope<T>;
  deliver(e: EventEnvelope): ReturnType<typeof onJourneyEvent>;
  enrollmentsOf(customerId: string): Promise<Awaited<ReturnType<EnrollmentsRepo['byCustomer']>>['items']>;
  history(enrollmentId: string): Promise<string[]>;
  /** Fires due timers until none is left (walks queue their next page as a timer due now). */
  fireAll(): Promise<string[]>;
  /** How many times the message of a delivery key reached the channel (0: never sent). */
  sends(key: string): Promise<number>;
  stats(journeyId: string): Promise<Record<string, number>>;
}

let n = 0;

export async function journeyWorld(startIso = '2026-05-12T04:00:00.000Z'): Promise<JourneyWorld> {
  const w = await messagingWorld(startIso);
  forgetTriggers();
  const jctx = w.ctx('marketer-1');
  const made: string[] = [];
  return {
    ...w,
    jctx,
    async emailTemplate(name = 'journey email') {
      return w.template('email', EMAIL, name);
    },
    async live(input) {
      const j = await createJourney(jctx, input);
      await publishJourney(jctx, j.id);
      forgetTriggers();
      made.push(j.id);
      return j.id;
    },
    async archiveAll() {
      for (const id of made.splice(0)) await archiveJourney(jctx, id);
      forgetTriggers();
    },
    event(type, data, id) {
      n++;
      return makeEvent(type, data, { id: id ?? `evt-${Date.now()}-${n}`, occurredAt: new Date(w.clock.t).toISOString(), correlationId: 'it-journeys' });
    },
    deliver(e) {
      return onJourneyEvent(jctx, e);
    },
    async enrollmentsOf(customerId) {
      return (await repoOf(w.deps, EnrollmentsRepo).byCustomer(customerId, 100)).items;
    },
    async history(id) {
      return (await repoOf(w.deps, EnrollmentsRepo).history(id, 500)).items.map((h) => `${h.kind}${h.stepId ? ` ${h.stepId}` : ''} ${h.outcome}`);
    },
    async fireAll() {
      const all: string[] = [];
      for (let i = 0; i < 50; i++) {
        const fired = await w.fireDue();
        if (fired.length === 0) return all;
        all.push(...fired);
      }
      throw new Error('timers kept coming for 50 rounds');
    },
    async sends(key) {
      const id = await repoOf(w.deps, MessagesRepo).idForKey(key);
      return id ? w.sender.captured.filter((m) => m.id === id).length : 0;
    },
    stats(journeyId) {
      return repoOf(w.deps, JourneysRepo).stats(journeyId);
    },
  };
}

/** The abandoned-cart journey of the issue, with its two message templates given. */
export function abandonedCart(t1: string, t2: string, waits: [number, number] = [1, 23]): JourneyDefinition {
  return {
    trigger: { type: 'event', event: 'CheckoutAbandoned' },
    steps: [
      { id: 'wait-1h', type: 'wait', wait: { kind: 'duration', value: waits[0], unit: 'hours' }, next: 'reminder-1h' },
      { id: 'reminder-1h', type: 'message', channel: 'email', templateId: t1, purpose: 'marketing', next: 'wait-24h' },
      { id: 'wait-24h', type: 'wait', wait: { kind: 'duration', value: waits[1], unit: 'hours' }, next: 'reminder-24h' },
      { id: 'reminder-24h', type: 'message', channel: 'email', templateId: t2, purpose: 'marketing', vars: { couponCode: 'COMEBACK5' } },
    ],
    exit: { events: [{ event: 'OrderPlaced' }] },
    reentry: { mode: 'after', days: 1 },
    goal: { event: 'OrderPlaced', withinDays: 3 },
  };
}

export const abandoned = (customerId: string, checkoutId = 'chk-1') => ({ customerId, checkoutId, platform: 'shopify', store: 'demo.myshopify.com', totalMinor: 12900, currency: 'USD' });
export const ordered = (customerId: string, orderId = 'o-1', placedAt = '2026-05-12T05:30:00.000Z') => ({ customerId, orderId, platform: 'shopify', store: 'demo.myshopify.com', totalMinor: 12900, currency: 'USD', placedAt });
