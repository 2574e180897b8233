import { readFileSync } from 'node:fs';
import { seedBrand, type SeedReport } from '../../infra/local/seed';
import { readShared } from '../support/shared-data';
import type { TestStack } from './helpers';

/** Seeds the test stack's brand with `npm run seed`'s own code (`customers` CDNOW customers). */
export async function seedTestBrand(t: TestStack, customers: number): Promise<SeedReport> {
  const secret = (JSON.parse(readFileSync(t.stack.webhookSecretsFile, 'utf8')) as { generic: { default: string[] } }).generic.default[0]!;
  const tokens = new Map<string, string>();
  return seedBrand(
    {
      url: t.stack.url,
      webhookSecret: secret,
      log: () => undefined,
      token: async (role, sub) => {
        const k = `${role}|${sub ?? ''}`;
        if (!tokens.has(k)) tokens.set(k, await t.stack.mintToken(role, sub ? { sub } : {}));
        return tokens.get(k)!;
      },
      runSchedule: async (name) => {
        await t.stack.runSchedule(name);
      },
    },
    { customers, seed: 7, log: readShared('data', 'cdnow', 'CDNOW_sample.txt') },
  );
}
