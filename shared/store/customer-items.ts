import type { Customer } from '../domain/customer';
import { identitiesOf } from '../domain/customer';
import { normalizeName, type Identity } from '../domain/identity';
import { customerListKeys, customerPk, identityPk, nameIndexKeys, recycleBinKeys, SK, stripKeys } from './keys';
import type { IdentityHasher } from './identity-hash';
import { decryptProfile, encryptProfile } from './pii-cipher';

/** Mapping between the Customer domain object and its items (profile + identity claims). */
export const CUSTOMER_ENTITY = 'customer';
export const IDENTITY_ENTITY = 'identity';

export function profileItem(c: Customer): Record<string, unknown> {
  const index =
    c.status === 'active'
      ? { ...customerListKeys(c.id), ...(c.name ? nameIndexKeys(normalizeName(c.name), c.id) : {}) }
      : c.status === 'deleted' && c.deletedAt
        ? recycleBinKeys(c.id, c.deletedAt)
        : {};
  return { PK: customerPk(c.id), SK: SK.profile, entity: CUSTOMER_ENTITY, ...encryptProfile(c), ...index };
}

export function customerFromItem(item: Record<string, unknown>): Customer {
  const { mergeLock: _lock, createdVia: _via, correlationId: _corr, ...rest } = stripKeys<Customer & { mergeLock?: string; createdVia?: string; correlationId?: string }>(item);
  return decryptProfile(rest as unknown as Record<string, unknown>) as unknown as Customer;
}

export interface IdentityClaim {
  identity: Identity;
  key: { PK: string; SK: string };
}

export function identityClaims(c: Pick<Customer, 'email' | 'phone' | 'externalId' | 'platformIds'>, hash: IdentityHasher): IdentityClaim[] {
  return identitiesOf(c).map((identity) => ({ identity, key: { PK: identityPk(identity.kind, hash(identity)), SK: SK.identity } }));
}

export function identityItem(claim: IdentityClaim, customerId: string, now: string): Record<string, unknown> {
  return { ...claim.key, entity: IDENTITY_ENTITY, kind: claim.identity.kind, customerId, claimedAt: now };
}

/** Claims that are in `after` and not in `before`, and the reverse. */
export function diffClaims(before: IdentityClaim[], after: IdentityClaim[]): { added: IdentityClaim[]; removed: IdentityClaim[] } {
  const pk = (c: IdentityClaim) => c.key.PK;
  const b = new Set(before.map(pk));
  const a = new Set(after.map(pk));
  return { added: after.filter((c) => !b.has(pk(c))), removed: before.filter((c) => !a.has(pk(c))) };
}
