import { ForbiddenError, UnauthorizedError } from '../../shared/domain/errors';
import type { Role } from '../../shared/domain/roles';
import { principalFromClaims } from '../../shared/http/principal';
import type { Db } from '../../shared/store/client';
import { admitCaller, authorizeClient, CALLER_TTL_MS, forgetCaller, forgetClient, TtlCache } from '../../shared/usecases/users/caller-gate';

/**
 * The kernel's caller checks with a table stand-in that counts reads: one read per caller per
 * minute, a disabled user refused, the record's roles in force, integration clients held to grants.
 */
function fakeDb(items: Record<string, Record<string, unknown>>) {
  const reads: string[] = [];
  const db = {
    tableName: `t-${Math.random()}`,
    doc: {
      send: async (cmd: { input: { Key: { PK: string } } }) => {
        reads.push(cmd.input.Key.PK);
        return { Item: items[cmd.input.Key.PK] };
      },
    },
  } as unknown as Db;
  return { db, reads };
}

const principal = (sub: string, roles: Role[], clientId?: string) => principalFromClaims({ sub, 'cognito:groups': `[${roles.join(' ')}]`, ...(clientId ? { client_id: clientId } : {}) })!;
const config = (trusted: string[] = []) => ({ trustedIntegrationClients: trusted });

describe('admitCaller', () => {
  it('reads a caller once per minute per container, and again after forgetCaller', async () => {
    const { db, reads } = fakeDb({ 'USER#amy': { id: 'amy', status: 'active', roles: ['analyst'] } });
    const deps = { db, config: config() };
    for (let i = 0; i < 5; i++) await admitCaller(deps, principal('amy', ['agent']));
    await admitCaller(deps, principal('bob', ['agent']));
    await admitCaller(deps, principal('bob', ['agent']));
    expect(reads).toEqual(['USER#amy', 'USER#bob']);
    forgetCaller(db, 'amy');
    await admitCaller(deps, principal('amy', ['agent']));
    expect(reads).toEqual(['USER#amy', 'USER#bob', 'USER#amy']);
  });

  it("acts with the record's roles, refuses a disabled user, and leaves callers without a record as their token says", async () => {
    const { db } = fakeDb({ 'USER#amy': { id: 'amy', status: 'active', roles: ['analyst'] }, 'USER#old': { id: 'old', status: 'disabled', roles: ['admin'] } });
    const deps = { db, config: config() };
    const amy = await admitCaller(deps, principal('amy', ['agent', 'admin']));
    expect(amy.roles).toEqual(['analyst']);
    expect(amy.can('service:reports')).toBe(true);
    expect(amy.can('tickets:read')).toBe(false);
    await expect(admitCaller(deps, principal('old', ['admin']))).rejects.toBeInstanceOf(UnauthorizedError);
    const machine = await admitCaller(deps, principal('local-integration', ['integration'], 'crm-local-app'));
    expect(machine.roles).toEqual(['integration']);
    expect(machine.clientId).toBe('crm-local-app');
  });

  it('does not keep a failed read', async () => {
    let calls = 0;
    const db = { tableName: `t-${Math.random()}`, doc: { send: async () => (++calls === 1 ? Promise.reject(new Error('throttled')) : { Item: undefined }) } } as unknown as Db;
    await expect(admitCaller({ db, config: config() }, principal('x', ['agent']))).rejects.toThrow('throttled');
    await expect(admitCaller({ db, config: config() }, principal('x', ['agent']))).resolves.toMatchObject({ sub: 'x' });
    expect(calls).toBe(2);
  });
});

describe('authorizeClient', () => {
  const route = { operationId: 'createCustomer', path: '/v1/customers' };

  it('reads no grant for people, nor for clients trusted by configuration', async () => {
    const { db, reads } = fakeDb({});
    await authorizeClient({ db, config: config(['crm-local-app']) }, principal('amy', ['agent'], 'crm-local-app'), route);
    await authorizeClient({ db, config: config(['crm-local-app']) }, principal('local-integration', ['integration'], 'crm-local-app'), route);
    expect(reads).toEqual([]);
  });

  it('refuses a client without a grant (deny by default) or outside it, allows inside it, one read a minute', async () => {
    const { db, reads } = fakeDb({ 'ICLIENT#erp': { id: 'erp', active: true, operations: [], families: ['customers'] } });
    const deps = { db, config: config() };
    await expect(authorizeClient(deps, principal('shop', ['integration'], 'shop'), route)).rejects.toBeInstanceOf(ForbiddenError);
    await authorizeClient(deps, principal('erp', ['integration'], 'erp'), route);
    await expect(authorizeClient(deps, principal('erp', ['integration'], 'erp'), { operationId: 'listTickets', path: '/v1/tickets' })).rejects.toThrow('not granted listTickets');
    await expect(authorizeClient(deps, principal('nobody', ['integration']), route)).rejects.toThrow('names no client');
    expect(reads).toEqual(['ICLIENT#shop', 'ICLIENT#erp']);
    forgetClient(db, 'erp');
    await authorizeClient(deps, principal('erp', ['integration'], 'erp'), route);
    expect(reads).toEqual(['ICLIENT#shop', 'ICLIENT#erp', 'ICLIENT#erp']);
  });
});

describe('TtlCache', () => {
  it('keeps a value for its time to live, then loads again', async () => {
    let now = 1_000;
    let loads = 0;
    const cache = new TtlCache<number>(CALLER_TTL_MS, () => now);
    const load = async () => ++loads;
    expect(await cache.get('k', load)).toBe(1);
    now += CALLER_TTL_MS - 1;
    expect(await cache.get('k', load)).toBe(1);
    now += 1;
    expect(await cache.get('k', load)).toBe(2);
  });
});
