import { BatchWriteCommand, PutCommand, type BatchWriteCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, LOCAL_CREDENTIALS } from '../infra/local/dynamodb-local';
import { StreamPoller } from '../infra/local/stream-poller';
import { streamRecordMatches, WIRING } from '../infra/wiring';
import { handler as relay } from '../functions/workers/outbox-relay';
import { parseCondition } from '../shared/domain/conditions';
import { newCustomer } from '../shared/domain/customer';
import { DEFAULT_MESSAGING_SETTINGS } from '../shared/domain/messaging/settings';
import type { EventEnvelope } from '../shared/events/envelope';
import { loadConfig } from '../shared/runtime/config';
import { buildDeps, setDeps, type Deps } from '../shared/runtime/deps';
import type { MessageQueue, QueueName, SendOptions } from '../shared/runtime/message-queue';
import { DevOutbox } from '../shared/runtime/messaging';
import { createDocumentClient } from '../shared/store/client';
import { profileItem } from '../shared/store/customer-items';
import { segmentRefKeys } from '../shared/store/keys';
import { SEGMENT_REF_ENTITY } from '../shared/store/membership-repo';
import { MessagingSettingsRepo } from '../shared/store/messaging-settings-repo';
import { repoOf } from '../shared/store/repo-of';
import { campaigns, createCampaign } from '../shared/usecases/campaigns/campaigns';
import { CAMPAIGN_EVENTS } from '../shared/usecases/campaigns/event-types';
import { onCampaignEvent } from '../shared/usecases/campaigns/events';
import { installCampaignMessaging, sendPipeline } from '../shared/usecases/campaigns/messaging-port';
import { scheduleCampaign } from '../shared/usecases/campaigns/lifecycle';
import { parseJobMessage } from '../shared/usecases/jobs/jobs';
import { runJobStep } from '../shared/usecases/jobs/steps';
import { deliver } from '../shared/usecases/messaging/deliver';
import { createTemplate } from '../shared/usecases/messaging/templates';
import { onFreshDynamo, round, type Result } from './lib';

/**
 * A campaign to a segment of N customers (CRM_BENCH_CAMPAIGN_SIZE, default 20,000) on DynamoDB
 * Local, driven in process as the jobs worker would run it (4 job messages at once, the stream
 * relay and the campaign-events consumer). Run 1, clean: the time to fan out (schedule → every
 * recipient written), messages per second through the captured channel (the dev outbox) against
 * the bare PutItem rate of the same DynamoDB Local measured before and after (64 at once), and
 * write units per recipient (ConsumedCapacity of every write of the campaign, the send pipeline's
 * included). Run 2, on a quarter of the segment with injected faults (2 % of worker writes fail
 * before or after reaching the table; 10 % of job messages delivered twice): duplicates (a
 * customer with two campaign messages) and cap violations (more marketing messages than the daily
 * cap of 1; 2 % of customers got one earlier that day) must both be zero.
 */
/** Job messages at once (each delivery step sends 16 at a time): 4 × 16 in flight, as four workers would. */
const WIDTH = 4;
const LEASE_MS = 121_000;
/** The baseline's concurrency: as many writes in flight as the campaign has (4 steps × 16 sends). */
const BARE_WIDTH = 64;

interface World {
  deps: Deps;
  wcu: { n: number; on: boolean; fanout: number };
  faults: { rate: number; redeliver: number; on: boolean; injected: number };
  skewMs: { v: number };
}

function faultyDoc(doc: DynamoDBDocumentClient, f: World['faults']): DynamoDBDocumentClient {
  return new Proxy(doc, {
    get(target, prop, receiver) {
      if (prop !== 'send') return Reflect.get(target, prop, receiver);
      return async (command: { constructor: { name: string } }, ...rest: unknown[]) => {
        const send = () => (target.send as (...a: unknown[]) => Promise<unknown>)(command, ...rest);
        if (!f.on || !/Put|Update|Delete|Write/.test(command.constructor.name) || Math.random() >= f.rate) return send();
        f.injected++;
        if (Math.random() < 0.5) throw new Error('injected fault');
        await send();
        throw new Error('injected fault');
      };
    },
  });
}

async function world(endpoint: string, tag: string): Promise<World & { streamArn: string; tableName: string; raw: DynamoDBDocumentClient }> {
  const tableName = `crm-bench-cmp-${tag}-${Date.now()}`;
  const streamArn = await ensureTable(endpoint, tableName);
  const raw = createDocumentClient({ endpoint, credentials: LOCAL_CREDENTIALS });
  const wcu = { n: 0, on: false, fanout: 0 };
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const out = await next(args);
      if (wcu.on && /Put|Update|Delete|Write/.test(String(context.commandName))) {
        const c = (out.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
        for (const x of (Array.isArray(c) ? c : c ? [c] : []) as { CapacityUnits?: number; WriteCapacityUnits?: number }[]) wcu.n += x.WriteCapacityUnits ?? x.CapacityUnits ?? 0;
      }
      return out;
    },
    { step: 'initialize', name: 'countWrites' },
  );
  const faults = { rate: 0, redeliver: 0, on: false, injected: 0 };
  const skewMs = { v: 0 };
  const deps = buildDeps({ ...loadConfig({}), tableName }, Buffer.alloc(32, 3), { db: { doc: faultyDoc(raw, faults), tableName }, clock: { now: () => new Date(Date.now() + skewMs.v) } });
  return { deps, wcu, faults, skewMs, streamArn, tableName, raw };
}

async function batchPut(doc: DynamoDBDocumentClient, tableName: string, items: Record<string, unknown>[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: WIDTH }, async () => {
      while (next < items.length) {
        let batch: unknown[] | undefined = items.slice(next, (next += 25)).map((Item) => ({ PutRequest: { Item } }));
        while (batch?.length) batch = ((await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: batch as never } }))) as BatchWriteCommandOutput).UnprocessedItems?.[tableName];
      }
    }),
  );
}

/** The bare rate: small items PutItem'd 64 at once, nothing else (items/s). */
async function bareWrites(doc: DynamoDBDocumentClient, tableName: string, n = 3000): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: BARE_WIDTH }, async () => {
      while (next < n) {
        const i = next++;
        await doc.send(new PutCommand({ TableName: tableName, Item: { PK: `BARE#${i % 16}#${Date.now()}`, SK: String(i), entity: 'bench', state: 'queued', wave: 'main', at: new Date().toISOString() } }));
      }
    }),
  );
  return (n / (performance.now() - t0)) * 1000;
}

/** Runs the campaign to its end: job messages 4 at once, the stream relay, the campaign-events consumer. */
async function drive(w: World & { streamArn: string }, endpoint: string, campaignId: string, onFanoutDone: () => void): Promise<void> {
  const jobs: { body: string; at: number }[] = [];
  const queue: MessageQueue = { send: async (q: QueueName, body: string, o?: SendOptions) => void (q === 'jobs' && jobs.push({ body, at: Date.now() + w.skewMs.v + (o?.delaySeconds ?? 0) * 1000 })) };
  w.deps.queue = queue;
  const events: EventEnvelope[] = [];
  setDeps({ ...w.deps, publisher: async () => ({ publish: async (es: EventEnvelope[]) => (events.push(...es), { failedIds: [] }) }) });
  const spec = WIRING.find((f) => f.stream)!;
  const poller = new StreamPoller({ endpoint, streamArn: w.streamArn, batchSize: 100, maxRetries: 3, retryDelayMs: 10, filter: (r) => streamRecordMatches(spec.stream!.filters, r), invoke: (e) => relay(e), onError: () => undefined });
  const ctx = { deps: w.deps, correlationId: 'bench', actorId: 'system:bench' };
  const delivered = { n: 0 };
  const pipeline = sendPipeline();
  installCampaignMessaging(w.deps, { ...pipeline, deliver: async (c, req) => (delivered.n++, pipeline.deliver(c, req)) });
  let fanoutSeen = false;
  let steps = 0;
  let where = 'start';
  const progress = process.env.CRM_BENCH_VERBOSE
    ? setInterval(() => console.error(`[campaigns bench] ${where}: ${steps} steps, ${delivered.n} deliveries, ${jobs.length} queued, skew ${w.skewMs.v} ms, injected ${w.faults.injected}`), 15_000)
    : undefined;
  try {
  for (;;) {
    where = 'stream';
    await poller.drain();
    for (const e of events.splice(0)) {
      if (!(CAMPAIGN_EVENTS as readonly string[]).includes(e.type)) continue;
      for (let attempt = 0; ; attempt++) {
        w.faults.on = true;
        try {
          await onCampaignEvent(ctx, queue, e);
          break;
        } catch (err) {
          if (attempt > 50) throw err;
        } finally {
          w.faults.on = false;
        }
      }
    }
    where = 'jobs';
    const now = Date.now() + w.skewMs.v;
    const ready = jobs.filter((j) => j.at <= now);
    for (const j of ready) jobs.splice(jobs.indexOf(j), 1);
    let next = 0;
    await Promise.all(
      Array.from({ length: WIDTH }, async () => {
        while (next < ready.length) {
          const { body } = ready[next++]!;
          steps++;
          const { jobId, part } = parseJobMessage(body);
          w.faults.on = true;
          try {
            const r = await runJobStep({ ...ctx, correlationId: `job:${jobId}` }, jobId, part, { deadline: Date.now() + 20_000 });
            if (r === 'more') await queue.send('jobs', body);
            if (w.faults.redeliver && Math.random() < w.faults.redeliver) await queue.send('jobs', body);
          } catch (err) {
            const leased = (err as { extra?: { rule?: string } }).extra?.rule === 'delivery-in-progress';
            jobs.push({ body, at: Date.now() + w.skewMs.v + (leased ? LEASE_MS : 0) });
          } finally {
            w.faults.on = false;
          }
        }
      }),
    );
    if (!fanoutSeen && (await campaigns(w.deps).getRun(campaignId))?.fanoutDoneAt) {
      fanoutSeen = true;
      onFanoutDone();
    }
    const c = await campaigns(w.deps).get(campaignId);
    if (c?.status === 'completed' && jobs.length === 0) return;
    if (ready.length === 0 && events.length === 0 && jobs.length) w.skewMs.v += Math.max(0, Math.min(...jobs.map((j) => j.at)) - (Date.now() + w.skewMs.v)); // only leased sends are left: let their lease end
  }
  } finally {
    clearInterval(progress);
  }
}

async function run(endpoint: string, size: number, faulty: boolean) {
  const say = (what: string) => process.env.CRM_BENCH_VERBOSE && console.error(`[campaigns bench] ${faulty ? 'faults' : 'clean'}: ${what}`);
  const w = await world(endpoint, faulty ? 'faults' : 'clean');
  const { deps } = w;
  const ctx = { deps, correlationId: 'bench', actorId: 'bench' };
  await deps.definitions.putValueConfig({ baseCurrency: 'USD', version: 1 }, 0);
  const settings = repoOf(deps, MessagingSettingsRepo);
  await settings.put({ ...DEFAULT_MESSAGING_SETTINGS, quietHours: { ...DEFAULT_MESSAGING_SETTINGS.quietHours, enabled: false }, frequencyCaps: { perDay: 1, perWeek: 0, week: 'rolling' }, version: 1 }, 0);
  const at = new Date().toISOString();
  await deps.definitions.putSegment({ id: '01JBENCHSEGMENT00000000000', name: 'Bench', condition: parseCondition({ kind: 'tag', op: 'has', value: 'bench' }), version: 1, createdAt: at, updatedAt: at });
  const items: Record<string, unknown>[] = [];
  const ids: string[] = [];
  for (let i = 0; i < size; i++) {
    const id = `01JBENCH${String(i).padStart(18, '0')}`;
    ids.push(id);
    items.push(profileItem(newCustomer(id, { name: `Customer ${i}`, email: `c${i}@example.com`, tags: ['bench'], consent: { email: { granted: i % 20 !== 0, source: 'signup' } } }, at)));
    items.push({ ...segmentRefKeys(id, '01JBENCHSEGMENT00000000000'), entity: SEGMENT_REF_ENTITY, segmentId: '01JBENCHSEGMENT00000000000', customerId: id, enteredAt: at });
  }
  say(`seeding ${size} customers`);
  await batchPut(w.raw, w.tableName, items);
  const templateId = (await createTemplate(ctx, { name: 'Bench', channel: 'email', content: { subject: 'Spring sale for {{ customer.firstName | default: "you" }}', html: '<p>Hi {{ customer.firstName | default: "there" }}</p>' } })).id;
  // 2 % got a marketing message earlier today: the daily cap of 1 must skip them.
  const capped = ids.filter((_, i) => i % 50 === 7);
  const cappedWithConsent = ids.filter((_, i) => i % 50 === 7 && i % 20 !== 0).length;
  for (const id of capped) await deliver(ctx, { key: `bench:${id}`, customerId: id, channel: 'email', templateId, purpose: 'marketing', source: { kind: 'manual', id: 'bench' } });

  say('bare writes');
  const bareBefore = await bareWrites(w.raw, w.tableName);
  say('campaign');
  const c = await createCampaign(ctx, { name: 'Bench', audience: { segmentIds: ['01JBENCHSEGMENT00000000000'] }, variants: [{ channel: 'email', templateId }], sendRatePerSecond: 10_000 });
  if (faulty) Object.assign(w.faults, { rate: 0.02, redeliver: 0.1 });
  w.wcu.on = true;
  const t0 = performance.now();
  let fanoutMs = 0;
  say('schedule');
  await scheduleCampaign(ctx, c.id);
  say('drive');
  await drive(w, endpoint, c.id, () => {
    fanoutMs = performance.now() - t0;
    w.wcu.fanout = w.wcu.n;
  });
  const totalMs = performance.now() - t0;
  w.wcu.on = false;
  say('bare writes');
  const bareAfter = await bareWrites(w.raw, w.tableName);
  say('counting');

  const outbox = (await new DevOutbox({ doc: w.raw, tableName: w.tableName }).list(size * 2)).filter((m) => m.customerId);
  const campaignMsgs = new Map<string, number>();
  const marketing = new Map<string, number>();
  for (const m of outbox) {
    if (m.refs?.sourceId === c.id) campaignMsgs.set(m.customerId!, (campaignMsgs.get(m.customerId!) ?? 0) + 1);
    if (m.purpose === 'marketing') marketing.set(m.customerId!, (marketing.get(m.customerId!) ?? 0) + 1);
  }
  const sent = campaignMsgs.size;
  const times = outbox.filter((m) => m.refs?.sourceId === c.id).map((m) => Date.parse(m.sentAt));
  const sendSpanMs = Math.max(1, Math.max(...times) - Math.min(...times));
  const expected = ids.filter((_, i) => i % 20 !== 0).length - cappedWithConsent;
  return {
    fanoutMs,
    totalMs,
    sent,
    expected,
    perSecond: (sent / sendSpanMs) * 1000,
    bare: (bareBefore + bareAfter) / 2,
    wcuPerRecipient: w.wcu.n / size,
    wcuFanout: w.wcu.fanout / size,
    duplicates: [...campaignMsgs.values()].filter((n) => n > 1).length,
    capViolations: [...marketing.values()].filter((n) => n > 1).length,
    injected: w.faults.injected,
  };
}

export async function benchCampaigns(size = Number(process.env.CRM_BENCH_CAMPAIGN_SIZE ?? 20_000)): Promise<Result[]> {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  const clean = await onFreshDynamo((endpoint) => run(endpoint, size, false));
  if (clean.sent !== clean.expected) throw new Error(`the clean run sent ${clean.sent} messages, expected ${clean.expected}`);
  const faultSize = Math.max(200, Math.round(size / 4));
  const faulty = await onFreshDynamo((endpoint) => run(endpoint, faultSize, true));
  const ratio = clean.perSecond / clean.bare;
  const note = `${size} customers in one segment (5 % without consent, 2 % already at the daily cap of 1), one e-mail variant, send rate 10,000/s, 4 job messages at once (16 sends each) in one process on DynamoDB Local`;
  return [
    { name: 'campaign fan-out time', value: round(clean.fanoutMs / 1000, 1), unit: 's', target: null, better: 'lower', note: `${note}; schedule → every recipient item written (fan-out job of 16 parts); whole campaign ${round(clean.totalMs / 1000, 1)} s` },
    { name: 'campaign messages per second', value: round(clean.perSecond, 0), unit: 'ops/s', target: null, better: 'higher', note: `${clean.sent} messages through deliver() into the dev outbox, first to last; ${note}` },
    { name: 'campaign send rate vs bare PutItem rate', value: round(ratio, 3), unit: 'ratio', target: null, better: 'higher', note: `messages/s over small PutItems/s 64 at once (the campaign's writes in flight) on the same DynamoDB Local, mean of before and after the campaign: ${round(clean.bare, 0)}/s; a message is about 20 calls, transactions among them` },
    { name: 'campaign write units per recipient', value: round(clean.wcuPerRecipient, 2), unit: 'WRU', target: null, better: 'lower', note: `ConsumedCapacity of every write from schedule to completion over recipients: the fan-out ${round(clean.wcuFanout, 2)} (recipient item and its state index, counters, job checkpoints), the rest the delivery — the send pipeline (message, key claim, ledger, stats, timeline, outbox events, the dev outbox, the relay's aggregates) and the recipient's state and last-campaign mark` },
    { name: 'campaign duplicates under injected failures', value: faulty.duplicates, unit: 'count', target: 0, better: 'lower', note: `${faultSize} customers; ${faulty.injected} faults injected (2 % of worker writes, before or after the write) and 10 % of job messages delivered twice; customers with two campaign messages (${faulty.sent} sent of ${faulty.expected} expected)` },
    { name: 'campaign cap violations under injected failures', value: faulty.capViolations, unit: 'count', target: 0, better: 'lower', note: 'customers with more marketing messages that day than the cap of 1 (2 % had one before the campaign)' },
    { name: 'campaign messages missing under injected failures', value: Math.abs(faulty.expected - faulty.sent), unit: 'count', target: 0, better: 'lower', note: 'consenting, uncapped members that got no message (or extra ones)' },
  ];
}

if (require.main === module) {
  // Run alone: `CRM_BENCH_CAMPAIGN_SIZE=2000 npx tsx bench/campaigns.ts`
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  void (async () => {
    const results = await benchCampaigns();
    const { printTable } = await import('./lib');
    console.log(printTable(results));
  })().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
