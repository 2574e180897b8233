import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { RouteContract } from '../../shared/api/contract';
import type { FunctionSpec } from '../wiring';
import { LOCAL_ACCOUNT } from './lambda-host';

/**
 * What API Gateway's HTTP API does between the socket and the function: route matching on the
 * contract's path template, the payload format 2.0 event, and writing the function's result.
 */
export interface Route {
  spec: FunctionSpec;
  contract: RouteContract;
  routeKey: string;
  regex: RegExp;
  params: string[];
  literals: number;
}

export function compileRoutes(functions: readonly (FunctionSpec & { http: RouteContract })[]): Route[] {
  return functions.map((spec) => {
    const c = spec.http;
    const params: string[] = [];
    let literals = 0;
    const pattern = c.path
      .split('/')
      .map((seg) => {
        const m = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(seg);
        if (!m) {
          literals++;
          return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        }
        params.push(m[1]!);
        return m[2] ? '(.+)' : '([^/]+)';
      })
      .join('/');
    return { spec, contract: c, routeKey: `${c.method} ${c.path}`, regex: new RegExp(`^${pattern}$`), params, literals };
  });
}

/** The most specific route wins (most literal segments), as in API Gateway. */
export function matchRoute(routes: readonly Route[], method: string, path: string): { route: Route; pathParameters: Record<string, string> } | undefined {
  let best: { route: Route; values: string[] } | undefined;
  for (const route of routes) {
    if (route.contract.method !== method) continue;
    const m = route.regex.exec(path);
    if (m && (!best || route.literals > best.route.literals)) best = { route, values: m.slice(1) };
  }
  if (!best) return undefined;
  const pathParameters: Record<string, string> = {};
  best.route.params.forEach((name, i) => {
    const raw = best.values[i] ?? '';
    try {
      pathParameters[name] = decodeURIComponent(raw);
    } catch {
      pathParameters[name] = raw;
    }
  });
  return { route: best.route, pathParameters };
}

const TEXTUAL = /^(text\/|application\/([\w.+-]+\+)?(json|xml|javascript|x-www-form-urlencoded|graphql|yaml)\b)/i;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** `12/Mar/2020:19:03:58 +0000`, API Gateway's requestContext.time. */
function clf(d: Date): string {
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

export interface EventInput {
  req: IncomingMessage;
  rawPath: string;
  rawQueryString: string;
  routeKey: string;
  pathParameters: Record<string, string>;
  body: Buffer;
  claims?: Record<string, string>;
  scopes?: string[] | null;
}

export function toApiGatewayEvent(input: EventInput): APIGatewayProxyEventV2WithJWTAuthorizer {
  const { req, rawPath, rawQueryString, routeKey } = input;
  const headers: Record<string, string> = {};
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const joined = Array.isArray(value) ? value.join(',') : value;
    if (name === 'cookie') cookies = joined.split(/;\s*/).filter(Boolean);
    else headers[name] = joined;
  }
  let query: Record<string, string> | undefined;
  for (const [k, v] of new URLSearchParams(rawQueryString)) {
    query ??= {};
    query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  }
  const now = new Date();
  const textual = TEXTUAL.test(headers['content-type'] ?? '');
  const host = headers.host ?? 'localhost';
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const requestContext = {
    accountId: LOCAL_ACCOUNT,
    apiId: 'local',
    domainName: host,
    domainPrefix: host.split('.')[0] ?? host,
    http: { method: req.method ?? 'GET', path: rawPath, protocol: `HTTP/${req.httpVersion}`, sourceIp, userAgent: headers['user-agent'] ?? '' },
    requestId: randomUUID(),
    routeKey,
    stage: '$default',
    time: clf(now),
    timeEpoch: now.getTime(),
    ...(input.claims ? { authorizer: { jwt: { claims: input.claims, scopes: input.scopes ?? null } } } : {}),
  };
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    ...(Object.keys(input.pathParameters).length ? { pathParameters: input.pathParameters } : {}),
    requestContext,
    ...(input.body.length ? { body: textual ? input.body.toString('utf8') : input.body.toString('base64') } : {}),
    isBase64Encoded: input.body.length > 0 && !textual,
  } as APIGatewayProxyEventV2WithJWTAuthorizer;
}

/**
 * Writes a function's answer as API Gateway would: a structured result as is (cookies become
 * set-cookie, base64 bodies are decoded); anything else is JSON with status 200.
 */
export function writeResult(res: ServerResponse, result: unknown, extraHeaders: Record<string, string>): void {
  let r: APIGatewayProxyStructuredResultV2;
  if (result && typeof result === 'object' && 'statusCode' in result) r = result as APIGatewayProxyStructuredResultV2;
  else r = { statusCode: 200, headers: { 'content-type': 'application/json' }, body: typeof result === 'string' ? result : JSON.stringify(result ?? null) };
  const headers: Record<string, string | string[]> = { ...extraHeaders };
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (r.cookies?.length) headers['set-cookie'] = r.cookies;
  const body = r.body === undefined ? Buffer.alloc(0) : r.isBase64Encoded ? Buffer.from(r.body, 'base64') : Buffer.from(r.body, 'utf8');
  headers['content-length'] = String(body.length);
  res.writeHead(r.statusCode ?? 200, headers);
  res.end(body);
}
