import { createDocumentClient, type Db } from '../store/client';
import { CustomersRepo } from '../store/customers-repo';
import { DuplicatesRepo } from '../store/duplicates-repo';
import { IdempotencyRepo } from '../store/idempotency-repo';
import { makeIdentityHasher, type IdentityHasher } from '../store/identity-hash';
import { MergeRepo } from '../store/merge-repo';
import { PartitionRepo } from '../store/partition-repo';
import type { EventPublisher } from '../events/publisher';
import { loadConfig, type Config } from './config';
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
  /** Only the outbox relay publishes; it composes the EventBridge adapter itself unless overridden. */
  publisher?: () => Promise<EventPublisher>;
}

/**
 * Reads a secret through the AWS Parameters and Secrets Lambda Extension (a layer set by the
 * function construct): a cached local HTTP call, with no Secrets Manager SDK client in the bundle.
 */
async function readSecret(secretId: string): Promise<string> {
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

export function buildDeps(config: Config, key: Buffer, overrides: Partial<Deps> = {}): Deps {
  const db = overrides.db ?? { doc: createDocumentClient(), tableName: config.tableName };
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
    ...overrides,
  };
}

let current: Promise<Deps> | undefined;

export function getDeps(): Promise<Deps> {
  current ??= (async () => {
    const config = loadConfig();
    return buildDeps(config, await identityKey(config));
  })();
  return current;
}

/** Used by the local runtime and tests to install their own ports for every handler in the process. */
export function setDeps(deps: Deps | undefined): void {
  current = deps ? Promise.resolve(deps) : undefined;
}
