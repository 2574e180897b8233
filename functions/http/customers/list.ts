import { listCustomers as contract } from '../../../shared/api/customers';
import { ValidationError } from '../../../shared/domain/errors';
import { normalizeName, platformIdentity, type Identity } from '../../../shared/domain/identity';
import { httpHandler } from '../../../shared/http/handler';
import { decodeCursor, encodeCursor } from '../../../shared/store/cursor';
import { namePartition } from '../../../shared/store/keys';
import { normalizeIdentities, present } from '../../../shared/usecases/customer-input';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export const handler = httpHandler(contract, async ({ query, deps, principal }) => {
  const { limit, cursor, name, platform, store, platformId, externalId } = query;
  const ids = normalizeIdentities({ email: query.email, phone: query.phone }, deps.config.defaultPhoneRegion);
  const identity: Identity | undefined = ids.email
    ? { kind: 'email', value: ids.email }
    : ids.phone
      ? { kind: 'phone', value: ids.phone }
      : externalId
        ? { kind: 'external', value: externalId }
        : platformId
          ? { kind: 'platform', value: platformIdentity(platform ?? '', store ?? '', platformId) }
          : undefined;
  if (platformId && (!platform || !store)) throw ValidationError.field('query.platform', 'platform and store are required with platformId');
  if (identity) {
    const id = await deps.customers.findIdByIdentity(identity);
    const c = id ? await deps.customers.get(id) : undefined;
    return { body: { items: c && c.status === 'active' ? [present(c, principal)] : [] } };
  }
  if (name) {
    const prefix = normalizeName(name);
    const start = decodeCursor(cursor, { GSI1PK: namePartition(prefix) }, ['PK', 'SK', 'GSI1PK', 'GSI1SK']);
    const page = await deps.customers.searchByNamePrefix(prefix, limit, start);
    const next = encodeCursor(page.lastKey);
    return { body: { items: page.items.map((c) => present(c, principal)), ...(next ? { cursor: next } : {}) } };
  }
  if (cursor !== undefined && !ULID.test(cursor)) throw ValidationError.field('cursor', 'is not a cursor this API issued');
  const page = await deps.customers.list(limit, cursor);
  return { body: { items: page.items.map((c) => present(c, principal)), ...(page.cursor ? { cursor: page.cursor } : {}) } };
});
