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
  publisher: () => Promise<EventPublisher>;
}

async function identityKey(config: Config): Promise<Buffer> {
  if (config.identityKey) return Buffer.from(config.identityKey, 'base64');
  if (config.identityKeySecretArn) {
    const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    const res = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: config.identityKeySecretArn }));
    return Buffer.from(res.SecretString ?? '', 'utf8');
  }
  throw new Error('No identity hash key configured (CRM_IDENTITY_KEY or CRM_IDENTITY_KEY_SECRET_ARN)');
}

export function buildDeps(config: Config, key: Buffer, overrides: Partial<Deps> = {}): Deps {
  const db = overrides.db ?? { doc: createDocumentClient(), tableName: config.tableName };
  const hash = makeIdentityHasher(key);
  let publisher: Promise<EventPublisher> | undefined;
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
    publisher: () =>
      (publisher ??= import('../events/eventbridge-publisher').then((m) => new m.EventBridgePublisher(config.eventBusName))),
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
