import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mergeResults, writeResults, type Result } from '../../bench/lib';

/** A benchmark run on its own replaces its group's rows of bench/results.json in place and keeps the others. */
const row = (name: string, value: number): Result => ({ name, value, unit: 'ms', target: null, better: 'lower', note: '' });
const read = (dir: string) => (JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as Result[]).map((r) => `${r.name}=${r.value}`);

it("replaces the group's rows where they stood, keeping every other row", () => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-bench-results-'));
  writeResults([row('bundle a', 1), row('analytics x', 2), row('analytics y', 3), row('campaign z', 4)], dir);
  mergeResults([row('analytics x', 20), row('analytics w', 30)], 'analytics ', dir);
  expect(read(dir)).toEqual(['bundle a=1', 'analytics x=20', 'analytics w=30', 'campaign z=4']);
});

it('appends a group the file does not hold yet, and starts a file that does not exist', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-bench-results-'));
  mergeResults([row('rate limiter: a', 1)], 'rate limiter:', dir);
  expect(read(dir)).toEqual(['rate limiter: a=1']);
  mergeResults([row('analytics x', 2)], 'analytics ', dir);
  expect(read(dir)).toEqual(['rate limiter: a=1', 'analytics x=2']);
});
