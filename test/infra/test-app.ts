import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp, type CrmStacks } from '../../infra/app';
import type { Settings } from '../../infra/settings';

export const TEST_SETTINGS: Settings = {
  stage: 'test',
  corsOrigins: ['https://app.example.com', 'http://localhost:3000'],
  defaultPhoneRegion: 'CN',
  alarmEmail: 'ops@example.com',
  throttle: { rateLimit: 50, burstLimit: 120 },
};

export interface TestApp extends CrmStacks {
  app: App;
  /** Removes the temporary cloud assembly directory. */
  cleanup(): void;
}

/** The real stacks, without esbuild bundling, synthesized into a temporary directory. */
export function buildTestApp(settings: Settings = TEST_SETTINGS): TestApp {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'crm-cdk-test-'));
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  const stacks = buildApp(app, settings);
  return { app, ...stacks, cleanup: () => fs.rmSync(outdir, { recursive: true, force: true }) };
}
