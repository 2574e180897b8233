import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import type { Role } from '../../shared/domain/roles';
import { loadConfig } from '../../shared/runtime/config';
import { buildDeps, setDeps } from '../../shared/runtime/deps';
import { LocalBlobStore } from '../../shared/runtime/local-blob-store';
import { TRANSFER_RETENTION_DAYS } from '../../shared/domain/transfers';
import type { MessageQueue } from '../../shared/runtime/message-queue';
import { createDocumentClient } from '../../shared/store/client';
import { BLOB_PREFIXES } from '../../shared/store/keys';
import { guardTable } from './iam-guard';
import { consumerFunctions, queueFunctions, streamRecordMatches, WIRING, type ConsumerSpec, type FunctionSpec } from '../wiring';
import { ensureTable, LOCAL_CREDENTIALS, startDynamoLocal, type DynamoLocal } from './dynamodb-local';
import { startHttpServer, type LocalAdmin, type LocalHttpServer } from './http-server';
import { invoke, LOCAL_ACCOUNT, LOCAL_REGION } from './lambda-host';
import { LocalBus } from './local-bus';
import { LocalQueue } from './local-queue';
import { StreamPoller } from './stream-poller';
import { defaultStateDir, LOCAL_CLIENT_ID, loadOrCreateKeys, mintToken, type MintOptions } from './tokens';
import { ensureWebhookSecrets, webhookSecretsReader } from './webhook-secrets';

/**
 * The whole CRM on one machine, driven by the wiring table: DynamoDB Local (unless an endpoint is
 * given), the table from the shared definition, local secrets, the handlers' ports, the stream
 * poller feeding the outbox relay, the in-process bus, a queue (+DLQ) per consumer and per work
 * queue (the ingest queue the webhook receivers send to), the schedules and the HTTP server.
 */
export interface LocalStackOptions {
  /** HTTP port; 0 picks a free one. Default 3000. */
  port?: number;
  /** Persist the table under this directory (DynamoDB Local `-dbPath`); in memory when absent. */
  dataDir?: string;
  /** Reuse a running DynamoDB Local (tests) instead of starting one. */
  dynamoEndpoint?: string;
  tableName?: string;
  /** Local secrets and stream checkpoints. Default `<repo>/.crm-local`. */
  stateDir?: string;
  /** The local stand-in for the visibility timeout (queue retries) and the stream retry delay. Default 1000 ms. */
  retryDelayMs?: number;
  streamPollMs?: number;
  corsOrigins?: readonly string[];
  /** Print nothing at all, not even handler errors (tests). */
  quiet?: boolean;
  /** Also print each request and the runtime's own progress. */
  verbose?: boolean;
}

export interface LocalStack {
  url: string;
  port: number;
  tableName: string;
  dynamoEndpoint: string;
  bus: LocalBus;
  /** Every queue by name: one per event consumer (its function's name) and one per work queue (e.g. `ingest`). */
  queues: Map<string, LocalQueue>;
  /** The webhook signing secrets the receivers check (`<stateDir>/webhook-secrets.json`). */
  webhookSecretsFile: string;
  /** Import uploads and export files (`<stateDir>/blobs`), served at signed URLs of the local server. */
  blobs: LocalBlobStore;
  stream: StreamPoller;
  stop(): Promise<void>;
  runSchedule(name: string): Promise<unknown>;
  mintToken(role: Role, opts?: Omit<MintOptions, 'role'>): Promise<string>;
  waitForIdle(timeoutMs?: number): Promise<void>;
  /** A consumer that is not in the wiring table (tests): its own queue, routed like the others. */
  addConsumer(name: string, spec: ConsumerSpec, handler: (event: SQSEvent) => Promise<unknown>): LocalQueue;
  admin: LocalAdmin;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function observabilityDefaults(quiet: boolean): Promise<void> {
  process.env.AWS_NODEJS_SUPPRESS_NODE_VERSION_WARNING ??= '1';
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true'; // EMF goes to CloudWatch in AWS; here it would only flood stdout
  if (quiet && !process.env.POWERTOOLS_LOG_LEVEL) process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  const { rootLogger } = await import('../../shared/runtime/observability');
  if (quiet) rootLogger.setLogLevel((process.env.POWERTOOLS_LOG_LEVEL ?? 'SILENT') as never);
}

export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const quiet = opts.quiet ?? false;
  const say = (level: 'info' | 'error', msg: string, extra?: Record<string, unknown>) => {
    if (quiet || (level === 'info' && !opts.verbose)) return;
    (level === 'error' ? console.error : console.log)(`[crm-local] ${msg}${extra ? ` ${JSON.stringify(extra)}` : ''}`);
  };
  await observabilityDefaults(quiet);
  const stateDir = resolve(opts.stateDir ?? defaultStateDir());
  const keys = loadOrCreateKeys(stateDir);
  const webhookSecretsFile = ensureWebhookSecrets(stateDir);
  const retryDelayMs = opts.retryDelayMs ?? 1000;
  const tableName = opts.tableName ?? 'crm-local';
  const cleanups: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch((e) => say('error', 'stop step failed', { error: String(e) }));
  };

  try {
    let ddb: DynamoLocal | undefined;
    if (!opts.dynamoEndpoint) {
      if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
      ddb = await startDynamoLocal(opts.dataDir ? { dataDir: resolve(opts.dataDir) } : {});
      cleanups.push(() => ddb!.stop());
    }
    const endpoint = opts.dynamoEndpoint ?? ddb!.endpoint;
    const streamArn = await ensureTable(endpoint, tableName);

    const bus = new LocalBus();
    const doc = createDocumentClient({ endpoint, credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION });
    guardTable(doc);
    cleanups.push(() => doc.destroy());
    const queues = new Map<string, LocalQueue>();
    const workQueues: MessageQueue = {
      send: async (name, body, opts) => {
        const queue = queues.get(name);
        if (!queue) throw new Error(`no work queue named ${name}: no function in infra/wiring.ts consumes it`);
        queue.send(body, (opts?.delaySeconds ?? 0) * 1000);
      },
    };
    const config = { ...loadConfig(), tableName };
    // Integration clients (issue 7): the bootstrap integration token (`npm run token -- --role integration`, client crm-local-app) is granted every route by configuration.
    config.trustedIntegrationClients = [...new Set([...config.trustedIntegrationClients, LOCAL_CLIENT_ID])];
    // The local S3: a folder under the state dir; import and export files older than the bucket's
    // lifecycle rules go at start (the analytics lake and attachments are kept, as in AWS).
    const blobs = new LocalBlobStore(join(stateDir, 'blobs'));
    await blobs.sweep(TRANSFER_RETENTION_DAYS * 86_400_000, [BLOB_PREFIXES.imports, BLOB_PREFIXES.exports]);
    setDeps(
      buildDeps(config, keys.identityKey, {
        db: { doc, tableName },
        publisher: async () => bus,
        queue: workQueues,
        webhookSecrets: webhookSecretsReader(webhookSecretsFile),
        blobs,
      }),
    );
    cleanups.push(() => setDeps(undefined));

    const onError = (where: string, err: unknown) => say('error', `${where}: handler threw`, { error: err instanceof Error ? err.message : String(err) });
    const addQueue = (name: string, spec: Omit<ConsumerSpec, 'events'> & { events?: ConsumerSpec['events'] }, handler: (event: SQSEvent) => Promise<unknown>) => {
      if (queues.has(name)) throw new Error(`a queue named ${name} exists already`);
      const queue = new LocalQueue({ name, batchSize: spec.batchSize, maxReceiveCount: spec.maxReceiveCount, retryDelayMs, handler, onError, ...(spec.maxConcurrency ? { concurrency: spec.maxConcurrency } : {}) });
      queues.set(name, queue);
      if (spec.events) bus.addRoute({ name, events: spec.events, queue });
      cleanups.push(() => queue.stop());
      return queue;
    };
    for (const fn of consumerFunctions()) addQueue(fn.name, fn.consumer, (event) => invoke(fn, event));
    // Work queues: fed by the functions that send to them (through the `queue` port), not by the bus.
    for (const fn of queueFunctions()) addQueue(fn.queue.name, fn.queue, (event) => invoke(fn, event));

    const relay = WIRING.find((f): f is FunctionSpec & { stream: NonNullable<FunctionSpec['stream']> } => !!f.stream);
    if (!relay) throw new Error('the wiring table has no stream consumer (outbox relay)');
    const stream = new StreamPoller({
      endpoint,
      streamArn,
      batchSize: relay.stream.batchSize,
      maxRetries: relay.stream.maxRetries,
      retryDelayMs,
      ...(opts.streamPollMs ? { intervalMs: opts.streamPollMs } : {}),
      // Only a persisted table outlives this process: remember where its stream was read up to.
      ...(opts.dataDir ? { checkpointFile: join(stateDir, `stream-checkpoints-${tableName}-${createHash('sha256').update(resolve(opts.dataDir)).digest('hex').slice(0, 12)}.json`) } : {}),
      filter: (r) => streamRecordMatches(relay.stream.filters, r),
      invoke: (event) => invoke(relay, event),
      onError: (what, err) => say('error', what, { error: err instanceof Error ? err.message : String(err) }),
    });
    stream.start();
    cleanups.push(() => stream.stop());

    let schedulesRunning = 0;
    const runSchedule = async (name: string) => {
      const fn = WIRING.find((f) => f.name === name && f.schedule);
      if (!fn) throw new Error(`no scheduled function named ${name}`);
      schedulesRunning++;
      try {
        const rule = `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:rule/crm-local-${name}`;
        const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
        return await invoke(fn, { version: '0', id: randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: LOCAL_ACCOUNT, time: now, region: LOCAL_REGION, resources: [rule], detail: {} });
      } finally {
        schedulesRunning--;
      }
    };
    for (const fn of WIRING) {
      if (!fn.schedule) continue;
      const run = () => runSchedule(fn.name).catch((e) => onError(`schedule ${fn.name}`, e));
      if (fn.schedule.atUtc) {
        // Daily at a fixed UTC time, as the cron rule in AWS: first at the next occurrence.
        let timer: NodeJS.Timeout | undefined;
        const arm = () => {
          timer = setTimeout(() => {
            void run();
            arm();
          }, msUntilUtc(fn.schedule!.atUtc!, Date.now()));
          timer.unref?.();
        };
        arm();
        cleanups.push(() => clearTimeout(timer));
        continue;
      }
      const timer = setInterval(run, fn.schedule.everyMinutes * 60_000);
      cleanups.push(() => clearInterval(timer));
    }

    const sources = () => [...queues.values(), stream];
    const pick = (queue?: string) => {
      const found = sources().filter((s) => !queue || s.name === queue);
      if (queue && found.length === 0) throw new Error(`no queue named ${queue}; queues: ${sources().map((s) => s.name).join(', ')}`);
      return found;
    };
    const admin: LocalAdmin = {
      listDeadLetters: (queue) => pick(queue).map((s) => ({ queue: s.name, depth: s.deadLetters().length, messages: s.deadLetters() })),
      replayDeadLetters: (queue) => pick(queue).map((s) => ({ queue: s.name, moved: s.replayDeadLetters() })),
      health: () => ({ table: tableName, queues: [...queues.values()].map((q) => q.stats()), published: bus.published, streamRecords: stream.recordsSeen }),
      // Analytics (issue 9): POST /_local/schedules/{name} runs a schedule now.
      runSchedule,
    };

    const server: LocalHttpServer = await startHttpServer({
      blobs,
      port: opts.port ?? 3000,
      keys,
      admin,
      ...(opts.corsOrigins ? { corsOrigins: opts.corsOrigins } : {}),
      log: say,
    });
    cleanups.push(() => server.close());
    blobs.setBaseUrl(server.url);

    const queuesIdle = () => [...queues.values()].every((q) => q.isIdle()) && schedulesRunning === 0;
    const waitCycles = async (target: number, deadline: number) => {
      while (stream.cycles < target && Date.now() < deadline) await sleep(10);
    };
    const waitForIdle = async (timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (Date.now() > deadline) {
          const busy = [...queues.values()].map((q) => q.stats()).filter((s) => s.visible + s.delayed + s.inFlight > 0);
          throw new Error(`the local stack is not idle after ${timeoutMs} ms: ${JSON.stringify(busy)}`);
        }
        if (!queuesIdle()) {
          await sleep(10);
          continue;
        }
        const cycles = stream.cycles;
        const seen = stream.recordsSeen;
        // Two whole poll cycles that began after the queues went quiet, and no new stream record.
        await waitCycles(cycles + 2, deadline);
        if (queuesIdle() && stream.recordsSeen === seen && stream.cycles >= cycles + 2) return;
      }
    };

    say('info', `listening on ${server.url} (table ${tableName} at ${endpoint})`);
    return {
      url: server.url,
      port: server.port,
      tableName,
      dynamoEndpoint: endpoint,
      bus,
      queues,
      webhookSecretsFile,
      blobs,
      stream,
      admin,
      stop: stopAll,
      runSchedule,
      mintToken: (role, o = {}) => mintToken(keys, { ...o, role }),
      waitForIdle,
      addConsumer: addQueue,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Milliseconds from `now` to the next `HH:MM` UTC (a full day when it is that minute now). */
export function msUntilUtc(atUtc: string, now: number): number {
  const [h, m] = atUtc.split(':').map(Number) as [number, number];
  const d = new Date(now);
  let next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), h, m);
  if (next <= now) next += 86_400_000;
  return next - now;
}
