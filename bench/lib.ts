import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One benchmark figure, as DESIGN.md §9 defines them. */
export interface Result {
  name: string;
  value: number;
  unit: string;
  target: number | null;
  better: 'lower' | 'higher';
  note: string;
}

export const median = (xs: number[]) => quantile(xs, 0.5);

export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export function verdict(r: Result): string {
  if (r.target === null) return '';
  return (r.better === 'lower' ? r.value <= r.target : r.value >= r.target) ? 'ok' : 'MISSED';
}

export function printTable(results: Result[]): string {
  const rows = [['name', 'value', 'unit', 'target', 'verdict'], ...results.map((r) => [r.name, String(r.value), r.unit, r.target === null ? '-' : `${r.better === 'lower' ? '<=' : '>='} ${r.target}`, verdict(r)])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

export function writeResults(results: Result[], dir: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
}

/**
 * A benchmark run on its own (`npx tsx bench/<name>.ts`) replaces its group's rows in
 * bench/results.json (those whose name starts with `prefix`), in place, keeping every other row:
 * the file stays the latest figure of each benchmark.
 */
export function mergeResults(results: Result[], prefix: string, dir: string): Result[] {
  const file = join(dir, 'results.json');
  const before = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Result[]) : [];
  const at = before.findIndex((r) => r.name.startsWith(prefix));
  const kept = before.filter((r) => !r.name.startsWith(prefix));
  const merged = at < 0 ? [...kept, ...results] : [...kept.slice(0, at), ...results, ...kept.slice(at)];
  writeResults(merged, dir);
  return merged;
}

/**
 * Runs `fn` on a DynamoDB Local of its own. The emulator slows down for good after a few hundred
 * thousand writes with their stream records (measured: a campaign run's writes went 50 times slower
 * on the emulator an earlier run had used, even on a new table; the analytics seed at 20,000
 * customers took 54 s on a fresh emulator and had not written 10,000 of its 70,000 items after a
 * minute on the one the 5,000 run had used), which would measure the emulator's history.
 */
export async function onFreshDynamo<T>(fn: (endpoint: string) => Promise<T>): Promise<T> {
  const { startDynamoLocal } = await import('../infra/local/dynamodb-local');
  const ddb = await startDynamoLocal();
  try {
    return await fn(ddb.endpoint);
  } finally {
    await ddb.stop();
  }
}
