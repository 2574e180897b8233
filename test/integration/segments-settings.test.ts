import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../shared/domain/errors';
import type { Deps } from '../../shared/runtime/deps';
import type { MessageQueue, QueueName } from '../../shared/runtime/message-queue';
import { customerPk, SK } from '../../shared/store/keys';
import { createCustomer } from '../../shared/usecases/customers';
import { parseJobMessage, presentJob } from '../../shared/usecases/jobs/jobs';
import { runJobStep } from '../../shared/usecases/jobs/steps';
import { presentValueSettings, putValueSettings, type ValueSettingsInput } from '../../shared/usecases/segmentation/settings';
import { createTag } from '../../shared/usecases/segmentation/tags';
import { testDeps } from '../support/db';
import { ctxOf } from './helpers';

/** The value settings: version-guarded, checked field by field, and a rescore of everyone after a change. */
class Queue implements MessageQueue {
  sent: { queue: QueueName; body: string }[] = [];
  async send(queue: QueueName, body: string) {
    this.sent.push({ queue, body });
  }
}

async function drainJobs(deps: Deps, queue: Queue): Promise<void> {
  for (;;) {
    const batch = queue.sent.filter((m) => m.queue === 'jobs');
    queue.sent = queue.sent.filter((m) => m.queue !== 'jobs');
    if (!batch.length) return;
    for (const m of batch) {
      const { jobId, part } = parseJobMessage(m.body);
      if ((await runJobStep(ctxOf(deps), jobId, part)) === 'more') await queue.send('jobs', m.body);
    }
  }
}

const TIERS = { currency: 'USD', tiers: [{ name: 'gold', minSpendMinor: 50_000 }, { name: 'silver', minSpendMinor: 10_000 }, { name: 'member' }] };

let deps: Deps;
let queue: Queue;
const ids: string[] = [];
beforeAll(async () => {
  queue = new Queue();
  deps = await testDeps({ queue });
  for (const dollars of [0, 150, 800]) {
    const c = await createCustomer(ctxOf(deps), { name: `Spender ${dollars}` });
    await deps.db.doc.send(
      new PutCommand({
        TableName: deps.db.tableName,
        Item: { PK: customerPk(c.id), SK: SK.aggregates, entity: 'aggregates', orderCount: dollars ? 2 : 0, spentMinor: dollars ? { USD: dollars * 100 } : {}, refundedMinor: {}, days: {}, ...(dollars ? { firstOrderAt: '2026-01-05T00:00:00.000Z', lastOrderAt: '2026-02-05T00:00:00.000Z' } : {}), version: 1 },
      }),
    );
    ids.push(c.id);
  }
});

const issuesOf = async (p: Promise<unknown>) => {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ValidationError);
  return (e as ValidationError).issues;
};

describe('value settings', () => {
  it('shows the defaults before anything is saved', async () => {
    expect(await presentValueSettings(deps, await deps.definitions.valueConfig())).toEqual({ baseCurrency: 'USD', lifecycle: { newDays: 30, activeDays: 90, churnDays: 365, reactivatedDays: 30 }, version: 0 });
  });

  it('names each bad field: tiers, lifecycle thresholds, churn warning', async () => {
    const put = (over: Partial<ValueSettingsInput>) => putValueSettings(ctxOf(deps), queue, { version: 0, baseCurrency: 'USD', ...over });
    expect(await issuesOf(put({ tiers: { currency: 'USD', tiers: [{ name: 'a', minOrders: 2 }, { name: 'b', minOrders: 5 }] } }))).toEqual([{ field: 'tiers.tiers[1].minOrders', message: expect.stringContaining('descend') }]);
    expect(await issuesOf(put({ tiers: { currency: 'XXY', tiers: [{ name: 'a' }] } }))).toEqual([{ field: 'tiers.currency', message: expect.any(String) }]);
    expect(await issuesOf(put({ lifecycle: { activeDays: 400 } }))).toEqual([{ field: 'lifecycle.churnDays', message: expect.stringContaining('activeDays') }]);
    expect(await issuesOf(put({ churnWarning: { minChurnRisk: 0.6 } }))).toEqual([{ field: 'churnWarning', message: expect.stringContaining('minPredictedValue or minSpentMinor') }]);
    expect(await issuesOf(put({ baseCurrency: 'ABC' }))).toEqual([{ field: 'baseCurrency', message: 'is not an ISO 4217 currency code' }]);
    await createTag(ctxOf(deps), queue, { name: 'Whale', category: 'value', condition: { kind: 'orders', field: 'count', op: 'gte', value: 50 } });
    expect(await issuesOf(put({ churnWarning: { minSpentMinor: 1000, tag: 'whale' } }))).toEqual([{ field: 'churnWarning.tag', message: '"Whale" is a rule tag: its own condition sets it' }]);
    await drainJobs(deps, queue);
  });

  it('a change is saved version-guarded and rescores everyone; a stale version is a conflict; the same settings again change nothing', async () => {
    const { config, job } = await putValueSettings(ctxOf(deps), queue, { version: 0, baseCurrency: 'USD', tiers: TIERS, lifecycle: { activeDays: 60 } });
    expect(config).toMatchObject({ version: 1, tiers: TIERS, lifecycle: { activeDays: 60 } });
    expect(job).toMatchObject({ kind: 'rescore', subject: 'settings:value', params: { configVersion: 1 } });
    await drainJobs(deps, queue);
    expect(presentJob((await deps.jobs.get(job!.id))!.job, (await deps.jobs.get(job!.id))!.parts)).toMatchObject({ status: 'completed', progress: { customers: 3, changed: 3 } });
    expect(await Promise.all(ids.map(async (id) => (await deps.membership.header(id)).state?.tier))).toEqual(['member', 'silver', 'gold']);
    expect((await deps.partition.view(ids[2]!, 1))!.derived).toMatchObject({ tier: 'gold', lifecycle: expect.any(String) });

    await expect(putValueSettings(ctxOf(deps), queue, { version: 0, baseCurrency: 'USD' })).rejects.toMatchObject({ status: 409, extra: { currentVersion: 1 } });
    const same = await putValueSettings(ctxOf(deps), queue, { version: 1, baseCurrency: 'USD', tiers: TIERS, lifecycle: { activeDays: 60 } });
    expect(same.job).toBeUndefined();
    expect(same.config.version).toBe(1);
    const shown = await presentValueSettings(deps, same.config);
    expect(shown).toMatchObject({ version: 1, lifecycle: { newDays: 30, activeDays: 60, churnDays: 365 }, rescore: { jobId: job!.id, status: 'completed' } });
  });

  it('a newer change supersedes a running rescore; a new base currency drops the RFM cuts and the model (amounts in the old one)', async () => {
    const current = await deps.definitions.valueConfig();
    const fitted = { ...current, rfm: { cuts: { recency: [1, 2, 3, 4], frequency: [1, 1, 2, 3], monetary: [1, 2, 3, 4], buyers: 3 }, computedAt: '2026-03-01T00:00:00.000Z', buyers: 3 }, version: current.version + 1 } as typeof current;
    await deps.definitions.putValueConfig(fitted, current.version);
    const first = await putValueSettings(ctxOf(deps), queue, { version: fitted.version, baseCurrency: 'USD', tiers: TIERS });
    expect(first.config.rfm).toEqual(fitted.rfm);
    const second = await putValueSettings(ctxOf(deps), queue, { version: first.config.version, baseCurrency: 'CNY', tiers: TIERS });
    expect(second.config.rfm).toBeUndefined();
    expect(second.config.baseCurrency).toBe('CNY');
    await drainJobs(deps, queue);
    expect(await deps.jobs.getJob(first.job!.id)).toMatchObject({ status: 'cancelled', failure: `superseded by job ${second.job!.id}` });
    expect((await deps.jobs.getJob(second.job!.id))!.status).toBe('completed');
  });
});
