import { createHmac } from 'node:crypto';
import type { Identity } from '../domain/identity';

/**
 * Blind index: identity keys hold a keyed hash of the normalized value, never the value itself.
 * The key is per deployment (Secrets Manager in AWS, .crm-local/ locally).
 */
export type IdentityHasher = (identity: Identity) => string;

export function makeIdentityHasher(key: Buffer): IdentityHasher {
  if (key.length < 16) throw new Error('identity hash key must be at least 16 bytes');
  return (identity) => createHmac('sha256', key).update(`${identity.kind}\u0000${identity.value}`).digest('base64url').slice(0, 32);
}
