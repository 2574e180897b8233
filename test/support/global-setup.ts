import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Nothing to start for the whole run: each integration and e2e test file gets a DynamoDB Local of
 * its own (test/support/drop-tables.ts). One emulator per jest worker, kept for the whole run, grew
 * slower with every file it served (even with their tables dropped): files late in a run took ten
 * times as long as alone. A fresh emulator costs about 2.5 s per file and keeps every file's time
 * its own. The run's folder notes which emulator each worker runs (so the next file stops it).
 */
export default async function globalSetup(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.CRM_TEST_RUN_DIR = mkdtempSync(join(tmpdir(), 'crm-test-run-'));
}
