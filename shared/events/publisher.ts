import type { EventEnvelope } from './envelope';

/** The port the outbox relay publishes through: EventBridge in AWS, the in-process bus locally. */
export interface EventPublisher {
  /** Publishes every event or throws; returns the ids that failed after retries (empty on success). */
  publish(events: EventEnvelope[]): Promise<{ failedIds: string[] }>;
}
