import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { createHash } from 'node:crypto';
import { safeParse } from 'zod/mini';
import type { $ZodType, output } from 'zod/v4/core';
import type { RouteContract } from '../api/contract';
import { ConflictError, DomainError, ForbiddenError, PayloadTooLargeError, UnauthorizedError, UnsupportedMediaTypeError, ValidationError } from '../domain/errors';
import { getDeps, type Deps } from '../runtime/deps';
import type { ReplaySubject } from '../store/idempotency-repo';
import { countMetric, flushMetrics, invocationLogger, type Log } from '../runtime/observability';
import { principalFromClaims, type Principal } from './principal';
import { problem, problemFromError, SECURE_HEADERS, zodIssues } from './problem';
import { auditKindOf, writeAudit } from './audit';
import { runAudited } from '../runtime/audit-context';
import { admitCaller, authorizeClient } from '../usecases/users/caller-gate';
import { enforceClientRate, rateHeadersOf } from './rate-limit';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
type Infer<T> = NonNullable<T> extends $ZodType ? output<NonNullable<T>> : undefined;

export interface HttpRequest<C extends RouteContract> {
  params: Infer<C['params']>;
  query: Infer<C['query']>;
  body: Infer<C['body']>;
  principal: Principal;
  correlationId: string;
  headers: Record<string, string | undefined>;
  deps: Deps;
  log: Log;
}

export interface HttpResult<C extends RouteContract> {
  status?: number;
  body: output<C['response']>;
  headers?: Record<string, string>;
}

function header(event: HttpEvent, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === lower) return v;
  return undefined;
}

function parse<T extends $ZodType>(schema: T | undefined, value: unknown, root: string): Infer<T> {
  if (!schema) return undefined as Infer<T>;
  const r = safeParse(schema, value);
  if (!r.success) throw new ValidationError(zodIssues(r.error.issues as never, root));
  return r.data as Infer<T>;
}

function readBody(event: HttpEvent, maxBytes: number): unknown {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > maxBytes) throw new PayloadTooLargeError(maxBytes);
  if (bytes.length === 0) throw ValidationError.field('body', 'is required');
  const type = header(event, 'content-type') ?? '';
  if (!/^application\/(.+\+)?json\b/i.test(type)) throw new UnsupportedMediaTypeError('application/json');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw ValidationError.field('body', 'is not valid JSON');
  }
}

/** Public routes (webhooks, signed links) authenticate in the handler; every other needs a token with the permission. */
const ANONYMOUS: Principal = { sub: 'anonymous', roles: [], can: () => false };

/** The token's caller, then (issue 7) their user record: disabled users get 401, a record's roles replace the token's. */
async function authenticate(contract: RouteContract, event: HttpEvent, deps: () => Promise<Deps>): Promise<Principal> {
  const principal = principalFromClaims(event.requestContext?.authorizer?.jwt?.claims as Record<string, unknown> | undefined);
  if (contract.permission === 'public') return principal ?? ANONYMOUS;
  if (!principal) throw new UnauthorizedError();
  return admitCaller(await deps(), principal);
}

function authorize(contract: RouteContract, principal: Principal): Principal {
  if (contract.permission !== 'public' && !principal.can(contract.permission)) {
    throw new ForbiddenError(`This action needs the ${contract.permission} permission, which your role does not have.`);
  }
  return principal;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 => ({
  statusCode: status,
  headers: { 'content-type': 'application/json', ...SECURE_HEADERS, ...headers },
  body: status === 204 ? '' : JSON.stringify(body),
});

/**
 * Wraps a route's use case: correlation id, authentication and permission from the contract,
 * body/query/path validation (400 problem+json naming each field), `Idempotency-Key`, and every
 * error mapped to problem+json; an unexpected error is logged and answered 500 with no details.
 */
export function httpHandler<C extends RouteContract>(contract: C, fn: (req: HttpRequest<C>) => Promise<HttpResult<C>>) {
  const core = async (event: HttpEvent): Promise<APIGatewayProxyStructuredResultV2> => {
    const correlationId = header(event, 'x-correlation-id')?.slice(0, 128) || event.requestContext?.requestId || 'none';
    const log = invocationLogger(correlationId, { route: `${contract.method} ${contract.path}` });
    const instance = event.rawPath ?? contract.path;
    const auditKind = auditKindOf(contract);
    let principal: Principal | undefined;
    let params: Record<string, unknown> | undefined;
    let body: unknown;
    let rateHeaders: Record<string, string> = {};
    try {
      principal = await authenticate(contract, event, getDeps);
      authorize(contract, principal);
      const deps = await getDeps();
      // Integration clients (issue 7): only the routes their grant names, at most their requests per minute (people are not counted).
      const client = contract.permission !== 'public' ? await authorizeClient(deps, principal, contract) : undefined;
      if (client) rateHeaders = await enforceClientRate(deps, log, client);
      params = parse(contract.params, event.pathParameters ?? {}, 'path') as Record<string, unknown> | undefined;
      const query = parse(contract.query, event.queryStringParameters ?? {}, 'query');
      body = contract.body ? parse(contract.body, readBody(event, deps.config.maxBodyBytes), '') : undefined;
      const req = { params, query, body, principal, correlationId, headers: event.headers ?? {}, deps, log } as HttpRequest<C>;
      let answer: unknown;
      const audited = runAudited(async () => {
        const run = async () => {
          const r = await fn(req);
          answer = r.body;
          return json(r.status ?? contract.status, r.body, { 'x-correlation-id': correlationId, ...r.headers });
        };
        const key = contract.idempotent ? header(event, 'idempotency-key') : undefined;
        return key ? await withIdempotency(deps, principal!, contract, key, event.body ?? '', run, params) : await run();
      });
      const res = await audited.result;
      const replayed = res.headers?.['idempotent-replayed'] === 'true';
      if (auditKind && !replayed && (res.statusCode ?? 200) < 400) {
        await writeAudit(deps, log, { kind: auditKind, contract, event, principal, params, body, answer, status: res.statusCode ?? 200, correlationId, scope: audited.scope });
      }
      return Object.keys(rateHeaders).length ? { ...res, headers: { ...res.headers, ...rateHeaders } } : res;
    } catch (err) {
      if (!(err instanceof DomainError)) log.error('unhandled error', { error: err as Error });
      else log.info('request refused', { status: err.status, detail: err.message });
      countMetric(err instanceof DomainError ? `Http${err.status}` : 'Http500');
      if (auditKind && principal && err instanceof ForbiddenError) {
        const deps = await getDeps().catch(() => undefined);
        if (deps) await writeAudit(deps, log, { kind: 'denied', contract, event, principal, params, body, status: 403, correlationId });
      }
      const res = problemFromError(err, instance, correlationId);
      return { ...res, headers: { ...res.headers, ...rateHeaders, ...rateHeadersOf(err), 'x-correlation-id': correlationId } };
    } finally {
      flushMetrics();
    }
  };
  const handler = middy<HttpEvent, APIGatewayProxyStructuredResultV2, Error, Context>(core);
  return Object.assign(handler, { contract });
}

/** The customer an answer is about (a customers route's object, or a `customerId` in the answer): its replay copy is indexed for erasure. */
/**
 * Whose personal data an answer carries, for the replay copy an erasure must find: a lead route's
 * answer is about the lead (its contact), a customer route's about the customer, any other about
 * the `customerId` it names (a ticket, a task, ...).
 */
export function replaySubjectOf(path: string, params: Record<string, unknown> | undefined, body: string | undefined): ReplaySubject | undefined {
  const kind = path.startsWith('/v1/leads') ? 'lead' : path.startsWith('/v1/customers') ? 'customer' : undefined;
  if (kind && typeof params?.id === 'string') return { kind, id: params.id };
  try {
    const parsed = body ? (JSON.parse(body) as { id?: unknown; customerId?: unknown }) : undefined;
    if (kind && typeof parsed?.id === 'string') return { kind, id: parsed.id };
    return typeof parsed?.customerId === 'string' ? { kind: 'customer', id: parsed.customerId } : undefined;
  } catch {
    return undefined;
  }
}

async function withIdempotency(
  deps: Deps,
  principal: Principal,
  contract: RouteContract,
  key: string,
  rawBody: string,
  run: () => Promise<APIGatewayProxyStructuredResultV2>,
  params?: Record<string, unknown>,
): Promise<APIGatewayProxyStructuredResultV2> {
  if (key.length > 255) throw ValidationError.field('Idempotency-Key', 'must be at most 255 characters');
  const sha = (s: string) => createHash('sha256').update(s).digest('base64url');
  const scope = sha(`${principal.sub}\u0000${contract.operationId}\u0000${key}`);
  const claim = await deps.idempotency.claim(scope, sha(rawBody), deps.clock.now().getTime());
  if (claim.kind === 'replay') {
    const type = claim.status >= 400 ? 'application/problem+json' : 'application/json';
    return { statusCode: claim.status, headers: { 'content-type': type, ...SECURE_HEADERS, 'idempotent-replayed': 'true' }, body: claim.body };
  }
  if (claim.kind === 'in-progress') throw new ConflictError('A request with this Idempotency-Key is still being processed; retry shortly.');
  if (claim.kind === 'mismatch') return problem(422, 'Idempotency key reused', 'This Idempotency-Key was used with a different request body.');
  try {
    const res = await run();
    await deps.idempotency.complete(scope, res.statusCode ?? 200, res.body ?? '', replaySubjectOf(contract.path, params, res.body));
    return res;
  } catch (err) {
    // A refused request (4xx) is remembered like a success; only unexpected failures may be retried.
    if (err instanceof DomainError) {
      const res = problemFromError(err, contract.path, '');
      await deps.idempotency.complete(scope, res.statusCode ?? 400, res.body ?? '');
    } else await deps.idempotency.release(scope);
    throw err;
  }
}
