import * as fs from 'node:fs';
import * as path from 'node:path';
import { routeKey } from '../../shared/api/contract';
import { PERMISSIONS } from '../../shared/domain/roles';
import { EVENT_CATALOG } from '../../shared/events/catalog';
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
    const triggers = [s.http, s.consumer, s.stream, s.schedule].filter(Boolean);
    expect({ name: s.name, triggers: triggers.length }).toEqual({ name: s.name, triggers: 1 });
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
  }
});
