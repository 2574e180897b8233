import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compileRoutes, matchRoute, toApiGatewayEvent } from '../../infra/local/apigw-event';
import { flattenClaims } from '../../infra/local/tokens';
import { httpFunctions } from '../../infra/wiring';

/** The local API Gateway's request translation: payload format 2.0 as the HTTP API builds it. */
const routes = compileRoutes(httpFunctions());
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const [rawPath = '/', rawQueryString = ''] = (req.url ?? '/').split('?');
      const found = matchRoute(routes, req.method ?? 'GET', rawPath);
      const event = toApiGatewayEvent({
        req,
        rawPath,
        rawQueryString,
        routeKey: found?.route.routeKey ?? '$default',
        pathParameters: found?.pathParameters ?? {},
        body: Buffer.concat(chunks),
        claims: flattenClaims({ sub: 'u1', 'cognito:groups': ['admin', 'manager'], exp: 1700000000 }),
        scopes: null,
      });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(event));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

it('matches the most specific route template and decodes path parameters', () => {
  expect(matchRoute(routes, 'GET', '/v1/customers/01ARZ3NDEKTSV4RRFFQ69G5FAV/360')?.route.routeKey).toBe('GET /v1/customers/{id}/360');
  expect(matchRoute(routes, 'GET', '/v1/customers/abc%20d')?.pathParameters).toEqual({ id: 'abc d' });
  expect(matchRoute(routes, 'GET', '/v1/customers/a/b/c')).toBeUndefined();
  expect(matchRoute(routes, 'DELETE', '/v1/customers')).toBeUndefined();
});

it('builds a version 2.0 event: route key, lower-cased headers, cookies, joined query values, flattened claims', async () => {
  const res = await fetch(`${url}/v1/customers?limit=5&tag=a&tag=b&empty=`, { headers: { 'X-Custom': 'Yes', cookie: 'a=1; b=2', 'user-agent': 'e2e' } });
  const e = (await res.json()) as any; // eslint-disable-line @typescript-eslint/no-explicit-any -- an event to inspect
  expect(e).toMatchObject({
    version: '2.0',
    routeKey: 'GET /v1/customers',
    rawPath: '/v1/customers',
    rawQueryString: 'limit=5&tag=a&tag=b&empty=',
    cookies: ['a=1', 'b=2'],
    queryStringParameters: { limit: '5', tag: 'a,b', empty: '' },
    isBase64Encoded: false,
  });
  expect(e.headers['x-custom']).toBe('Yes');
  expect(e.headers.cookie).toBeUndefined();
  expect(e.pathParameters).toBeUndefined();
  expect(e.body).toBeUndefined();
  expect(e.requestContext).toMatchObject({
    accountId: expect.any(String),
    apiId: 'local',
    stage: '$default',
    routeKey: 'GET /v1/customers',
    http: { method: 'GET', path: '/v1/customers', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'e2e' },
    authorizer: { jwt: { claims: { sub: 'u1', 'cognito:groups': '[admin manager]', exp: '1700000000' }, scopes: null } },
  });
  expect(e.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(e.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
  expect(typeof e.requestContext.timeEpoch).toBe('number');
});

it('passes JSON bodies as text and binary bodies as base64', async () => {
  const json = await (await fetch(`${url}/v1/customers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"李雷"}' })).json();
  expect(json).toMatchObject({ body: '{"name":"李雷"}', isBase64Encoded: false, routeKey: 'POST /v1/customers' });
  const bytes = Buffer.from([0, 1, 2, 250, 255]);
  const bin = (await (await fetch(`${url}/v1/customers`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes })).json()) as { isBase64Encoded: boolean; body: string };
  expect(bin.isBase64Encoded).toBe(true);
  expect(Buffer.from(bin.body, 'base64')).toEqual(bytes);
});
