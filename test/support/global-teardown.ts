import { rmSync } from 'node:fs';

/**
 * The emulators end with the jest workers that started them (their watchdog,
 * infra/local/dynamodb-local.ts); the run's notes of which one each worker ran go.
 */
export default async function globalTeardown(): Promise<void> {
  if (process.env.CRM_TEST_RUN_DIR) rmSync(process.env.CRM_TEST_RUN_DIR, { recursive: true, force: true });
}
