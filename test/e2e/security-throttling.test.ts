import { dirname } from 'node:path';
import { clientToken } from '../../infra/local/token-users';
import { startTestStack, type TestStack } from './helpers';

/**
 * Per-client throttling and machine client tokens over HTTP (issue 7): a client-credentials token
 * shaped like Cognito's (no groups, scope crm/integration) acts as its client; a client with
 * ratePerMinute 5 gets 429 + Retry-After on its 6th request of the minute, on read and write routes
 * alike, with nothing written; another client and people are not affected.
 */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

/** The counters are per UTC minute: start a burst early enough in one that it cannot straddle two. */
async function awayFromMinuteEnd(): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 20_000) await new Promise((r) => setTimeout(r, left + 50));
}

it('holds a machine client to its requests per minute, and no one else', async () => {
  const stateDir = dirname(t.stack.webhookSecretsFile);
  const grant = await t.call('PUT', '/v1/integration-clients/erp-a', { body: { name: 'ERP A', families: ['customers'], operations: [], ratePerMinute: 5 } });
  expect(grant.status).toBe(200);
  expect(grant.body).toMatchObject({ ratePerMinute: 5, effectiveRatePerMinute: 5, effectiveBurstPerSecond: 5, trustedByConfiguration: false });
  const other = await t.call('PUT', '/v1/integration-clients/erp-b', { body: { name: 'ERP B', families: ['customers'], operations: [] } });
  expect(other.body).toMatchObject({ effectiveRatePerMinute: 600, effectiveBurstPerSecond: 60 });
  expect(other.body.ratePerMinute).toBeUndefined();
  const bad = await t.call('PUT', '/v1/integration-clients/erp-c', { body: { name: 'ERP C', families: [], operations: [], ratePerMinute: 0 } });
  expect(bad.status).toBe(400);
  expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['ratePerMinute']);

  const a = await clientToken(stateDir, 'erp-a');
  const b = await clientToken(stateDir, 'erp-b');
  await awayFromMinuteEnd();
  for (let i = 0; i < 5; i++) {
    const ok = await t.call('GET', '/v1/customers', { token: a });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('ratelimit-limit')).toBe('5');
    expect(ok.headers.get('ratelimit-remaining')).toBe(String(4 - i));
  }
  const refused = await t.call('GET', '/v1/customers', { token: a });
  expect(refused.status).toBe(429);
  expect(refused.headers.get('content-type')).toBe('application/problem+json');
  const retryAfter = Number(refused.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(refused.body).toMatchObject({ status: 429, title: 'Too many requests', clientId: 'erp-a', limit: 5 });
  expect(refused.body.detail).toContain('erp-a');

  // A write past the limit is refused before it runs: nothing is created.
  const write = await t.call('POST', '/v1/customers', { token: a, body: { name: 'Over the limit', email: 'over-the-limit@example.com' } });
  expect(write.status).toBe(429);
  const search = await t.call('GET', '/v1/customers?email=over-the-limit%40example.com');
  expect(search.status).toBe(200);
  expect(search.body.items).toEqual([]);

  // Another client, people, and the bootstrap client trusted by configuration are not counted against erp-a.
  const okB = await t.call('GET', '/v1/customers', { token: b });
  expect(okB.status).toBe(200);
  // Its second's 60 are closer to running out than its minute's 600: the headers report that one.
  expect(okB.headers.get('ratelimit-limit')).toBe('60');
  expect(okB.headers.get('ratelimit-remaining')).toBe('59');
  expect(okB.headers.get('ratelimit-policy')).toBe('600;w=60, 60;w=1');
  for (let i = 0; i < 7; i++) {
    const person = await t.call('GET', '/v1/customers', { role: 'agent' });
    expect(person.status).toBe(200);
    expect(person.headers.get('ratelimit-limit')).toBeNull();
  }
  const bootstrap = await t.call('GET', '/v1/customers', { role: 'integration' });
  expect(bootstrap.status).toBe(200);
  expect(bootstrap.headers.get('ratelimit-limit')).toBeNull();

  // Raising the limit applies at once (in this container) to the running minute.
  expect((await t.call('PUT', '/v1/integration-clients/erp-a', { body: { name: 'ERP A', families: ['customers'], operations: [], ratePerMinute: 7, version: 1 } })).status).toBe(200);
  const again = await t.call('GET', '/v1/customers', { token: a });
  expect(again.status).toBe(200);
  expect(again.headers.get('ratelimit-remaining')).toBe('1');
  // The same write within the limit is made (and found by the search that found nothing above).
  const made = await t.call('POST', '/v1/customers', { token: a, body: { name: 'Within the limit', email: 'within-the-limit@example.com' } });
  expect(made.status).toBe(201);
  expect(made.headers.get('ratelimit-remaining')).toBe('0');
  expect((await t.call('GET', '/v1/customers?email=within-the-limit%40example.com')).body.items).toHaveLength(1);
});

it("caps a machine client's requests in any one second at its burst, with Retry-After 1", async () => {
  const stateDir = dirname(t.stack.webhookSecretsFile);
  const tooBig = await t.call('PUT', '/v1/integration-clients/burst-x', { body: { name: 'Burst X', families: ['customers'], operations: [], ratePerMinute: 100, burstPerSecond: 101 } });
  expect(tooBig.status).toBe(400);
  expect(tooBig.body.errors.map((e: { field: string }) => e.field)).toEqual(['burstPerSecond']);
  expect((await t.call('PUT', '/v1/integration-clients/burst-x', { body: { name: 'Burst X', families: ['customers'], operations: [], burstPerSecond: 501 } })).status).toBe(400);
  const grant = await t.call('PUT', '/v1/integration-clients/burst-x', { body: { name: 'Burst X', families: ['customers'], operations: [], ratePerMinute: 100, burstPerSecond: 3 } });
  expect(grant.body).toMatchObject({ burstPerSecond: 3, effectiveBurstPerSecond: 3, effectiveRatePerMinute: 100 });
  const token = await clientToken(stateDir, 'burst-x');
  await awayFromMinuteEnd();
  // Twelve at once from the start of a second: even spread over three seconds at most 9 pass.
  await new Promise((r) => setTimeout(r, 1_000 - (Date.now() % 1_000)));
  const answers = await Promise.all(Array.from({ length: 12 }, () => t.call('GET', '/v1/customers', { token })));
  const refused = answers.filter((r) => r.status === 429);
  expect(answers.filter((r) => r.status === 200).length + refused.length).toBe(12);
  expect(refused.length).toBeGreaterThanOrEqual(3);
  for (const r of refused) {
    expect(r.headers.get('retry-after')).toBe('1');
    expect(r.body).toMatchObject({ clientId: 'burst-x', limit: 3, per: 'second', retryAfterSeconds: 1 });
    expect(r.body.detail).toContain('burstPerSecond');
  }
  // A second later the client has its burst again: the minute (100) is far from spent.
  await new Promise((r) => setTimeout(r, 1_100));
  const later = await t.call('GET', '/v1/customers', { token });
  expect(later.status).toBe(200);
  expect(later.headers.get('ratelimit-policy')).toBe('100;w=60, 3;w=1');
});

it('still holds a machine client to its grant: the token gives the integration role, not every route', async () => {
  const token = await clientToken(dirname(t.stack.webhookSecretsFile), 'erp-none');
  const denied = await t.call('GET', '/v1/customers', { token });
  expect(denied.status).toBe(403);
  expect(denied.body.detail).toContain('erp-none');
  expect((await t.call('GET', '/v1/users', { token })).status).toBe(403);
});
