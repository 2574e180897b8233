import * as fs from 'node:fs';
import * as path from 'node:path';
import { routeKey } from '../../shared/api/contract';
import { PERMISSIONS } from '../../shared/domain/roles';
import { EVENT_CATALOG } from '../../shared/events/catalog';
import { QUEUE_NAMES } from '../../shared/runtime/message-queue';
import { WIRING } from '../../infra/wiring';

/**
 * The wiring table against the files on disk and the catalogs it names. Handler modules are read
 * as text, never imported: this test proves the wiring, not the handlers.
 */
const ROOT = path.join(__dirname, '..', '..');

function handlerFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return handlerFiles(rel);
    return e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [rel] : [];
  });
}

test('every .ts file under functions/ is the entry of exactly one spec', () => {
  const files = handlerFiles('functions');
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    expect({ file, specs: WIRING.filter((s) => s.entry === file).map((s) => s.name) }).toEqual({ file, specs: [expect.any(String)] });
  }
});

test.each(WIRING.map((s) => [s.name, s.entry] as const))('%s: entry %s exists and exports `handler`', (_, entry) => {
  const file = path.join(ROOT, entry);
  expect(fs.existsSync(file)).toBe(true);
  expect(fs.readFileSync(file, 'utf8')).toMatch(/export\s+(const|async\s+function|function)\s+handler\b/);
});

test('names are unique and kebab-case', () => {
  const names = WIRING.map((s) => s.name);
  expect(new Set(names).size).toBe(names.length);
  for (const name of names) expect(name).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
});

// The stack names each spec's queue, DLQ and DLQ outputs after the spec: one trigger per function.
test('every spec has exactly one trigger', () => {
  for (const s of WIRING) {
    const triggers = [s.http, s.consumer, s.queue, s.stream, s.schedule].filter(Boolean);
    expect({ name: s.name, triggers: triggers.length }).toEqual({ name: s.name, triggers: 1 });
  }
});

test('a daily schedule at a fixed time is HH:MM UTC, once a day', () => {
  const fixed = WIRING.filter((s) => s.schedule?.atUtc);
  expect(fixed.map((s) => s.name).sort()).toEqual(['analytics-export', 'analytics-snapshot']);
  for (const s of fixed) {
    expect(s.schedule!.atUtc).toMatch(/^([01]\d|2[0-3]):[0-5]\d$/);
    expect(s.schedule!.everyMinutes).toBe(1440);
  }
});

test('every HTTP route key is unique', () => {
  const keys = WIRING.flatMap((s) => (s.http ? [routeKey(s.http)] : []));
  expect(keys.length).toBeGreaterThan(0);
  expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
});

test('every consumed event type is in the event catalog', () => {
  for (const s of WIRING) {
    for (const type of s.consumer?.events ?? []) expect(Object.keys(EVENT_CATALOG)).toContain(type);
  }
});

test("every HTTP contract's permission is 'public' or a known permission", () => {
  const allowed: string[] = ['public', ...PERMISSIONS];
  for (const s of WIRING) if (s.http) expect(allowed).toContain(s.http.permission);
});

test('consumer queues outlast the function run: visibility timeout is at least the function timeout', () => {
  for (const s of WIRING) {
    if (s.consumer) expect(s.consumer.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(s.timeoutSeconds ?? 10);
    if (s.queue) expect(s.queue.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(s.timeoutSeconds ?? 10);
  }
});

test('every work queue has exactly one consumer, and every queue a function sends to is consumed', () => {
  const consumed = WIRING.flatMap((s) => (s.queue ? [s.queue.name] : []));
  expect(consumed.filter((q, i) => consumed.indexOf(q) !== i)).toEqual([]);
  expect([...QUEUE_NAMES].sort()).toEqual([...consumed].sort());
  for (const s of WIRING) for (const q of s.sendsTo ?? []) expect({ spec: s.name, sendsTo: q, consumed: consumed.includes(q) }).toEqual({ spec: s.name, sendsTo: q, consumed: true });
});

test('every DLQ name (function or work queue) is unique: the stack outputs are named after it', () => {
  const names = WIRING.flatMap((s) => [...(s.consumer || s.stream || s.schedule ? [s.name] : []), ...(s.queue ? [s.queue.name] : [])]);
  expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
});

test('the webhook receivers are public routes that send to the ingest queue and read the webhook secrets', () => {
  const receivers = WIRING.filter((s) => s.entry.startsWith('functions/webhooks/'));
  expect(receivers.map((s) => routeKey(s.http!)).sort()).toEqual(['POST /v1/webhooks/generic/{sourceId}', 'POST /v1/webhooks/shopify', 'POST /v1/webhooks/woocommerce']);
  for (const s of receivers) expect(s).toMatchObject({ http: { permission: 'public' }, sendsTo: ['ingest'], secrets: ['webhooks'], table: 'read' });
  expect(WIRING.filter((s) => s.secrets?.includes('webhooks')).map((s) => s.name)).toEqual(receivers.map((s) => s.name));
  expect(WIRING.find((s) => s.name === 'ingest')).toEqual({
    name: 'ingest',
    entry: 'functions/workers/ingest.ts',
    queue: { name: 'ingest', batchSize: 10, maxReceiveCount: 5, visibilityTimeoutSeconds: 60, maxConcurrency: 8 },
    table: 'write',
  });
});
