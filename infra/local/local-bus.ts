import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '../../shared/events/envelope';
import type { EventPublisher } from '../../shared/events/publisher';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda-host';
import type { LocalQueue } from './local-queue';

/**
 * The in-process event bus: what EventBridge does in AWS. Every published envelope is wrapped as
 * an EventBridge event (`detail` = the envelope) and sent to the queue of every consumer whose
 * rule (the `events` of its wiring entry) matches the envelope's type.
 */
export interface BusRoute {
  name: string;
  events: readonly string[];
  queue: LocalQueue;
}

export interface EventBridgeMessage {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: EventEnvelope;
}

export class LocalBus implements EventPublisher {
  private readonly routes: BusRoute[] = [];
  /** The most recent envelopes, newest last (for debugging and tests). */
  readonly recent: EventEnvelope[] = [];
  published = 0;

  constructor(private readonly keepRecent = 500) {}

  addRoute(route: BusRoute): void {
    this.routes.push(route);
  }

  routeNames(): string[] {
    return this.routes.map((r) => r.name);
  }

  async publish(events: EventEnvelope[]): Promise<{ failedIds: string[] }> {
    for (const e of events) {
      const message: EventBridgeMessage = {
        version: '0',
        id: randomUUID(),
        'detail-type': e.type,
        source: e.source,
        account: LOCAL_ACCOUNT,
        time: new Date(e.occurredAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region: LOCAL_REGION,
        resources: [],
        detail: e,
      };
      const body = JSON.stringify(message);
      for (const r of this.routes) if (r.events.includes(e.type)) r.queue.send(body);
      this.published++;
      this.recent.push(e);
      if (this.recent.length > this.keepRecent) this.recent.splice(0, this.recent.length - this.keepRecent);
    }
    return { failedIds: [] };
  }
}
