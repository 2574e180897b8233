import { mkdirSync, writeFileSync } from 'node:fs';
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
