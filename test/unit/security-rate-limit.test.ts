import { burstOf, counterExpiry, decide, DEFAULT_RATE_PER_MINUTE, isBurstPerSecond, isRatePerMinute, limitOf, rateLimitHeaders, routeCountsClients, secondSlot, secondsUntilReset, windowOf } from '../../shared/domain/rate-limit';
import { INTEGRATION_SCOPE, principalFromClaims } from '../../shared/http/principal';
import { enforceClientRate, RateLimitedError, rateHeadersOf } from '../../shared/http/rate-limit';
import type { Db } from '../../shared/store/client';
import { isRateCounterPk, rateCounterKey } from '../../shared/store/keys';
import { isRateCounterAttribute } from '../../shared/store/rate-counters-repo';
import { readSettings } from '../../infra/settings';

/** Per-client throttling (issue 7): the window and limit math, the headers, and machine tokens mapped to the integration role. */
const at = (iso: string) => Date.parse(iso);

describe('windowOf / secondsUntilReset / counterExpiry', () => {
  it('puts an instant in its whole UTC minute', () => {
    expect(windowOf(at('2025-03-01T10:15:42.250Z'))).toEqual({ start: at('2025-03-01T10:15:00Z'), end: at('2025-03-01T10:16:00Z') });
    expect(windowOf(at('2025-03-01T10:15:00Z')).start).toBe(at('2025-03-01T10:15:00Z'));
    expect(windowOf(at('2025-03-01T10:15:59.999Z')).end).toBe(at('2025-03-01T10:16:00Z'));
    expect(windowOf(at('2025-03-01T10:15:42Z'), 10_000)).toEqual({ start: at('2025-03-01T10:15:40Z'), end: at('2025-03-01T10:15:50Z') });
    expect(() => windowOf(Number.NaN)).toThrow(RangeError);
  });

  it('answers whole seconds to the next window, never 0', () => {
    const w = windowOf(at('2025-03-01T10:15:00Z'));
    expect(secondsUntilReset(at('2025-03-01T10:15:00Z'), w)).toBe(60);
    expect(secondsUntilReset(at('2025-03-01T10:15:42.250Z'), w)).toBe(18);
    expect(secondsUntilReset(at('2025-03-01T10:15:59.999Z'), w)).toBe(1);
    expect(secondsUntilReset(at('2025-03-01T10:16:05Z'), w)).toBe(1);
  });

  it('keeps the counter past its window before the TTL may take it', () => {
    const w = windowOf(at('2025-03-01T10:15:30Z'));
    expect(counterExpiry(w)).toBe(at('2025-03-01T10:16:00Z') / 1000 + 120);
  });
});

describe('limitOf / isRatePerMinute', () => {
  it("uses the grant's limit, else the configured default, else the built-in default", () => {
    expect(limitOf(5, 600)).toBe(5);
    expect(limitOf(undefined, 900)).toBe(900);
    expect(limitOf(undefined, Number.NaN)).toBe(DEFAULT_RATE_PER_MINUTE);
    expect(limitOf(undefined, 0)).toBe(DEFAULT_RATE_PER_MINUTE);
    expect(limitOf(0, 700)).toBe(700);
    expect(limitOf(2.5, 700)).toBe(700);
  });

  it('accepts whole numbers from 1 to 30000', () => {
    expect([1, 600, 30_000].map(isRatePerMinute)).toEqual([true, true, true]);
    expect([0, -1, 30_001, 1.5, '60', null].map(isRatePerMinute)).toEqual([false, false, false, false, false, false]);
  });
});

describe('burstOf / isBurstPerSecond / secondSlot', () => {
  it("uses the grant's burst, else a tenth of the minute (at least 10), never above the minute or 500", () => {
    expect(burstOf(undefined, 600)).toBe(60);
    expect(burstOf(undefined, 601)).toBe(61);
    expect(burstOf(undefined, 50)).toBe(10);
    expect(burstOf(undefined, 3)).toBe(3);
    expect(burstOf(undefined, 30_000)).toBe(500);
    expect(burstOf(25, 600)).toBe(25);
    expect(burstOf(25, 20)).toBe(20);
    expect(burstOf(0, 600)).toBe(60);
    expect(burstOf(2.5, 600)).toBe(60);
  });

  it('accepts whole numbers from 1 to 500', () => {
    expect([1, 60, 500].map(isBurstPerSecond)).toEqual([true, true, true]);
    expect([0, 501, 1.5, '60', null].map(isBurstPerSecond)).toEqual([false, false, false, false, false]);
  });

  it('names the second of the minute, two digits, UTC', () => {
    expect(secondSlot(at('2025-03-01T10:15:07.900Z'))).toBe('s07');
    expect(secondSlot(at('2025-03-01T10:15:00Z'))).toBe('s00');
    expect(secondSlot(at('2025-03-01T10:15:59.999Z'))).toBe('s59');
    expect(() => secondSlot(Number.NaN)).toThrow(RangeError);
  });

  it('lets a counter write name only the counter attributes and the 60 second slots', () => {
    expect(['PK', 'SK', 'entity', 'requests', 'ttl', 's00', 's59'].every(isRateCounterAttribute)).toBe(true);
    expect(['s60', 's7', 'status', 'name', 'S07', 's??'].some(isRateCounterAttribute)).toBe(false);
  });
});

describe('decide / rateLimitHeaders', () => {
  const now = at('2025-03-01T10:15:45Z');
  const w = windowOf(now);
  const limits = { perMinute: 5, perSecond: 3 };

  it('allows up to both limits, reporting the one closest to running out', () => {
    expect(decide(limits, { taken: true, minute: 4, second: 1 }, now, w)).toEqual({ allowed: true, scope: 'minute', limit: 5, remaining: 1, resetSeconds: 15, limits });
    expect(decide(limits, { taken: true, minute: 1, second: 1 }, now, w)).toEqual({ allowed: true, scope: 'second', limit: 3, remaining: 2, resetSeconds: 1, limits });
    // A tie reports the minute (its reset is the longer one).
    expect(decide(limits, { taken: true, minute: 3, second: 1 }, now, w)).toMatchObject({ scope: 'minute', remaining: 2 });
    expect(decide(limits, { taken: true, minute: 5, second: 1 }, now, w)).toEqual({ allowed: true, scope: 'minute', limit: 5, remaining: 0, resetSeconds: 15, limits });
  });

  it("refuses with the second's limit (retry in 1 s) when the minute had room, else the minute's", () => {
    expect(decide(limits, { taken: false, minute: 3, second: 3 }, now, w)).toEqual({ allowed: false, scope: 'second', limit: 3, remaining: 0, resetSeconds: 1, limits });
    expect(decide(limits, { taken: false, minute: 5, second: 1 }, now, w)).toEqual({ allowed: false, scope: 'minute', limit: 5, remaining: 0, resetSeconds: 15, limits });
    expect(decide(limits, { taken: false, minute: 5, second: 3 }, now, w)).toMatchObject({ scope: 'minute', resetSeconds: 15 });
    // Counts unknown: the minute's (the longer wait), as before the burst existed.
    expect(decide(limits, { taken: false }, now, w)).toMatchObject({ allowed: false, scope: 'minute', limit: 5 });
    // A count past a limit (a limit lowered meanwhile) refuses too.
    expect(decide(limits, { taken: true, minute: 6, second: 1 }, now, w).allowed).toBe(false);
    expect(decide(limits, { taken: true, minute: 2, second: 4 }, now, w)).toMatchObject({ allowed: false, scope: 'second' });
  });

  it('sends the RateLimit fields and both policies always, Retry-After only on a refusal', () => {
    expect(rateLimitHeaders(decide(limits, { taken: true, minute: 4, second: 1 }, now, w))).toEqual({ 'ratelimit-limit': '5', 'ratelimit-remaining': '1', 'ratelimit-reset': '15', 'ratelimit-policy': '5;w=60, 3;w=1' });
    expect(rateLimitHeaders(decide(limits, { taken: false, minute: 5 }, now, w))).toMatchObject({ 'retry-after': '15', 'ratelimit-remaining': '0' });
    expect(rateLimitHeaders(decide(limits, { taken: false, minute: 1, second: 3 }, now, w))).toMatchObject({ 'retry-after': '1', 'ratelimit-limit': '3', 'ratelimit-remaining': '0' });
  });
});

describe('routeCountsClients', () => {
  it('counts only routes a machine client can reach (a permission of the integration role)', () => {
    expect(routeCountsClients('customers:read')).toBe(true);
    expect(routeCountsClients('pipeline:intake')).toBe(true);
    expect(routeCountsClients('users:admin')).toBe(false);
    expect(routeCountsClients('segments:read')).toBe(false);
    expect(routeCountsClients('public')).toBe(false);
  });
});

describe('rate counter keys', () => {
  it('keeps every counter under the RATE# prefix the AWS grant is limited to', () => {
    expect(rateCounterKey('erp', '2025-03-01T10:15:00.000Z')).toEqual({ PK: 'RATE#erp', SK: 'W#2025-03-01T10:15:00.000Z' });
    expect(isRateCounterPk('RATE#erp')).toBe(true);
    expect(isRateCounterPk('ICLIENT#erp')).toBe(false);
    expect(isRateCounterPk(undefined)).toBe(false);
  });
});

describe('principalFromClaims: machine client tokens', () => {
  const m2m = { sub: '4e1nbq8jn5erp', client_id: '4e1nbq8jn5erp', token_use: 'access', scope: INTEGRATION_SCOPE };

  it('maps a client-credentials token (no groups, scope crm/integration) to the integration role of its client', () => {
    const p = principalFromClaims(m2m)!;
    expect(p.roles).toEqual(['integration']);
    expect(p.clientId).toBe('4e1nbq8jn5erp');
    expect(p.can('customers:read')).toBe(true);
    expect(p.can('users:admin')).toBe(false);
    expect(principalFromClaims({ ...m2m, scope: `openid ${INTEGRATION_SCOPE}` })!.roles).toEqual(['integration']);
  });

  it('gives nothing to a token without the scope, of a user (sub is not the client), or an id token', () => {
    expect(principalFromClaims({ ...m2m, scope: 'aws.cognito.signin.user.admin' })!.roles).toEqual([]);
    expect(principalFromClaims({ ...m2m, scope: 'crm/integration-admin' })!.roles).toEqual([]);
    expect(principalFromClaims({ ...m2m, sub: 'a-person' })!.roles).toEqual([]);
    expect(principalFromClaims({ ...m2m, token_use: 'id' })!.roles).toEqual([]);
    expect(principalFromClaims({ ...m2m, client_id: undefined })!.roles).toEqual([]);
  });

  it('lets groups decide when the token has them', () => {
    expect(principalFromClaims({ ...m2m, 'cognito:groups': '[analyst]' })!.roles).toEqual(['analyst']);
  });
});

describe('enforceClientRate', () => {
  const log = { debug: () => undefined, info: () => undefined, warn: jest.fn(), error: () => undefined };
  const clock = { now: () => new Date('2025-03-01T10:15:45Z') };
  const config = { integrationRatePerMinute: 600 };
  const dbAnswering = (send: (cmd: { input: Record<string, unknown> }) => Promise<unknown>) => ({ tableName: `t-${Math.random()}`, doc: { send } }) as unknown as Db;

  it('writes one conditional counter update and answers the RateLimit headers', async () => {
    const sent: Record<string, unknown>[] = [];
    const db = dbAnswering(async (cmd) => {
      sent.push(cmd.input);
      return { Attributes: { requests: 3, s45: 1 } };
    });
    expect(await enforceClientRate({ db, clock, config }, log, { id: 'erp', ratePerMinute: 5 })).toMatchObject({ 'ratelimit-limit': '5', 'ratelimit-remaining': '2', 'ratelimit-reset': '15', 'ratelimit-policy': '5;w=60, 5;w=1' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      Key: { PK: 'RATE#erp', SK: 'W#2025-03-01T10:15:00.000Z' },
      UpdateExpression: 'ADD #r :one, #s :one SET #e = :entity, #t = :ttl',
      ExpressionAttributeNames: expect.objectContaining({ '#s': 's45' }),
      ExpressionAttributeValues: expect.objectContaining({ ':perMinute': 5, ':perSecond': 5, ':ttl': at('2025-03-01T10:16:00Z') / 1000 + 120 }),
    });
  });

  it("uses the grant's burstPerSecond, and says which limit refused", async () => {
    const db = dbAnswering(async () => {
      throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException', Item: { requests: { N: '40' }, s45: { N: '20' } } });
    });
    const err = await enforceClientRate({ db, clock, config }, log, { id: 'erp', burstPerSecond: 20 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).message).toContain('20 requests of this second');
    expect((err as RateLimitedError).message).toContain('burstPerSecond');
    expect(rateHeadersOf(err)).toMatchObject({ 'retry-after': '1', 'ratelimit-limit': '20', 'ratelimit-policy': '600;w=60, 20;w=1' });
  });

  it('throws a 429 carrying Retry-After when the window is full', async () => {
    const db = dbAnswering(async () => {
      throw Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
    });
    const err = await enforceClientRate({ db, clock, config }, log, { id: 'erp' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitedError);
    expect((err as RateLimitedError).status).toBe(429);
    expect((err as RateLimitedError).message).toContain('600 requests');
    expect(rateHeadersOf(err)).toMatchObject({ 'retry-after': '15', 'ratelimit-limit': '600', 'ratelimit-remaining': '0' });
    expect(rateHeadersOf(new Error('other'))).toEqual({});
  });

  it('fails open (no headers, logged) when the counter cannot be written', async () => {
    const db = dbAnswering(async () => {
      throw Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' });
    });
    await expect(enforceClientRate({ db, clock, config }, log, { id: 'erp', ratePerMinute: 5 })).resolves.toEqual({});
    expect(log.warn).toHaveBeenCalledWith('rate limiter failed open', expect.objectContaining({ clientId: 'erp' }));
  });
});

describe('deploy settings of machine clients', () => {
  const ctx = (values: Record<string, unknown>) => ({ tryGetContext: (k: string) => values[k] });
  const base = { corsOrigins: 'https://app.example.com' };

  it('reads the machine client names, the domain prefix and the default rate, all optional', () => {
    expect(readSettings(ctx(base))).not.toHaveProperty('machineClients');
    expect(readSettings(ctx({ ...base, machineClients: 'erp, shop-sync', authDomainPrefix: 'acme-crm', integrationRatePerMinute: '1200' }))).toMatchObject({
      machineClients: ['erp', 'shop-sync'],
      authDomainPrefix: 'acme-crm',
      integrationRatePerMinute: 1200,
    });
  });

  it('refuses bad names, a reserved domain prefix and an out-of-range rate, naming each', () => {
    expect(() => readSettings(ctx({ ...base, machineClients: 'ERP,erp,erp' }))).toThrow(/machineClients entry "ERP"[\s\S]*must not repeat/);
    expect(() => readSettings(ctx({ ...base, authDomainPrefix: 'my-cognito' }))).toThrow(/authDomainPrefix/);
    expect(() => readSettings(ctx({ ...base, integrationRatePerMinute: '40000' }))).toThrow(/at most 30000/);
    expect(() => readSettings(ctx({ ...base, integrationRatePerMinute: '-3' }))).toThrow(/integrationRatePerMinute must be a positive integer/);
  });
});
