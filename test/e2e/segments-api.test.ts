import { readCsv } from '../../shared/domain/csv';
import { fields, startTestStack, unique, type TestStack } from './helpers';

/**
 * Segments, tags, jobs and value settings over real HTTP against the local stack, as an app calls
 * them: the jobs queue runs the backfills, bulk tag jobs, clean-ups and rescores in the background.
 */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

const ids: Record<'cn' | 'us', string[]> = { cn: [], us: [] };
const tag = unique('seg').name.replace(/\s+/g, '-');

beforeAll(async () => {
  for (let i = 0; i < 6; i++) {
    const u = unique('seg');
    const country = i < 4 ? 'CN' : 'US';
    const res = await t.call('POST', '/v1/customers', { body: { name: u.name, email: u.email, country, tags: i === 0 ? [tag] : [] } });
    expect(res.status).toBe(201);
    ids[country === 'CN' ? 'cn' : 'us'].push(res.body.id);
  }
  await t.stack.waitForIdle(60_000);
});

describe('segments over HTTP', () => {
  let segmentId = '';

  it('a marketer creates a segment (201, backfill running), which a job fills; analysts read it and its members, masked', async () => {
    const created = await t.call('POST', '/v1/segments', { role: 'marketer', body: { name: 'China', condition: { all: [{ kind: 'profile', field: 'country', op: 'eq', value: 'CN' }] } } });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/segments/${created.body.id}`);
    expect(created.body).toMatchObject({ name: 'China', version: 1, backfill: { status: 'running', version: 1 } });
    segmentId = created.body.id;
    await t.stack.waitForIdle(60_000);

    const seg = await t.call('GET', `/v1/segments/${segmentId}`, { role: 'analyst' });
    expect(seg.body.backfill).toMatchObject({ status: 'done', jobId: created.body.backfill.jobId });
    const job = await t.call('GET', `/v1/jobs/${seg.body.backfill.jobId}`, { role: 'analyst' });
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ kind: 'backfill', status: 'completed', progress: { parts: 16, partsDone: 16, failed: 0 } });
    expect(job.body.progress.customers).toBeGreaterThanOrEqual(6);

    const count = await t.call('GET', `/v1/segments/${segmentId}/count`, { role: 'analyst' });
    expect(count.body).toMatchObject({ segmentId, count: ids.cn.length, backfill: { status: 'done' } });
    const page = await t.call('GET', `/v1/segments/${segmentId}/members?limit=3`, { role: 'analyst' });
    expect(page.body.items).toHaveLength(3);
    expect(page.body.items[0].email).toMatch(/^s\*\*\*@example\.com$/);
    const rest = await t.call('GET', `/v1/segments/${segmentId}/members?limit=3&cursor=${page.body.cursor}`, { role: 'analyst' });
    expect([...page.body.items, ...rest.body.items].map((c: { id: string }) => c.id).sort()).toEqual([...ids.cn].sort());
    expect((await t.call('GET', '/v1/segments?limit=10', { role: 'analyst' })).body.items.map((s: { id: string }) => s.id)).toContain(segmentId);
  });

  it('400 naming the node for bad conditions, 403 without segments:write, 409 for a stale version', async () => {
    const bad = await t.call('POST', '/v1/segments', { body: { name: 'x', condition: { any: [{ kind: 'profile', field: 'country', op: 'equals', value: 'CN' }] }, extra: 1 } });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['extra']);
    const badNode = await t.call('POST', '/v1/segments', { body: { name: 'x', condition: { any: [{ kind: 'profile', field: 'country', op: 'equals', value: 'CN' }] } } });
    expect(badNode.status).toBe(400);
    expect(fields(badNode)).toEqual(['condition.any[0].op']);
    const cycle = await t.call('PATCH', `/v1/segments/${segmentId}`, { body: { version: 1, condition: { kind: 'segment', op: 'notIn', value: segmentId } } });
    expect(cycle.status).toBe(400);
    expect(cycle.body.errors[0]).toMatchObject({ field: 'condition.value', message: expect.stringContaining('depend on themselves') });
    expect((await t.call('POST', '/v1/segments', { role: 'analyst', body: { name: 'x', condition: { all: [] } } })).status).toBe(403);
    expect((await t.call('PATCH', `/v1/segments/${segmentId}`, { body: { version: 9, name: 'y' } })).status).toBe(409);
  });

  it('previews a condition before saving it: count and a masked sample', async () => {
    const p = await t.call('POST', '/v1/segments/preview', { role: 'analyst', body: { condition: { kind: 'profile', field: 'country', op: 'eq', value: 'US' } } });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ count: ids.us.length, exact: true });
    expect(p.body.sample.map((c: { id: string }) => c.id).sort()).toEqual([...ids.us].sort());
    expect(p.body.sample[0].name).toMatch(/^s\*+$/);
  });

  it('exports a segment through the export job', async () => {
    const exp = await t.call('POST', '/v1/exports', { body: { kind: 'customers', filter: { segmentId } } });
    expect(exp.status).toBe(202);
    await t.stack.waitForIdle(60_000);
    const job = await t.call('GET', `/v1/exports/${exp.body.id}`);
    expect(job.body).toMatchObject({ status: 'completed', rows: ids.cn.length, filter: { segmentId } });
    const file = await fetch(job.body.download.url);
    const rows = readCsv(Buffer.from(await file.arrayBuffer()), { base: 0, line: 1, eof: true, maxRecords: 100 }).records.map((r) => r.fields);
    expect(rows.slice(1).map((r) => r[0]).sort()).toEqual([...ids.cn].sort());
  });

  it('an edit re-runs the backfill; deleting answers 202 with the clean-up job that empties it', async () => {
    const edited = await t.call('PATCH', `/v1/segments/${segmentId}`, { body: { version: 1, condition: { kind: 'profile', field: 'country', op: 'in', value: ['CN', 'US'] } } });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ version: 2, backfill: { status: 'running', version: 2 } });
    await t.stack.waitForIdle(60_000);
    expect((await t.call('GET', `/v1/segments/${segmentId}/count`)).body.count).toBe(ids.cn.length + ids.us.length);
    const view = await t.call('GET', `/v1/customers/${ids.us[0]}/360`);
    expect(view.body.segments).toContain(segmentId);

    const deleted = await t.call('DELETE', `/v1/segments/${segmentId}`);
    expect(deleted.status).toBe(202);
    expect(deleted.body.job).toMatchObject({ kind: 'segment-cleanup', status: 'running' });
    await t.stack.waitForIdle(60_000);
    expect((await t.call('GET', `/v1/jobs/${deleted.body.job.id}`)).body).toMatchObject({ status: 'completed', progress: { processed: ids.cn.length + ids.us.length } });
    expect((await t.call('GET', `/v1/segments/${segmentId}`)).status).toBe(404);
    expect((await t.call('GET', `/v1/customers/${ids.us[0]}/360`)).body.segments).not.toContain(segmentId);
  });
});

describe('tags over HTTP', () => {
  it('catalog: create, list by category with member counts, get ignoring case; names unique ignoring case', async () => {
    const created = await t.call('POST', '/v1/tags', { role: 'marketer', body: { name: tag, category: 'attribute', description: 'seeded' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: tag, rule: false, members: 1 }); // one profile carried it before it was in the catalog
    expect((await t.call('POST', '/v1/tags', { body: { name: tag.toUpperCase(), category: 'value' } })).status).toBe(409);
    expect(fields(await t.call('POST', '/v1/tags', { body: { name: 'a/b', category: 'value' } }))).toEqual(['name']);
    expect(fields(await t.call('POST', '/v1/tags', { body: { name: 'x', category: 'colour' } }))).toEqual(['category']);
    const list = await t.call('GET', '/v1/tags?category=attribute', { role: 'analyst' });
    expect(list.body.items).toEqual([expect.objectContaining({ name: tag, members: 1 })]);
    const got = await t.call('GET', `/v1/tags/${encodeURIComponent(tag.toUpperCase())}`, { role: 'agent' });
    expect(got.body).toMatchObject({ name: tag, members: 1, version: 1 });
  });

  it('manual tags on one customer; a bulk job over everyone; removing a tag from everyone when deleting it', async () => {
    const one = await t.call('POST', `/v1/customers/${ids.us[0]}/tags`, { role: 'marketer', body: { add: [tag.toUpperCase(), 'vip'], remove: [] } });
    expect(one.status).toBe(200);
    expect(one.body.tags).toEqual([tag, 'vip']);
    expect((await t.call('POST', `/v1/customers/${ids.us[0]}/tags`, { role: 'agent', body: { add: ['x'] } })).status).toBe(403);
    expect(fields(await t.call('POST', `/v1/customers/${ids.us[0]}/tags`, { body: { add: [''] } }))).toEqual(['add.0']);

    const bulk = await t.call('POST', '/v1/tag-jobs', { role: 'marketer', body: { add: [tag], target: { all: true } } });
    expect(bulk.status).toBe(202);
    expect(bulk.headers.get('location')).toBe(`/v1/jobs/${bulk.body.id}`);
    expect(fields(await t.call('POST', '/v1/tag-jobs', { body: { add: [tag], target: { all: true, segmentId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' } } }))).toEqual(['target']);
    await t.stack.waitForIdle(60_000);
    const job = await t.call('GET', `/v1/jobs/${bulk.body.id}`, { role: 'marketer' });
    expect(job.body).toMatchObject({ kind: 'bulk-tags', status: 'completed', progress: { failed: 0 } });
    expect(job.body.progress.processed).toBeGreaterThanOrEqual(6);
    expect((await t.call('GET', `/v1/tags/${encodeURIComponent(tag)}`)).body.members).toBeGreaterThanOrEqual(6);

    // A job's search target is personal data: masked for a caller without pii:read.
    const email = (await t.call('GET', `/v1/customers/${ids.us[1]}`)).body.email as string;
    const byEmail = await t.call('POST', '/v1/tag-jobs', { role: 'marketer', body: { add: ['found-by-email'], target: { search: { email } } } });
    expect(byEmail.status).toBe(202);
    await t.stack.waitForIdle(60_000);
    expect((await t.call('GET', `/v1/jobs/${byEmail.body.id}`, { role: 'manager' })).body).toMatchObject({ status: 'completed', params: { target: { search: { email } } }, progress: { processed: 1, changed: 1 } });
    for (const role of ['analyst', 'marketer'] as const) expect((await t.call('GET', `/v1/jobs/${byEmail.body.id}`, { role })).body.params.target.search.email).toBe('s***@example.com');
    expect((await t.call('GET', `/v1/customers/${ids.us[1]}`)).body.tags).toContain('found-by-email');

    const removed = await t.call('DELETE', `/v1/tags/${encodeURIComponent(tag)}?removeFromCustomers=true`, { role: 'marketer' });
    expect(removed.status).toBe(200);
    expect(removed.body.job).toMatchObject({ kind: 'bulk-tags' });
    await t.stack.waitForIdle(60_000);
    for (const id of [...ids.cn, ...ids.us]) expect((await t.call('GET', `/v1/customers/${id}`)).body.tags).not.toContain(tag);
    expect((await t.call('GET', `/v1/tags/${encodeURIComponent(tag)}`)).status).toBe(404);
  });

  it('a rule tag is applied to everyone it holds for by its backfill', async () => {
    const rule = await t.call('POST', '/v1/tags', { body: { name: 'american', category: 'attribute', condition: { kind: 'profile', field: 'country', op: 'eq', value: 'US' } } });
    expect(rule.status).toBe(201);
    expect(rule.body).toMatchObject({ rule: true, job: { kind: 'backfill', status: 'running' } });
    await t.stack.waitForIdle(60_000);
    for (const id of ids.us) expect((await t.call('GET', `/v1/customers/${id}`)).body.tags).toContain('american');
    expect((await t.call('GET', '/v1/tags/american')).body.members).toBe(ids.us.length);
    const manual = await t.call('POST', `/v1/customers/${ids.cn[0]}/tags`, { body: { add: ['American'] } });
    expect(manual.status).toBe(400);
    expect(fields(manual)).toEqual(['add[0]']);
  });
});

describe('value settings over HTTP', () => {
  it('GET shows defaults; PUT (settings:write) is version-guarded, names bad fields, and rescores everyone; the 360 view shows the tier', async () => {
    const before = await t.call('GET', '/v1/settings/value', { role: 'analyst' });
    expect(before.body).toMatchObject({ baseCurrency: 'USD', version: 0, lifecycle: { churnDays: 365 } });
    const body = { version: 0, baseCurrency: 'USD', tiers: { currency: 'USD', tiers: [{ name: 'gold', minSpendMinor: 100_000 }, { name: 'member' }] } };
    expect((await t.call('PUT', '/v1/settings/value', { role: 'marketer', body })).status).toBe(403);
    const bad = await t.call('PUT', '/v1/settings/value', { body: { ...body, tiers: { currency: 'USD', tiers: [{ name: 'member' }, { name: 'gold', minOrders: 3 }] } } });
    expect(bad.status).toBe(400);
    expect(fields(bad)).toEqual(['tiers.tiers[0]']);
    const put = await t.call('PUT', '/v1/settings/value', { role: 'manager', body });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ version: 1, tiers: body.tiers, rescore: { status: 'running' } });
    expect((await t.call('PUT', '/v1/settings/value', { body })).status).toBe(409);
    await t.stack.waitForIdle(60_000);
    expect((await t.call('GET', `/v1/jobs/${put.body.rescore.jobId}`)).body).toMatchObject({ kind: 'rescore', status: 'completed' });
    const view = await t.call('GET', `/v1/customers/${ids.cn[1]}/360`, { role: 'analyst' });
    expect(view.status).toBe(200);
    expect(view.body.derived).toMatchObject({ tier: 'member', lifecycle: 'prospect' });
  });
});
