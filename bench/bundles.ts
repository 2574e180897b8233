import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_OPTIONS } from '../infra/bundling';
import { WIRING } from '../infra/wiring';
import { median, round, type Result } from './lib';

/**
 * Bundles every wired function exactly as the CDK construct does (minified, node22, CJS, AWS SDK
 * included), and measures its size and its cold init in a fresh Node process against a baseline
 * bundle that only creates a DynamoDB document client, in the same run.
 */
const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'bench', 'out');

async function bundle(name: string, entry: string): Promise<string> {
  const outfile = join(OUT, name, 'index.js');
  await build({ ...BUNDLE_OPTIONS, mainFields: [...BUNDLE_OPTIONS.mainFields], entryPoints: [entry], outfile, logLevel: 'error' });
  return outfile;
}

function initMs(file: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  return Number(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, AWS_REGION: 'us-east-1', POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } }).toString());
}

export async function benchBundles(runs = 9): Promise<Result[]> {
  mkdirSync(join(OUT, 'baseline'), { recursive: true });
  const baselineSrc = join(OUT, 'baseline', 'src.ts');
  writeFileSync(
    baselineSrc,
    "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';\nexport const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));\nexport const handler = async () => doc;\n",
  );
  const baseline = await bundle('baseline', baselineSrc);
  const files = await Promise.all(WIRING.map(async (f) => ({ name: f.name, file: await bundle(f.name, join(ROOT, f.entry)) })));
  const results: Result[] = [];
  const sizes = files.map((f) => ({ name: f.name, kb: statSync(f.file).size / 1024 }));
  for (const s of sizes) {
    results.push({ name: `bundle size ${s.name}`, value: round(s.kb, 1), unit: 'KB', target: 300, better: 'lower', note: 'minified esbuild bundle, node22 CJS, AWS SDK included' });
  }
  // Interleave baseline and function runs so drift on a shared machine hits both alike.
  for (const f of files) {
    const base: number[] = [];
    const fn: number[] = [];
    for (let i = 0; i < runs; i++) {
      base.push(initMs(baseline));
      fn.push(initMs(f.file));
    }
    results.push({
      name: `cold init ratio ${f.name}`,
      value: round(median(fn) / median(base)),
      unit: 'ratio',
      target: 1.25,
      better: 'lower',
      note: `median require() time of ${runs} fresh processes: ${round(median(fn))} ms vs baseline (document client only) ${round(median(base))} ms (${round(statSync(baseline).size / 1024, 1)} KB)`,
    });
  }
  return results;
}
