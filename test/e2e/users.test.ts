import { dirname } from 'node:path';
import { clientToken, userToken } from '../../infra/local/token-users';
import { fields, startTestStack, unique, type Api, type TestStack } from './helpers';

/**
 * Users administration and integration grants over HTTP on the local stack (issue 7): invite,
 * roles that apply at once, the manager shared with the agent record, disable/enable refusing
 * the person's live token, self-lockout, the token command, and machine clients held to their grant.
 */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
}, 60_000);
afterAll(() => t?.stop());

const ok = (res: Api, status = 200) => {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${res.text}`);
  return res.body;
};
const invite = async (roles: string[], extra: Record<string, unknown> = {}) => {
  const u = unique('staff');
  return ok(await t.call('POST', '/v1/users', { body: { email: u.email.toUpperCase(), name: u.name, roles, ...extra } }), 201);
};

describe('users', () => {
  let boss: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  let amy: any; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('invites a manager and an agent into a service group; agents and managers join the agent directory', async () => {
    boss = await invite(['manager']);
    expect(boss).toMatchObject({ roles: ['manager'], status: 'active', version: 1, invitation: 'none', invitedBy: 'local-admin' });
    expect(boss.email).toBe(boss.email.toLowerCase());
    ok(await t.call('POST', '/v1/groups', { body: { id: 'returns', name: 'Returns', managerId: boss.id, members: [], assignment: 'round-robin' } }), 201);
    amy = await invite(['agent'], { managerId: boss.id, serviceGroups: ['returns'] });
    expect(amy).toMatchObject({ roles: ['agent'], managerId: boss.id, serviceGroups: ['returns'] });
    expect(ok(await t.call('GET', `/v1/agents/${amy.id}`))).toMatchObject({ name: amy.name, managerId: boss.id, active: true });
    expect(ok(await t.call('GET', '/v1/groups/returns')).members).toEqual([amy.id]);
    expect(ok(await t.call('GET', `/v1/users/${amy.id}`))).toMatchObject({ id: amy.id, email: amy.email, version: 1 });
    const listed = ok(await t.call('GET', '/v1/users?status=active&limit=100'));
    expect(listed.items.map((u: { id: string }) => u.id)).toEqual(expect.arrayContaining([boss.id, amy.id]));
  });

  it('refuses a taken e-mail, machine roles, unknown managers and groups, and unknown fields, naming them', async () => {
    const again = await t.call('POST', '/v1/users', { body: { email: amy.email, name: 'Someone', roles: ['agent'] } });
    expect(again.status).toBe(409);
    expect(again.body.userId).toBe(amy.id);
    const u = unique('bad');
    const machine = await t.call('POST', '/v1/users', { body: { email: u.email, name: u.name, roles: ['integration'] } });
    expect(machine.status).toBe(400);
    expect(fields(machine)).toContain('roles.0');
    expect(fields(await t.call('POST', '/v1/users', { body: { email: u.email, name: u.name, roles: ['agent'], managerId: 'nobody' } }))).toEqual(['managerId']);
    expect(fields(await t.call('POST', '/v1/users', { body: { email: u.email, name: u.name, roles: ['agent'], serviceGroups: ['nope'] } }))).toEqual(['serviceGroups.0']);
    expect(fields(await t.call('POST', '/v1/users', { body: { email: u.email, name: u.name, roles: ['analyst'], serviceGroups: ['returns'] } }))).toEqual(['serviceGroups']);
    expect(fields(await t.call('POST', '/v1/users', { body: { email: 'not-an-address', name: u.name, roles: ['agent'] } }))).toEqual(['email']);
    expect(fields(await t.call('POST', '/v1/users', { body: { email: u.email, name: u.name, roles: ['agent'], isOwner: true } }))).toEqual(['isOwner']);
    expect((await t.call('GET', `/v1/users?status=active`, { role: 'manager' })).status).toBe(403);
    // Nothing of the refused invites was written.
    expect((await t.call('GET', `/v1/users?limit=100`)).body.items.some((x: { email: string }) => x.email === u.email)).toBe(false);
  });

  it('applies a role change at once to a token minted with the old role', async () => {
    const token = await t.stack.mintToken('agent', { sub: amy.id });
    expect((await t.call('GET', '/v1/tickets?status=new', { token })).status).toBe(200);
    amy = ok(await t.call('PATCH', `/v1/users/${amy.id}`, { body: { roles: ['analyst'], version: amy.version } }));
    expect(amy).toMatchObject({ roles: ['analyst'], version: 2 });
    expect((await t.call('GET', '/v1/tickets?status=new', { token })).status).toBe(403);
    expect((await t.call('GET', '/v1/reports/service', { token })).status).toBe(200);
    // No longer service staff: the agent record stays, inactive (no work is handed to them).
    expect(ok(await t.call('GET', `/v1/agents/${amy.id}`))).toMatchObject({ active: false, managerId: boss.id });
    amy = ok(await t.call('PATCH', `/v1/users/${amy.id}`, { body: { roles: ['agent'], version: amy.version } }));
    expect(ok(await t.call('GET', `/v1/agents/${amy.id}`)).active).toBe(true);
  });

  it('keeps one manager: the user and their agent record change together, loops and stale versions are refused', async () => {
    const lead = await invite(['manager'], { managerId: boss.id });
    amy = ok(await t.call('PATCH', `/v1/users/${amy.id}`, { body: { managerId: lead.id, name: 'Amy Lee', version: amy.version } }));
    expect(ok(await t.call('GET', `/v1/agents/${amy.id}`))).toMatchObject({ managerId: lead.id, name: 'Amy Lee' });
    const loop = await t.call('PATCH', `/v1/users/${boss.id}`, { body: { managerId: amy.id, version: boss.version } });
    expect(loop.status).toBe(400);
    expect(loop.text).toContain('loop');
    expect((await t.call('PATCH', `/v1/users/${amy.id}`, { body: { name: 'Stale', version: 1 } })).status).toBe(409);
    amy = ok(await t.call('PATCH', `/v1/users/${amy.id}`, { body: { managerId: null, version: amy.version } }));
    expect(amy.managerId).toBeUndefined();
    expect(ok(await t.call('GET', `/v1/agents/${amy.id}`)).managerId).toBeUndefined();

    const trail = ok(await t.call('GET', `/v1/audit?targetType=users&targetId=${amy.id}`));
    const rename = trail.items.find((r: { action: string; changes?: { field: string }[] }) => r.action === 'updateUser' && r.changes?.some((c) => c.field === 'name'));
    expect(rename.changes).toEqual(expect.arrayContaining([{ entity: 'agent', id: amy.id, field: 'managerId', before: boss.id, after: lead.id }]));
    expect(JSON.stringify(trail)).not.toContain('Amy Lee');
    expect(JSON.stringify(trail)).not.toContain(amy.email);
  });

  it('disabling refuses the live token at once and takes them off the desk; enabling restores both', async () => {
    const token = await t.stack.mintToken('agent', { sub: amy.id });
    expect((await t.call('GET', '/v1/me/tasks', { token })).status).toBe(200);
    amy = ok(await t.call('POST', `/v1/users/${amy.id}/disable`));
    expect(amy).toMatchObject({ status: 'disabled', disabledBy: 'local-admin' });
    const refused = await t.call('GET', '/v1/me/tasks', { token });
    expect(refused.status).toBe(401);
    expect(refused.body.detail).toContain('disabled');
    expect(ok(await t.call('GET', `/v1/agents/${amy.id}`)).active).toBe(false);
    expect(ok(await t.call('GET', '/v1/users?status=disabled')).items.map((u: { id: string }) => u.id)).toContain(amy.id);
    await expect(userToken(dirname(t.stack.webhookSecretsFile), amy.id, { url: t.stack.url })).rejects.toThrow('disabled');

    amy = ok(await t.call('POST', `/v1/users/${amy.id}/enable`));
    expect(amy.status).toBe('active');
    expect(amy.disabledAt).toBeUndefined();
    expect((await t.call('GET', '/v1/me/tasks', { token })).status).toBe(200);
    expect(ok(await t.call('GET', `/v1/agents/${amy.id}`)).active).toBe(true);
  });

  it('mints a user token with the roles of their record (npm run token -- --user)', async () => {
    const token = await userToken(dirname(t.stack.webhookSecretsFile), amy.id, { url: t.stack.url });
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ sub: amy.id, 'cognito:groups': ['agent'], email: amy.email });
    expect((await t.call('GET', '/v1/me/tasks', { token })).status).toBe(200);
    await expect(userToken(dirname(t.stack.webhookSecretsFile), 'nobody-here', { url: t.stack.url })).rejects.toThrow('No user');
  });

  it('keeps an administrator from locking themselves out', async () => {
    const root = await invite(['admin']);
    const token = await t.stack.mintToken('admin', { sub: root.id });
    expect(fields(await t.call('POST', `/v1/users/${root.id}/disable`, { token }))).toEqual(['id']);
    expect(fields(await t.call('PATCH', `/v1/users/${root.id}`, { token, body: { roles: ['manager'], version: root.version } }))).toEqual(['roles']);
    expect(ok(await t.call('POST', `/v1/users/${amy.id}/invitation`, { token })).lastInvitedAt).toEqual(expect.any(String));
  });
});

describe('integration clients', () => {
  it('refuses a client without a grant, then allows exactly what it is granted', async () => {
    const token = await t.stack.mintToken('integration', { sub: 'shop-sync', extraClaims: { client_id: 'shop-sync' } });
    const denied = await t.call('GET', '/v1/customers', { token });
    expect(denied.status).toBe(403);
    expect(denied.body.detail).toContain('shop-sync');

    const grant = ok(await t.call('PUT', '/v1/integration-clients/shop-sync', { body: { name: 'Shop sync', families: ['customers'], operations: ['listTickets'] } }));
    expect(grant).toMatchObject({ id: 'shop-sync', version: 1, active: true, trustedByConfiguration: false });
    expect((await t.call('GET', '/v1/customers', { token })).status).toBe(200);
    expect((await t.call('GET', '/v1/tickets?status=new', { token })).status).toBe(200);
    expect((await t.call('GET', `/v1/tickets/${'0'.repeat(26)}`, { token })).status).toBe(403);
    // The role still bounds it: a grant cannot give what the integration role lacks.
    ok(await t.call('PUT', '/v1/integration-clients/shop-sync', { body: { name: 'Shop sync', families: ['customers', 'segments'], operations: [], version: 1 } }));
    expect((await t.call('GET', '/v1/segments', { token })).status).toBe(403);
    expect((await t.call('GET', '/v1/tickets?status=new', { token })).status).toBe(403);

    expect((await t.call('PUT', '/v1/integration-clients/shop-sync', { body: { name: 'x', families: [], operations: [], version: 1 } })).status).toBe(409);
    expect(fields(await t.call('PUT', '/v1/integration-clients/shop-sync', { body: { name: 'x', families: ['Customers!'], operations: [], version: 2 } }))).toEqual(['families.0']);
    ok(await t.call('PUT', '/v1/integration-clients/shop-sync', { body: { name: 'Shop sync', families: ['customers'], operations: [], active: false, version: 2 } }));
    expect((await t.call('GET', '/v1/customers', { token })).status).toBe(403);
    expect(ok(await t.call('GET', '/v1/integration-clients')).items.map((c: { id: string }) => c.id)).toContain('shop-sync');

    // A client token from the token command (npm run token -- --client): accepted by the gateway, held to its grant.
    const cli = await clientToken(dirname(t.stack.webhookSecretsFile), 'cli-client');
    expect((await t.call('GET', '/v1/customers', { token: cli })).status).toBe(403);
    ok(await t.call('PUT', '/v1/integration-clients/cli-client', { body: { name: 'CLI', families: [], operations: ['listCustomers'] } }));
    expect((await t.call('GET', '/v1/customers', { token: cli })).status).toBe(200);
    expect((await t.call('POST', '/v1/customers', { token: cli, body: { name: 'Not granted' } })).status).toBe(403);
    await expect(clientToken(dirname(t.stack.webhookSecretsFile), 'crm-local-app')).rejects.toThrow('not a machine client');

    // The local bootstrap integration token is granted by configuration.
    expect((await t.call('GET', '/v1/customers', { role: 'integration' })).status).toBe(200);
    expect(ok(await t.call('GET', '/v1/integration-clients/shop-sync')).active).toBe(false);
  });
});
