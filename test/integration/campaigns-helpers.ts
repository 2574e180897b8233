import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_MESSAGING_SETTINGS, type MessagingSettings } from '../../shared/domain/messaging/settings';
import type { TemplateContent } from '../../shared/domain/messaging/templates';
import type { EventEnvelope } from '../../shared/events/envelope';
import { loadConfig } from '../../shared/runtime/config';
import { buildDeps, type Deps } from '../../shared/runtime/deps';
import type { MessageQueue, QueueName, SendOptions } from '../../shared/runtime/message-queue';
import { MessagingSettingsRepo } from '../../shared/store/messaging-settings-repo';
import { repoOf } from '../../shared/store/repo-of';
import type { Timer } from '../../shared/store/timers-repo';
import { CAMPAIGN_CONSUMES } from '../../shared/usecases/campaigns/event-types';
import { onCampaignEvent } from '../../shared/usecases/campaigns/events';
import { createCustomer, type Ctx } from '../../shared/usecases/customers';
import { parseJobMessage } from '../../shared/usecases/jobs/jobs';
import { runJobStep } from '../../shared/usecases/jobs/steps';
import { createTemplate } from '../../shared/usecases/messaging/templates';
import { createSegment } from '../../shared/usecases/segmentation/segments';
import { TIMER_HANDLERS } from '../../shared/usecases/timers/handlers';
import { fireTimer } from '../../shared/usecases/timers/timers';
import { CapturingPublisher, testDb } from '../support/db';
import { drainStream } from '../support/stream';

/**
 * A campaign world on its own table: a clock the test moves, a work queue the test drains as the
 * workers would (with SQS delays on the test clock), the stream relay, the campaign-events
 * consumer and the timers — and faults: a share of the table writes made by workers fail, half of
 * them before the write and half after it (a process dying right after the database answered).
 */
export class TestQueue implements MessageQueue {
  sent: { queue: QueueName; body: string; visibleAt: number }[] = [];
  constructor(private readonly now: () => number) {}
  async send(queue: QueueName, body: string, opts?: SendOptions) {
    this.sent.push({ queue, body, visibleAt: this.now() + (opts?.delaySeconds ?? 0) * 1000 });
  }
  /** Messages of a queue visible now, removed from it. */
  take(queue: QueueName): string[] {
    const now = this.now();
    const out = this.sent.filter((m) => m.queue === queue && m.visibleAt <= now);
    this.sent = this.sent.filter((m) => !out.includes(m));
    return out.map((m) => m.body);
  }
  /** The earliest instant a held-back message of this queue becomes visible. */
  nextVisible(queue: QueueName): number | undefined {
    const times = this.sent.filter((m) => m.queue === queue).map((m) => m.visibleAt);
    return times.length ? Math.min(...times) : undefined;
  }
}

export interface Faults {
  /** Share of worker writes that fail (half before the write reaches the table, half after). */
  writeFailRate: number;
  /** Share of job messages delivered twice (a worker that died before deleting the message). */
  redeliverRate: number;
  on: boolean;
  injected: number;
  random: () => number;
}

const WRITES = new Set(['PutCommand', 'UpdateCommand', 'DeleteCommand', 'TransactWriteCommand', 'BatchWriteCommand']);

function faultyDoc(doc: DynamoDBDocumentClient, faults: Faults): DynamoDBDocumentClient {
  return new Proxy(doc, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return async (command: { constructor: { name: string } }, ...rest: unknown[]) => {
        const write = WRITES.has(command.constructor.name);
        if (!faults.on || !write || faults.random() >= faults.writeFailRate) return (target.send as (...a: unknown[]) => Promise<unknown>)(command, ...rest);
        faults.injected++;
        if (faults.random() < 0.5) throw new Error(`injected fault before ${command.constructor.name}`);
        await (target.send as (...a: unknown[]) => Promise<unknown>)(command, ...rest);
        throw new Error(`injected fault after ${command.constructor.name}`);
      };
    },
  });
}

/** A seeded random source (mulberry32), so a failing run can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface CampaignWorld {
  deps: Deps;
  queue: TestQueue;
  faults: Faults;
  clock: { t: number; advance(ms: number): void };
  ctx(actorId?: string): Ctx;
  settings(patch: Partial<MessagingSettings>): Promise<void>;
  customers(n: number, tag: string, input?: (i: number) => Record<string, unknown>): Promise<string[]>;
  /** A segment of everyone carrying the tag, backfilled. */
  segment(tag: string): Promise<string>;
  template(content?: TemplateContent, channel?: 'email' | 'sms'): Promise<string>;
  /** Runs the system until nothing is left to do now: stream, consumer, jobs, timers due. */
  pump(): Promise<{ steps: number; events: number }>;
  published(): EventEnvelope[];
}

export const EMAIL: TemplateContent = {
  subject: 'Spring sale for {{ customer.firstName | default: "you" }}',
  html: '<html><body><p>Hi {{ customer.firstName | default: "there" }}, use {{ coupon.code | default: "SPRING" }}.</p></body></html>',
};

export async function campaignWorld(opts: { startIso?: string; seed?: number } = {}): Promise<CampaignWorld> {
  const clock = {
    t: Date.parse(opts.startIso ?? '2026-05-12T04:00:00.000Z'),
    advance(ms: number) {
      this.t += ms;
    },
  };
  const faults: Faults = { writeFailRate: 0, redeliverRate: 0, on: false, injected: 0, random: seeded(opts.seed ?? 7) };
  const base = await testDb();
  const db = { ...base, doc: faultyDoc(base.doc, faults) };
  const queue = new TestQueue(() => clock.t);
  const publisher = new CapturingPublisher();
  const deps = buildDeps({ ...loadConfig({}), tableName: base.tableName }, Buffer.alloc(32, 7), { db, publisher: async () => publisher, queue, clock: { now: () => new Date(clock.t) } });
  await deps.definitions.putValueConfig({ baseCurrency: 'USD', version: 1 }, 0);
  const ctx = (actorId = 'marketer-1'): Ctx => ({ deps, correlationId: 'it-campaigns', actorId });
  let seen = 0;

  /** Runs one job message as the jobs worker does; a fault makes it a retry, a redelivery runs it twice. */
  async function runJob(body: string): Promise<void> {
    const { jobId, part } = parseJobMessage(body);
    faults.on = true;
    try {
      const r = await runJobStep({ deps, correlationId: `job:${jobId}`, actorId: 'system:jobs' }, jobId, part, { pageLimit: 25 });
      if (r === 'more') await queue.send('jobs', body);
      if (faults.random() < faults.redeliverRate) await queue.send('jobs', body);
    } catch (e) {
      // SQS: a failed message comes back after its visibility timeout; a send still leased by the
      // attempt that crashed is taken over once the lease is over.
      const leased = (e as { extra?: { rule?: string } }).extra?.rule === 'delivery-in-progress';
      if (!leased && !String((e as Error).message).includes('injected fault')) throw e;
      await queue.send('jobs', body, leased ? { delaySeconds: 121 } : {});
    } finally {
      faults.on = false;
    }
  }

  async function consume(e: EventEnvelope): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      faults.on = true;
      try {
        await onCampaignEvent({ deps, correlationId: e.correlationId, actorId: 'system:campaigns' }, queue, e);
        return;
      } catch (err) {
        if (!String((err as Error).message).includes('injected fault') || attempt > 50) throw err;
      } finally {
        faults.on = false;
      }
    }
  }

  const world: CampaignWorld = {
    deps,
    queue,
    faults,
    clock,
    ctx,
    async settings(patch) {
      const repo = repoOf(deps, MessagingSettingsRepo);
      const current = await repo.get();
      await repo.put({ ...current, ...patch, version: current.version + 1 }, current.version);
    },
    async customers(n, tag, input = () => ({})) {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const c = await createCustomer(ctx(), { name: `Customer ${i}`, email: `c${i}.${tag}@example.com`, tags: [tag], consent: { email: { granted: true, source: 'signup' } }, ...input(i) });
        ids.push(c.id);
      }
      return ids;
    },
    async segment(tag) {
      const { segment } = await createSegment(ctx(), queue, { name: `Tagged ${tag}`, condition: { kind: 'tag', op: 'has', value: tag } });
      for (let batch = queue.take('jobs'); batch.length; batch = queue.take('jobs')) {
        for (const body of batch) {
          const { jobId, part } = parseJobMessage(body);
          if ((await runJobStep(ctx(), jobId, part)) === 'more') await queue.send('jobs', body);
        }
      }
      return segment.id;
    },
    async template(content = EMAIL, channel = 'email') {
      return (await createTemplate(ctx(), { name: 'Campaign template', channel, content })).id;
    },
    async pump() {
      let steps = 0;
      let events = 0;
      for (let round = 0; round < 10_000; round++) {
        await drainStream(deps);
        const fresh = publisher.events.slice(seen);
        seen = publisher.events.length;
        for (const e of fresh) {
          if ((CAMPAIGN_CONSUMES as readonly string[]).includes(e.type)) {
            events++;
            await consume(e);
          }
        }
        const jobs = queue.take('jobs');
        for (const body of jobs) {
          steps++;
          await runJob(body);
        }
        queue.take('timers'); // timers are fired from the due index below, as the sweep would
        const due: Timer[] = await deps.timers.due('2000-01-01T00:00:00.000Z', new Date(clock.t).toISOString());
        for (const t of due) await fireTimer({ deps, correlationId: `timer:${t.kind}`, actorId: `system:timer:${t.kind}` }, t, TIMER_HANDLERS);
        if (fresh.length === 0 && jobs.length === 0 && due.length === 0) {
          await drainStream(deps);
          if (publisher.events.length === seen) return { steps, events };
        }
      }
      throw new Error('the campaign world did not settle');
    },
    published: () => publisher.events,
  };
  await world.settings({ ...DEFAULT_MESSAGING_SETTINGS, quietHours: { ...DEFAULT_MESSAGING_SETTINGS.quietHours, enabled: false }, frequencyCaps: { perDay: 0, perWeek: 0, week: 'rolling' } });
  return world;
}
