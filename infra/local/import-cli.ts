/**
 * `npm run import -- file.csv [--kind customers|orders] [--map field=column,...] [--format csv|jsonl] [--dedup merge|skip]`:
 * imports a file into the running local stack (found through `<state dir>/runtime.json`, with an
 * admin token minted from the state dir, as `npm run dlq` does) and shows the job's progress.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseMapping, runImportClient } from './import-client';
import { defaultStateDir, loadOrCreateKeys, mintToken } from './tokens';

const USAGE =
  'usage: npm run import -- FILE [--kind customers|orders] [--map field=column,...] [--format csv|jsonl] [--dedup merge|skip] [--url URL] [--state DIR]\n' +
  '  e.g. npm run import -- orders.csv --kind orders --map orderId="Order No",placedAt=Date,total=Amount,currency=Currency,email=Email';

function choice<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new Error(`--${name} must be one of ${allowed.join(', ')}, not "${value}"\n${USAGE}`);
  return value as T;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      kind: { type: 'string' },
      map: { type: 'string' },
      format: { type: 'string' },
      dedup: { type: 'string' },
      url: { type: 'string' },
      state: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  // npm runs scripts from the package root; INIT_CWD is where the command was typed.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const file = resolve(cwd, positionals[0]!);
  if (!existsSync(file)) throw new Error(`no such file: ${file}`);
  const stateDir = values.state ?? defaultStateDir();
  let baseUrl = values.url;
  if (!baseUrl) {
    const runtime = resolve(stateDir, 'runtime.json');
    if (!existsSync(runtime)) throw new Error(`No local stack is running (no ${runtime}). Start one with \`npm start\`, or pass --url.`);
    baseUrl = (JSON.parse(readFileSync(runtime, 'utf8')) as { url: string }).url;
  }
  const guessed = /\.(jsonl|ndjson)$/i.test(extname(file)) ? 'jsonl' : 'csv';
  const token = await mintToken(loadOrCreateKeys(stateDir), { role: 'admin', sub: 'local-import-cli', ttlSeconds: 12 * 3600 });
  const summary = await runImportClient(
    {
      file,
      kind: choice('kind', values.kind, ['customers', 'orders'] as const, 'customers'),
      format: choice('format', values.format, ['csv', 'jsonl'] as const, guessed),
      mapping: parseMapping(values.map),
      dedup: choice('dedup', values.dedup, ['merge', 'skip'] as const, 'merge'),
    },
    { baseUrl, token, reportDir: cwd },
  );
  return summary.job.status === 'completed' ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
