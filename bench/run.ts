import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDynamoLocal } from '../infra/local/dynamodb-local';
import { benchBundles } from './bundles';
import { benchCapacity } from './capacity';
import { benchHttpLatency } from './http-latency';
import { benchImport } from './import';
import { benchConditions } from './conditions';
import { benchModels } from './models';
import { benchSegmentLatency } from './segmentation';
import { benchBackfill } from './backfill';
import { benchReminders } from './reminders';
import { benchReceiverAndThroughput, benchWriteUnits } from './ingest';
// Campaigns (issue 6)
import { benchCampaigns } from './campaigns';
// Analytics (issue 9)
import { benchAnalytics } from './analytics';
// Per-client throttling (issue 7)
import { benchLimiter } from './limiter';
import { printTable, writeResults, type Result } from './lib';

/**
 * `npm run bench`: every figure the issues ask for, into bench/results.json and a printed table.
 * Each group gets a fresh DynamoDB Local: the emulator slows down with all the data it holds, and
 * a figure should not depend on which benchmark ran before it.
 */
async function withDynamo<T>(fn: (endpoint: string) => Promise<T>): Promise<T> {
  const ddb = await startDynamoLocal();
  try {
    return await fn(ddb.endpoint);
  } finally {
    await ddb.stop();
  }
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const results: Result[] = [];
  console.error('bundles and cold init ...');
  results.push(...(await benchBundles(5)));
  await withDynamo(async (endpoint) => {
    console.error('DynamoDB calls and capacity per route ...');
    const cap = await benchCapacity(endpoint);
    results.push(...cap.results);
    writeFileSync(join(__dirname, 'capacity.md'), `${cap.table}\n`);
    console.error('local HTTP latency ...');
    results.push(...(await benchHttpLatency(endpoint)));
    console.error('write units per ingested order ...');
    results.push(await benchWriteUnits(endpoint));
  });
  console.error('webhook receiver latency and CDNOW end-to-end throughput (about 2 minutes) ...');
  results.push(...(await withDynamo((endpoint) => benchReceiverAndThroughput(endpoint))));
  console.error('bulk import of the CDNOW log (about 1.5 minutes) ...');
  results.push(await withDynamo((endpoint) => benchImport(endpoint)));
  console.error('condition evaluations and value-model fits ...');
  results.push(...(await benchConditions()));
  results.push(...(await benchModels()));
  console.error('event-to-membership latency ...');
  results.push(...(await withDynamo((endpoint) => benchSegmentLatency(endpoint))));
  console.error('segment backfill over 50k profiles against a bare parallel Scan (a few minutes) ...');
  results.push(...(await withDynamo((endpoint) => benchBackfill(endpoint))));
  console.error('10,000 reminders due in the same minute (about 5 minutes) ...');
  results.push(...(await withDynamo((endpoint) => benchReminders(endpoint))));
  // Campaigns (issue 6): a campaign to a 20,000-customer segment (CRM_BENCH_CAMPAIGN_SIZE), then a quarter of it under injected failures.
  console.error('a campaign to a 20,000-customer segment, and again under injected failures (several minutes) ...');
  results.push(...(await benchCampaigns())); // an emulator per run, started by the bench itself
  // Analytics (issue 9): a year of daily data at two customer counts; dashboard latency and read units per load.
  console.error('analytics: a year of daily data at 5,000 and 20,000 customers, the dashboard calls (several minutes) ...');
  results.push(...(await benchAnalytics())); // an emulator per size, started by the bench itself
  // Per-client throttling (issue 7): what the limiter adds to a machine request, and its accuracy under concurrency.
  console.error('rate limiter: overhead and accuracy under 32 concurrent callers ...');
  results.push(...(await withDynamo((endpoint) => benchLimiter(endpoint))));
  writeResults(results, __dirname);
  console.log(printTable(results));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
