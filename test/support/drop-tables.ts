import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoLocal } from '../../infra/local/dynamodb-local';
import { dropTables, useDynamo } from './endpoint';

/**
 * Integration and e2e test files get a fresh DynamoDB Local each (setupFilesAfterEnv in
 * jest.config.js): the previous file's emulator in this worker is stopped first (hooks of a file's
 * own afterAll run after this file's, so it cannot be stopped at the end of the file it served),
 * and the last one ends with the worker (the emulator's watchdog). Unit and infra tests need none.
 */
const testPath = expect.getState().testPath ?? '';
if (/[\\/]test[\\/](integration|e2e)[\\/]/.test(testPath)) {
  beforeAll(async () => {
    // Each file sees its own copy of process.env: the worker's last emulator is noted in a file of the run.
    const note = join(process.env.CRM_TEST_RUN_DIR ?? tmpdir(), `dynamo-of-worker-${process.pid}`);
    const previous = Number((() => {
      try {
        return readFileSync(note, 'utf8');
      } catch {
        return '';
      }
    })());
    if (previous) {
      try {
        process.kill(previous, 'SIGTERM');
      } catch {
        // gone already
      }
    }
    const ddb = await startDynamoLocal();
    ddb.unref();
    writeFileSync(note, String(ddb.pid));
    useDynamo(ddb.endpoint);
  }, 120_000);
}

// After each test file: its tables go.
afterAll(async () => {
  await dropTables();
});
