import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Role } from '../../shared/domain/roles';
import type { UserDirectory } from '../../shared/runtime/directory';
import type { Deps } from '../../shared/runtime/deps';
import { agentKey, userEmailKey, userKey } from '../../shared/store/keys';
import { emailHash, inviteUser } from '../../shared/usecases/users/invite';
import { disableUser, enableUser, updateUser } from '../../shared/usecases/users/manage';
import { DirectoryUnavailableError } from '../../shared/runtime/cognito-directory';
import type { CapturingPublisher } from '../support/db';
import { testDeps } from '../support/db';
import { drainStream } from '../support/stream';

/**
 * Users against DynamoDB Local with a directory that records its calls (the Cognito adapter's
 * requests are unit-tested): the table is the authority, the directory follows, and a failure
 * on either side leaves nothing half-written or is healed by repeating the request.
 */
class RecordingDirectory implements UserDirectory {
  readonly kind = 'cognito' as const;
  calls: string[] = [];
  groups = new Map<string, Set<Role>>();
  failNext: string | undefined;
  existing: string | undefined;
  private n = 0;

  private step(what: string) {
    this.calls.push(what);
    if (this.failNext && what.startsWith(this.failNext)) {
      this.failNext = undefined;
      throw new DirectoryUnavailableError('TooManyRequestsException');
    }
  }
  async createUser(input: { email: string }) {
    this.step(`create ${input.email}`);
    if (this.existing) return { sub: this.existing, created: false };
    return { sub: `sub-${++this.n}-${Date.now()}`, created: true };
  }
  async resendInvitation(input: { email: string }) {
    this.step(`resend ${input.email}`);
  }
  async setGroups(sub: string, change: { add: readonly Role[]; remove: readonly Role[] }) {
    this.step(`groups ${sub}`);
    const g = this.groups.get(sub) ?? new Set<Role>();
    for (const r of change.add) g.add(r);
    for (const r of change.remove) g.delete(r);
    this.groups.set(sub, g);
  }
  async updateName(sub: string) {
    this.step(`name ${sub}`);
  }
  async disable(sub: string) {
    this.step(`disable ${sub}`);
  }
  async enable(sub: string) {
    this.step(`enable ${sub}`);
  }
}

let deps: Deps & { db: { endpoint?: string; streamArn?: string } };
let dir: RecordingDirectory;
const ctx = () => ({ deps, correlationId: 'c-1', actorId: 'root' });
let seq = 0;
const email = () => `person${++seq}.${Date.now()}@example.com`;
const get = async (key: Record<string, string>) => (await deps.db.doc.send(new GetCommand({ TableName: deps.db.tableName, Key: key }))).Item;

beforeAll(async () => {
  deps = await testDeps();
});
beforeEach(() => {
  dir = new RecordingDirectory();
});

describe('inviting', () => {
  it('writes the user, the e-mail claim (hashed key) and the agent record together, then mirrors the roles as groups', async () => {
    const address = email();
    const { user, invitation } = await inviteUser(ctx(), dir, { email: address, name: 'Amy', roles: ['agent', 'sales'] });
    expect(invitation).toBe('sent');
    expect(dir.calls).toEqual([`create ${address}`, `groups ${user.id}`]);
    expect([...dir.groups.get(user.id)!].sort()).toEqual(['agent', 'sales']);
    const claim = await get(userEmailKey(emailHash(ctx(), address)));
    expect(claim).toMatchObject({ sub: user.id });
    expect(JSON.stringify(claim)).not.toContain(address);
    expect(await get(agentKey(user.id))).toMatchObject({ name: 'Amy', active: true, onDuty: true, version: 1 });

    await drainStream(deps);
    const events = (await (deps.publisher!() as Promise<CapturingPublisher>)).events.filter((e) => e.subject === user.id);
    expect(events.map((e) => [e.type, e.data])).toEqual([['UserInvited', { userId: user.id, roles: ['agent', 'sales'], serviceGroups: [], adopted: false }]]);
    expect(JSON.stringify(events)).not.toContain(address);
  });

  it('adopts a person the directory has already, and keeps the manager an existing agent record names', async () => {
    const boss = (await inviteUser(ctx(), dir, { email: email(), name: 'Boss', roles: ['manager'] })).user;
    dir.existing = `pre-${Date.now()}`;
    await deps.db.doc.send(new PutCommand({ TableName: deps.db.tableName, Item: { ...agentKey(dir.existing), entity: 'agent', id: dir.existing, name: 'Old name', managerId: boss.id, active: true, onDuty: false, createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z', version: 3 } }));
    const { user, invitation } = await inviteUser(ctx(), dir, { email: email(), name: 'Cid', roles: ['agent'] });
    expect(invitation).toBe('adopted');
    expect(user).toMatchObject({ id: dir.existing, managerId: boss.id });
    expect(await get(agentKey(user.id))).toMatchObject({ name: 'Cid', managerId: boss.id, onDuty: false, version: 4 });
  });

  it('writes nothing when the agent record changes between the read and the commit (409)', async () => {
    const address = email();
    const sub = `race-${Date.now()}`;
    dir.existing = sub;
    const agent = { ...agentKey(sub), entity: 'agent', id: sub, name: 'A', active: true, onDuty: true, createdAt: '2025-01-01T00:00:00.000Z', updatedAt: '2025-01-01T00:00:00.000Z' };
    await deps.db.doc.send(new PutCommand({ TableName: deps.db.tableName, Item: { ...agent, version: 1 } }));
    // Someone saves the agent right after the invite read it (PUT /v1/agents meanwhile).
    const read = deps.agents.getAgent.bind(deps.agents);
    deps.agents.getAgent = async (id: string) => {
      const a = await read(id);
      if (id === sub && a) await deps.db.doc.send(new PutCommand({ TableName: deps.db.tableName, Item: { ...agent, name: 'Raced', version: a.version + 1 } }));
      return a;
    };
    try {
      await expect(inviteUser(ctx(), dir, { email: address, name: 'Dee', roles: ['agent'] })).rejects.toMatchObject({ status: 409 });
    } finally {
      deps.agents.getAgent = read;
    }
    expect(await get(userKey(sub))).toBeUndefined();
    expect(await get(userEmailKey(emailHash(ctx(), address)))).toBeUndefined();
    expect(await get(agentKey(sub))).toMatchObject({ name: 'Raced' });
  });
});

describe('changing', () => {
  it('heals the directory by repeating a change after the directory failed: the record stays the authority', async () => {
    const { user } = await inviteUser(ctx(), dir, { email: email(), name: 'Eve', roles: ['agent'] });
    dir.failNext = 'groups';
    await expect(updateUser(ctx(), dir, user.id, { roles: ['manager'], version: 1 })).rejects.toBeInstanceOf(DirectoryUnavailableError);
    expect((await get(userKey(user.id)))!.roles).toEqual(['manager']);
    expect([...dir.groups.get(user.id)!]).toEqual(['agent']);
    const again = await updateUser(ctx(), dir, user.id, { roles: ['manager'], version: 2 });
    expect(again.version).toBe(2);
    expect([...dir.groups.get(user.id)!]).toEqual(['manager']);
  });

  it('disables and enables idempotently: the record once, the directory every time; the agent record follows', async () => {
    const { user } = await inviteUser(ctx(), dir, { email: email(), name: 'Fay', roles: ['agent'] });
    const off = await disableUser(ctx(), dir, user.id);
    const offAgain = await disableUser(ctx(), dir, user.id);
    expect(offAgain.version).toBe(off.version);
    expect(dir.calls.filter((c) => c === `disable ${user.id}`)).toHaveLength(2);
    expect(await get(agentKey(user.id))).toMatchObject({ active: false });
    const on = await enableUser(ctx(), dir, user.id);
    expect(on).toMatchObject({ status: 'active', version: off.version + 1 });
    expect(on.disabledAt).toBeUndefined();
    expect(await get(agentKey(user.id))).toMatchObject({ active: true });
  });

  it('keeps user items out of every key but their own id: no address in any key', async () => {
    const address = email();
    await inviteUser(ctx(), dir, { email: address, name: 'Gus', roles: ['analyst'] });
    const items = (await deps.db.doc.send(new ScanCommand({ TableName: deps.db.tableName }))).Items ?? [];
    const keys = items.flatMap((i) => ['PK', 'SK', 'GSI1PK', 'GSI1SK', 'GSI2PK', 'GSI2SK'].map((k) => String(i[k] ?? '')));
    expect(keys.some((k) => k.includes(address) || k.includes('@'))).toBe(false);
  });
});
