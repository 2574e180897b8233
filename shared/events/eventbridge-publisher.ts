import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { EventEnvelope } from './envelope';
import type { EventPublisher } from './publisher';

/**
 * Publishes envelopes to the bus in batches of 10; entries that fail (FailedEntryCount) are
 * retried with backoff, never ignored. What still fails is returned so the relay reports it.
 */
export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly busName: string,
    private readonly client = new EventBridgeClient({}),
    private readonly attempts = 4,
  ) {}

  async publish(events: EventEnvelope[]): Promise<{ failedIds: string[] }> {
    const failed: string[] = [];
    for (let i = 0; i < events.length; i += 10) {
      let batch = events.slice(i, i + 10);
      for (let attempt = 1; batch.length > 0; attempt++) {
        const entries: PutEventsRequestEntry[] = batch.map((e) => ({
          EventBusName: this.busName,
          Source: e.source,
          DetailType: e.type,
          Detail: JSON.stringify(e),
          Time: new Date(e.occurredAt),
        }));
        const res = await this.client.send(new PutEventsCommand({ Entries: entries }));
        if (!res.FailedEntryCount) break;
        const retry = batch.filter((_, idx) => res.Entries?.[idx]?.ErrorCode);
        if (attempt >= this.attempts) {
          failed.push(...retry.map((e) => e.id));
          break;
        }
        batch = retry;
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
    return { failedIds: failed };
  }
}
