import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ensureTable, LOCAL_CREDENTIALS } from '../infra/local/dynamodb-local';
import { httpFunctions } from '../infra/wiring';
import { loadConfig } from '../shared/runtime/config';
import { buildDeps, setDeps } from '../shared/runtime/deps';
import { createDocumentClient } from '../shared/store/client';
import { round, type Result } from './lib';

/**
 * DynamoDB calls and consumed capacity per API call: every wired route's real handler is invoked
 * with an API Gateway event against DynamoDB Local, and each command it sends is counted through
 * SDK middleware that asks for ReturnConsumedCapacity.
 */
interface Call {
  command: string;
  read: number;
  write: number;
}

type Capacity = { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };

export async function benchCapacity(endpoint: string): Promise<{ results: Result[]; table: string }> {
  const tableName = `crm-bench-cap-${Date.now()}`;
  await ensureTable(endpoint, tableName);
  const doc = createDocumentClient({ endpoint, credentials: LOCAL_CREDENTIALS });
  let calls: Call[] = [];
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      const out = await next(args);
      const raw = (out.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
      const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
      const command = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      const writes = /Put|Update|Delete|Write/.test(command);
      const units = list.reduce((s, c) => s + (c.CapacityUnits ?? (c.ReadCapacityUnits ?? 0) + (c.WriteCapacityUnits ?? 0)), 0);
      calls.push({ command, read: writes ? 0 : units, write: writes ? units : 0 });
      return out;
    },
    { step: 'initialize', name: 'countCapacity' },
  );
  setDeps(buildDeps({ ...loadConfig({}), tableName }, Buffer.alloc(32, 3), { db: { doc, tableName } }));
  const handlers = new Map<string, (e: unknown, c: unknown) => Promise<APIGatewayProxyStructuredResultV2>>();
  for (const f of httpFunctions()) handlers.set(`${f.http.method} ${f.http.path}`, (await import(`../${f.entry}`)).handler);
  const call = async (routeKey: string, params: Record<string, string> = {}, body?: unknown, query?: Record<string, string>) => {
    calls = [];
    const res = await handlers.get(routeKey)!(
      {
        version: '2.0',
        routeKey,
        rawPath: routeKey.split(' ')[1],
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        isBase64Encoded: false,
        pathParameters: params,
        queryStringParameters: query,
        requestContext: { requestId: 'bench', authorizer: { jwt: { claims: { sub: 'bench', 'cognito:groups': '[admin]' }, scopes: [] } } },
      },
      {},
    );
    if ((res.statusCode ?? 500) >= 400) throw new Error(`${routeKey} answered ${res.statusCode}: ${res.body}`);
    return { body: JSON.parse(res.body ?? 'null'), calls: [...calls] };
  };

  const measured: { route: string; calls: Call[] }[] = [];
  const take = async (route: string, p: Promise<{ body: any; calls: Call[] }>) => {
    const r = await p;
    measured.push({ route, calls: r.calls });
    return r.body;
  };
  const a = await take('POST /v1/customers', call('POST /v1/customers', {}, { name: 'Bench A', email: 'a@bench.example', phone: '+8613800001111', city: 'Shanghai' }));
  const b = (await call('POST /v1/customers', {}, { name: 'Bench B', email: 'b@bench.example' })).body;
  for (let i = 0; i < 5; i++) await call('POST /v1/customers/{id}/interactions', { id: a.id }, { channel: 'call', type: 'inquiry', summary: `note ${i}` });
  await take('GET /v1/customers/{id}', call('GET /v1/customers/{id}', { id: a.id }));
  await take('PATCH /v1/customers/{id}', call('PATCH /v1/customers/{id}', { id: a.id }, { version: 1, region: 'Pudong' }));
  await take('GET /v1/customers (list)', call('GET /v1/customers', {}, undefined, { limit: '25' }));
  await take('GET /v1/customers?email=', call('GET /v1/customers', {}, undefined, { email: 'a@bench.example' }));
  await take('GET /v1/customers?name=', call('GET /v1/customers', {}, undefined, { name: 'bench' }));
  await take('GET /v1/customers/{id}/360', call('GET /v1/customers/{id}/360', { id: a.id }));
  await take('GET /v1/customers/{id}/timeline', call('GET /v1/customers/{id}/timeline', { id: a.id }));
  await take('POST /v1/customers/{id}/interactions', call('POST /v1/customers/{id}/interactions', { id: a.id }, { channel: 'chat', type: 'feedback', summary: 'likes it' }));
  await take('POST /v1/customers/{id}/merge', call('POST /v1/customers/{id}/merge', { id: a.id }, { sourceId: b.id }));
  const c = (await call('POST /v1/customers', {}, { name: 'Bench C' })).body;
  await take('DELETE /v1/customers/{id}', call('DELETE /v1/customers/{id}', { id: c.id }));
  await take('POST /v1/customers/{id}/restore', call('POST /v1/customers/{id}/restore', { id: c.id }));
  setDeps(undefined);
  doc.destroy();

  const results: Result[] = [];
  const rows = ['| route | DynamoDB calls | RCU | WCU |', '|---|---|---|---|'];
  for (const m of measured) {
    const read = round(m.calls.reduce((s, c) => s + c.read, 0), 1);
    const write = round(m.calls.reduce((s, c) => s + c.write, 0), 1);
    const names = m.calls.map((c) => c.command).join(', ');
    rows.push(`| \`${m.route}\` | ${m.calls.length}: ${names} | ${read} | ${write} |`);
    const target = m.route === 'POST /v1/customers' || m.route === 'GET /v1/customers/{id}/360' ? 1 : null;
    results.push({ name: `dynamodb calls ${m.route}`, value: m.calls.length, unit: 'calls', target, better: 'lower', note: `${names}; ${read} RCU, ${write} WCU (DynamoDB Local ConsumedCapacity)` });
  }
  return { results, table: rows.join('\n') };
}
