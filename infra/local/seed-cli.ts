/**
 * `npm run seed [-- --all] [--customers N] [--seed N] [--url URL] [--state DIR]`: fills the running
 * local stack (`npm start`) with a realistic brand — see ./seed.ts. Finds the stack from
 * `<state dir>/runtime.json`, signs in with the local keys, signs webhooks with the local secrets.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Role } from '../../shared/domain/roles';
import { seedBrand } from './seed';
import { defaultStateDir, loadOrCreateKeys, mintToken } from './tokens';

const USAGE = 'usage: npm run seed -- [--all | --customers N] [--seed N] [--url URL] [--state DIR]';

function sharedLog(): string {
  const dirs = [process.env.CRM_SHARED_DIR, resolve(__dirname, '..', '..', '..', 'shared'), resolve(__dirname, '..', '..', 'test', 'fixtures', 'shared')].filter((d): d is string => !!d);
  for (const d of dirs) {
    const f = join(d, 'data', 'cdnow', 'CDNOW_sample.txt');
    if (existsSync(f)) return readFileSync(f, 'utf8');
  }
  throw new Error('The CDNOW log was not found (../shared/data/cdnow/CDNOW_sample.txt); set CRM_SHARED_DIR');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { all: { type: 'boolean' }, customers: { type: 'string' }, seed: { type: 'string' }, url: { type: 'string' }, state: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return console.log(USAGE);
  const stateDir = resolve(values.state ?? defaultStateDir());
  const runtimeFile = join(stateDir, 'runtime.json');
  const url = values.url ?? (existsSync(runtimeFile) ? (JSON.parse(readFileSync(runtimeFile, 'utf8')) as { url: string }).url : undefined);
  if (!url) throw new Error(`No running stack found (${runtimeFile}): start it with \`npm start\` first, or pass --url.\n${USAGE}`);
  const customers = values.all ? 2357 : Number(values.customers ?? 300);
  if (!Number.isInteger(customers) || customers < 1 || customers > 2357) throw new Error(`--customers must be 1-2357, not "${values.customers}"\n${USAGE}`);
  const seed = Number(values.seed ?? 42);
  const keys = loadOrCreateKeys(stateDir);
  const secret = (JSON.parse(readFileSync(join(stateDir, 'webhook-secrets.json'), 'utf8')) as { generic: { default: string[] } }).generic.default[0]!;
  const tokens = new Map<string, string>();
  const token = async (role: Role, sub?: string) => {
    const k = `${role}|${sub ?? ''}`;
    if (!tokens.has(k)) tokens.set(k, await mintToken(keys, { role, ...(sub ? { sub } : {}), ttlSeconds: 3600 }));
    return tokens.get(k)!;
  };
  const log = (m: string) => console.log(`[seed] ${m}`);
  log(`seeding ${url} with ${customers} CDNOW customers (seed ${seed}) ...`);
  const report = await seedBrand(
    {
      url,
      token,
      webhookSecret: secret,
      log,
      runSchedule: async (name) => {
        const res = await fetch(`${url}/_local/schedules/${encodeURIComponent(name)}`, { method: 'POST', headers: { authorization: `Bearer ${await token('admin')}` } });
        if (!res.ok) throw new Error(`running ${name}: ${res.status} ${await res.text()}`);
        await res.text();
      },
    },
    { customers, seed, log: sharedLog() },
  );
  console.log(
    [
      '',
      `Seeded in ${report.seconds} s: ${report.customers} customers, ${report.orders} orders, ${report.tickets} tickets, ${report.leads} leads, ${report.campaignMessages} campaign messages.`,
      `Dashboard: ${url}/dashboard/  (token: npm run token -- --role manager)`,
      '',
    ].join('\n'),
  );
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
