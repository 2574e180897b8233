import { createDocumentClient, type Db } from '../store/client';
import { CustomersRepo } from '../store/customers-repo';
import { CheckoutsRepo } from '../store/checkouts-repo';
import { DuplicatesRepo } from '../store/duplicates-repo';
import { IdempotencyRepo } from '../store/idempotency-repo';
import { makeIdentityHasher, type IdentityHasher } from '../store/identity-hash';
import { MergeRepo } from '../store/merge-repo';
import { OrdersRepo } from '../store/orders-repo';
import { PartitionRepo } from '../store/partition-repo';
import { TimersRepo } from '../store/timers-repo';
import { DefinitionsRepo } from '../store/definitions-repo';
import { MembershipRepo } from '../store/membership-repo';
import { TagIndexRepo } from '../store/tag-index-repo';
import { JobsRepo } from '../store/jobs-repo';
import { TransfersRepo } from '../store/transfers-repo';
import { TicketsRepo } from '../store/tickets-repo';
import { AgentsRepo } from '../store/agents-repo';
import { SlaRepo } from '../store/sla-repo';
import { TasksRepo } from '../store/tasks-repo';
import { NotificationsRepo } from '../store/notifications-repo';
import { SurveysRepo } from '../store/surveys-repo';
import { CadencesRepo } from '../store/cadences-repo';
import { ServiceStatsRepo } from '../store/service-stats-repo';
import { deriveLinkKey } from '../domain/service/surveys';
import { derivePiiKey, installPiiCipher, PiiCipher } from '../store/pii-cipher';
import { loadKmsDataKey } from './kms-data-key';
import type { MessageSender } from './messaging';
import type { EventPublisher } from '../events/publisher';
import { loadConfig, type Config } from './config';
import type { BlobStore } from './blob-store';
import type { MessageQueue } from './message-queue';
import { systemClock, ulidIds, type Clock, type Ids } from './ports';

/** The composition root: every handler gets its ports from here; tests and the local runtime override them. */
export interface Deps {
  config: Config;
  db: Db;
  clock: Clock;
  ids: Ids;
  hash: IdentityHasher;
  customers: CustomersRepo;
  partition: PartitionRepo;
  merges: MergeRepo;
  duplicates: DuplicatesRepo;
  idempotency: IdempotencyRepo;
  orders: OrdersRepo;
  checkouts: CheckoutsRepo;
  transfers: TransfersRepo;
  timers: TimersRepo;
  definitions: DefinitionsRepo;
  membership: MembershipRepo;
  tagIndex: TagIndexRepo;
  /** Background jobs over many customers (backfills, rescores, bulk tags). */
  jobs: JobsRepo;
  // Service desk (issue 5)
  tickets: TicketsRepo;
  agents: AgentsRepo;
  sla: SlaRepo;
  tasks: TasksRepo;
  notifications: NotificationsRepo;
  surveys: SurveysRepo;
  cadences: CadencesRepo;
  serviceStats: ServiceStatsRepo;
  /** Signs the no-login links sent to customers (survey answers); derived from the identity key. */
  linkKey: Buffer;
  /**
   * Messages to customers (surveys, care). Senders use `messageSender(deps)` from ./messaging, which
   * falls back to the dev outbox in the table until a provider adapter is installed.
   */
  messages?: MessageSender;
  /** Only the outbox relay publishes; it composes the EventBridge adapter itself unless overridden. */
  publisher?: () => Promise<EventPublisher>;
  /**
   * Work queues (the ingest queue). Only producers send; they use `messageQueue(deps)` from
   * ./sqs-message-queue, which falls back to SQS from the environment, so no other bundle
   * carries the SQS client. The local runtime and tests install their own.
   */
  queue?: MessageQueue;
  /**
   * Import uploads and export files. Functions that touch files use `blobStore(deps)` from
   * ./s3-blob-store, which falls back to S3 from the environment; the local runtime installs a folder.
   */
  blobs?: BlobStore;
  /** The webhook signing secrets as JSON text (docs/webhooks.md), cached about 5 minutes; receivers only. */
  webhookSecrets?: () => Promise<string>;
}

/**
 * Reads a secret through the AWS Parameters and Secrets Lambda Extension (a layer set by the
 * function construct): a cached local HTTP call, with no Secrets Manager SDK client in the bundle.
 */
export async function readSecret(secretId: string): Promise<string> {
  const url = `http://localhost:${process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? 2773}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`;
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url, { headers: { 'X-Aws-Parameters-Secrets-Token': process.env.AWS_SESSION_TOKEN ?? '' } });
      if (!res.ok) throw new Error(`secrets extension answered ${res.status}`);
      const body = (await res.json()) as { SecretString?: string };
      if (!body.SecretString) throw new Error('secret has no string value');
      return body.SecretString;
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

async function identityKey(config: Config): Promise<Buffer> {
  if (config.identityKey) return Buffer.from(config.identityKey, 'base64');
  if (config.identityKeySecretArn) return Buffer.from(await readSecret(config.identityKeySecretArn), 'utf8');
  throw new Error('No identity hash key configured (CRM_IDENTITY_KEY or CRM_IDENTITY_KEY_SECRET_ARN)');
}

/** How long a secret read through the extension is kept in the process (the extension caches as long). */
export const SECRET_CACHE_MS = 5 * 60_000;

/** Memoizes `load` for `ttlMs`; a failed load is not kept. */
export function cachedFor<T>(ttlMs: number, load: () => Promise<T>, now: () => number = Date.now): () => Promise<T> {
  let value: Promise<T> | undefined;
  let until = 0;
  return () => {
    if (!value || now() >= until) {
      until = now() + ttlMs;
      const loading = load();
      loading.catch(() => {
        if (value === loading) value = undefined;
      });
      value = loading;
    }
    return value;
  };
}

export function buildDeps(config: Config, key: Buffer, overrides: Partial<Deps> = {}): Deps {
  const db = overrides.db ?? { doc: createDocumentClient(), tableName: config.tableName };
  // Locally and in tests the PII key is derived from the identity key; getDeps installs the KMS one in AWS.
  if (!config.piiKmsKeyArn) installPiiCipher(new PiiCipher(derivePiiKey(key)));
  const hash = makeIdentityHasher(key);
  return {
    config,
    db,
    clock: systemClock,
    ids: ulidIds(),
    hash,
    customers: new CustomersRepo(db, hash),
    partition: new PartitionRepo(db),
    merges: new MergeRepo(db, hash),
    duplicates: new DuplicatesRepo(db),
    idempotency: new IdempotencyRepo(db),
    orders: new OrdersRepo(db),
    checkouts: new CheckoutsRepo(db),
    transfers: new TransfersRepo(db),
    timers: new TimersRepo(db),
    definitions: new DefinitionsRepo(db),
    membership: new MembershipRepo(db),
    tagIndex: new TagIndexRepo(db),
    jobs: new JobsRepo(db),
    tickets: new TicketsRepo(db),
    agents: new AgentsRepo(db),
    sla: new SlaRepo(db),
    tasks: new TasksRepo(db),
    notifications: new NotificationsRepo(db),
    surveys: new SurveysRepo(db),
    cadences: new CadencesRepo(db),
    serviceStats: new ServiceStatsRepo(db),
    linkKey: deriveLinkKey(key),
    ...overrides,
  };
}

let current: Promise<Deps> | undefined;

export function getDeps(): Promise<Deps> {
  current ??= (async () => {
    const config = loadConfig();
    const deps = buildDeps(config, await identityKey(config));
    if (config.piiKmsKeyArn) {
      const key = await loadKmsDataKey(deps.db, config.piiKmsKeyArn, config.tableWrite);
      installPiiCipher(new PiiCipher(key));
      // A read-only function that started before the key existed asks again on its next invocation.
      if (!key) current = undefined;
    }
    return deps;
  })();
  return current;
}

/** Used by the local runtime and tests to install their own ports for every handler in the process. */
export function setDeps(deps: Deps | undefined): void {
  current = deps ? Promise.resolve(deps) : undefined;
}
