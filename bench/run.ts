import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDynamoLocal } from '../infra/local/dynamodb-local';
import { benchBundles } from './bundles';
import { benchCapacity } from './capacity';
import { benchHttpLatency } from './http-latency';
import { benchImport } from './import';
import { benchReceiverAndThroughput, benchWriteUnits } from './ingest';
import { printTable, writeResults, type Result } from './lib';

/** `npm run bench`: every figure the issues ask for, into bench/results.json and a printed table. */
async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const results: Result[] = [];
  console.error('bundles and cold init ...');
  results.push(...(await benchBundles(9)));
  const ddb = await startDynamoLocal();
  try {
    console.error('DynamoDB calls and capacity per route ...');
    const cap = await benchCapacity(ddb.endpoint);
    results.push(...cap.results);
    writeFileSync(join(__dirname, 'capacity.md'), `${cap.table}\n`);
    console.error('local HTTP latency ...');
    results.push(...(await benchHttpLatency(ddb.endpoint)));
    console.error('write units per ingested order ...');
    results.push(await benchWriteUnits(ddb.endpoint));
    console.error('webhook receiver latency and CDNOW end-to-end throughput (about 2 minutes) ...');
    results.push(...(await benchReceiverAndThroughput(ddb.endpoint)));
    console.error('bulk import of the CDNOW log ...');
    results.push(await benchImport(ddb.endpoint));
  } finally {
    await ddb.stop();
  }
  writeResults(results, __dirname);
  console.log(printTable(results));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
