import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { NotFoundError } from '../../domain/errors';
import type { Deps } from '../../runtime/deps';
import { JourneySecretsRepo, type StoredSecret } from '../../store/journey-secrets-repo';
import { repoOf } from '../../store/repo-of';
import type { Ctx } from '../customers';

/**
 * Journey webhook secrets: the signing keys of "call a webhook" steps, named by the step
 * (`secretRef`) and kept in the table only encrypted — AES-256-GCM with a key derived from the
 * deployment's identity key (which lives in Secrets Manager, or `.crm-local/` locally), the secret
 * name as additional data, so a sealed value cannot be moved to another name. The API never
 * returns a value, only its last four characters. Rotating: PUT the new value; the next call signs
 * with it (the receiver should accept both for a while).
 */
const sealingKey = (deps: Pick<Deps, 'linkKey'>) => createHmac('sha256', deps.linkKey).update('crm/journey-webhook-secrets/v1').digest();

export function seal(deps: Pick<Deps, 'linkKey'>, name: string, value: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', sealingKey(deps), iv);
  c.setAAD(Buffer.from(name, 'utf8'));
  const body = Buffer.concat([c.update(value, 'utf8'), c.final()]);
  return Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');
}

export function unseal(deps: Pick<Deps, 'linkKey'>, name: string, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64url');
  const d = createDecipheriv('aes-256-gcm', sealingKey(deps), raw.subarray(0, 12));
  d.setAAD(Buffer.from(name, 'utf8'));
  d.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8');
}

export interface SecretInfo {
  name: string;
  hint: string;
  updatedAt: string;
  updatedBy: string;
}

const info = (s: StoredSecret): SecretInfo => ({ name: s.name, hint: s.hint, updatedAt: s.updatedAt, updatedBy: s.updatedBy });

export async function putSecret(ctx: Ctx, name: string, value: string): Promise<SecretInfo> {
  const s: StoredSecret = { name, sealed: seal(ctx.deps, name, value), hint: `…${value.slice(-4)}`, updatedAt: ctx.deps.clock.now().toISOString(), updatedBy: ctx.actorId };
  await repoOf(ctx.deps, JourneySecretsRepo).put(s);
  return info(s);
}

export async function listSecrets(ctx: Ctx): Promise<SecretInfo[]> {
  return (await repoOf(ctx.deps, JourneySecretsRepo).list()).map(info).sort((a, b) => (a.name < b.name ? -1 : 1));
}

export async function deleteSecret(ctx: Ctx, name: string): Promise<void> {
  if (!(await repoOf(ctx.deps, JourneySecretsRepo).delete(name))) throw new NotFoundError('Journey secret', name);
}

/** The plain value of a secret for signing, or undefined when there is none. */
export async function secretValue(deps: Deps, name: string): Promise<string | undefined> {
  const s = await repoOf(deps, JourneySecretsRepo).get(name);
  return s ? unseal(deps, name, s.sealed) : undefined;
}
