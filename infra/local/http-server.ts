import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { problem } from '../../shared/http/problem';
import { httpFunctions } from '../wiring';
import type { LocalBlobStore } from '../../shared/runtime/local-blob-store';
import { compileRoutes, matchRoute, toApiGatewayEvent, writeResult } from './apigw-event';
import { isBlobRoute, serveBlob } from './blob-routes';
import { serveDocs } from './docs-page';
// Analytics (issue 9)
import { isDashboardPath, serveDashboard } from './dashboard-route';
import { invoke } from './lambda-host';
import type { DeadLetter } from './local-queue';
import { buildOpenApi } from './openapi';
import { flattenClaims, verifyToken, type LocalKeys } from './tokens';

/**
 * The local API Gateway: routes from the wiring table's contracts, JWT authorization against the
 * local key (like the HTTP API's JWT authorizer), CORS, the 10 MB payload limit, and the real
 * handlers called with payload-format-2.0 events. Also /health, /openapi.json, /docs and the
 * admin-only /_local/dlq endpoints used by `npm run dlq`.
 */
export interface LocalAdmin {
  listDeadLetters(queue?: string): { queue: string; depth: number; messages: DeadLetter[] }[];
  replayDeadLetters(queue?: string): { queue: string; moved: number }[];
  health(): Record<string, unknown>;
  // Analytics (issue 9): run a scheduled function now (POST /_local/schedules/{name}; the seed runs the value models and the analytics snapshot).
  runSchedule?(name: string): Promise<unknown>;
}

export interface HttpServerOptions {
  port: number;
  host?: string;
  keys: LocalKeys;
  admin: LocalAdmin;
  corsOrigins?: readonly string[];
  /** Serves the signed upload/download URLs this blob store hands out (the local S3). */
  blobs?: LocalBlobStore;
  log?: (level: 'info' | 'error', message: string, extra?: Record<string, unknown>) => void;
}

export interface LocalHttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
const ALLOW_HEADERS = 'authorization, content-type, idempotency-key, x-correlation-id';
const EXPOSE_HEADERS = 'location, x-correlation-id, idempotent-replayed, apigw-requestid';

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(req.headers['content-length'] ?? 0) > limit;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
      else chunks.length = 0;
      if (size > limit * 4) req.destroy(); // drain a little for a clean 413, not forever
    });
    req.on('end', () => (tooLarge ? reject(new HttpFailure(413, 'Payload too large', `The body exceeds ${limit} bytes.`)) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

async function authorize(req: IncomingMessage, keys: LocalKeys): Promise<Record<string, string>> {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m) throw new HttpFailure(401, 'Unauthorized', 'A bearer token is required.', { 'www-authenticate': 'Bearer' });
  try {
    return flattenClaims(await verifyToken(keys, m[1]!));
  } catch (err) {
    const reason = (err as { code?: string }).code === 'ERR_JWT_EXPIRED' ? 'the token has expired' : 'the token is not valid';
    throw new HttpFailure(401, 'Unauthorized', `The bearer token was refused: ${reason}.`, { 'www-authenticate': `Bearer error="invalid_token", error_description="${reason}"` });
  }
}

/** An unknown queue name is the caller's mistake: 404, not 500. */
function adminCall<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new HttpFailure(404, 'Not found', (err as Error).message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  writeResult(res, { statusCode: status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' }, body: JSON.stringify(body) }, headers);
}

export async function startHttpServer(opts: HttpServerOptions): Promise<LocalHttpServer> {
  const routes = compileRoutes(httpFunctions());
  const origins = opts.corsOrigins ?? ['http://localhost:3000'];
  const log = opts.log ?? (() => undefined);
  const openApi = new Map<string, unknown>();

  async function requireAdmin(req: IncomingMessage): Promise<void> {
    const claims = await authorize(req, opts.keys);
    if (!/(^|[\s[,])admin([\s\],]|$)/.test(claims['cognito:groups'] ?? '')) throw new HttpFailure(403, 'Forbidden', 'Local admin endpoints need the admin role.');
  }

  async function localRoute(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, headers: Record<string, string>): Promise<boolean> {
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/health') sendJson(res, 200, { status: 'ok', ...opts.admin.health() }, headers);
    else if (method === 'GET' && path === '/openapi.json') {
      const server = `http://${req.headers.host ?? 'localhost'}`;
      if (!openApi.has(server)) openApi.set(server, buildOpenApi(server));
      sendJson(res, 200, openApi.get(server), headers);
    } else if (method === 'GET' && path.startsWith('/docs')) return serveDocs(path, res, headers);
    else if (opts.blobs && isBlobRoute(method, path)) await serveBlob(opts.blobs, req, res, path, query, headers);
    else if (method === 'GET' && path === '/_local/dlq') {
      await requireAdmin(req);
      sendJson(res, 200, { queues: adminCall(() => opts.admin.listDeadLetters(query.get('queue') ?? undefined)) }, headers);
    } else if (method === 'POST' && path === '/_local/dlq/replay') {
      await requireAdmin(req);
      const raw = (await readBody(req, 64 * 1024)).toString('utf8');
      let queue = query.get('queue') ?? undefined;
      try {
        queue ??= raw ? (JSON.parse(raw) as { queue?: string }).queue : undefined;
      } catch {
        throw new HttpFailure(400, 'Invalid request', 'The body must be JSON like {"queue": "name"}.');
      }
      sendJson(res, 200, { moved: adminCall(() => opts.admin.replayDeadLetters(queue)) }, headers);
    }
    // Analytics (issue 9): the dashboard page, and a schedule run on demand (admin only).
    else if (isDashboardPath(method, path)) return serveDashboard(path, res, headers);
    else if (method === 'POST' && path.startsWith('/_local/schedules/') && opts.admin.runSchedule) {
      await requireAdmin(req);
      const name = decodeURIComponent(path.slice('/_local/schedules/'.length));
      let result: unknown;
      try {
        result = await opts.admin.runSchedule(name);
      } catch (err) {
        if (/no scheduled function/.test((err as Error).message)) throw new HttpFailure(404, 'Not found', (err as Error).message);
        throw err;
      }
      sendJson(res, 200, { schedule: name, result }, headers);
    } else return false;
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const rawPath = q >= 0 ? url.slice(0, q) : url;
    const rawQueryString = q >= 0 ? url.slice(q + 1) : '';
    const origin = req.headers.origin;
    const cors: Record<string, string> =
      origin && (origins.includes(origin) || origins.includes('*'))
        ? { 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSE_HEADERS, vary: 'origin' }
        : {};
    const base = { ...cors, 'apigw-requestid': Math.random().toString(36).slice(2, 14) };
    try {
      if (req.method === 'OPTIONS') {
        const preflight = cors['access-control-allow-origin']
          ? {
              'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
              'access-control-allow-headers': req.headers['access-control-request-headers'] ?? ALLOW_HEADERS,
              'access-control-max-age': '600',
            }
          : {};
        res.writeHead(204, { ...base, ...preflight, 'content-length': '0' });
        res.end();
        return;
      }
      if (await localRoute(req, res, rawPath, new URLSearchParams(rawQueryString), base)) return;
      const found = matchRoute(routes, req.method ?? 'GET', rawPath);
      if (!found) throw new HttpFailure(404, 'Not found', `No route ${req.method} ${rawPath}.`);
      const body = await readBody(req, MAX_PAYLOAD_BYTES);
      const { route, pathParameters } = found;
      const claims = route.contract.permission === 'public' ? undefined : await authorize(req, opts.keys);
      const scopes = claims?.scope ? claims.scope.split(' ') : null;
      const event = toApiGatewayEvent({ req, rawPath, rawQueryString, routeKey: route.routeKey, pathParameters, body, ...(claims ? { claims, scopes } : {}) });
      let result: unknown;
      try {
        result = await invoke(route.spec, event);
      } catch (err) {
        log('error', `handler ${route.spec.name} threw`, { error: err instanceof Error ? err.stack : String(err) });
        throw new HttpFailure(500, 'Internal error', 'Something went wrong on our side; the request can be retried.');
      }
      writeResult(res, result, base);
      log('info', `${req.method} ${rawPath} -> ${(result as { statusCode?: number })?.statusCode ?? 200}`);
    } catch (err) {
      const f = err instanceof HttpFailure ? err : new HttpFailure(500, 'Internal error', 'Something went wrong on our side; the request can be retried.');
      if (!(err instanceof HttpFailure)) log('error', 'local server error', { error: err instanceof Error ? err.stack : String(err) });
      if (res.headersSent) return void res.destroy();
      const p = problem(f.status, f.title, f.message, { instance: rawPath });
      writeResult(res, p, { ...base, ...f.headers });
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
