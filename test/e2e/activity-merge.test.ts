import { startTestStack, unique, type TestStack } from './helpers';

/** Timeline, 360, recycle bin, merge/unmerge and the duplicate detector, over HTTP and the local bus. */
let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(async () => {
  await t?.stop();
});

const newCustomer = async (extra: Record<string, unknown> = {}) => {
  const u = unique('act');
  const res = await t.call('POST', '/v1/customers', { body: { name: u.name, email: u.email, ...extra } });
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string; email: string; version: number };
};
const logCall = (id: string, summary: string) =>
  t.call('POST', `/v1/customers/${id}/interactions`, { body: { channel: 'call', type: 'inquiry', direction: 'outbound', summary } });

it('logs an interaction that the timeline and the 360 view then show', async () => {
  const c = await newCustomer();
  const logged = await logCall(c.id, 'Asked about the spring collection');
  expect(logged.status).toBe(201);
  expect(logged.body).toMatchObject({ customerId: c.id, channel: 'call', type: 'inquiry', summary: 'Asked about the spring collection' });

  const timeline = await t.call('GET', `/v1/customers/${c.id}/timeline`);
  expect(timeline.status).toBe(200);
  expect(timeline.body.items).toHaveLength(1);
  expect(timeline.body.items[0]).toMatchObject({ kind: 'interaction', summary: expect.stringContaining('spring collection') });

  const view = await t.call('GET', `/v1/customers/${c.id}/360`);
  expect(view.status).toBe(200);
  expect(view.body.profile.id).toBe(c.id);
  expect(view.body.timeline.map((e: { summary: string }) => e.summary).join()).toContain('spring collection');

  await t.stack.waitForIdle();
  expect(t.stack.bus.recent.filter((e) => e.subject === c.id).map((e) => e.type)).toEqual(expect.arrayContaining(['CustomerCreated', 'InteractionLogged']));
});

it('moves a deleted profile to the recycle bin and restores it', async () => {
  const c = await newCustomer();
  const del = await t.call('DELETE', `/v1/customers/${c.id}`);
  expect(del.status).toBe(200);
  expect(del.body.status).toBe('deleted');
  expect((await t.call('GET', `/v1/customers/${c.id}/360`)).status).toBe(404);

  const bin = await t.call('GET', '/v1/recycle-bin/customers?limit=100');
  expect(bin.status).toBe(200);
  expect(bin.body.items.map((x: { id: string }) => x.id)).toContain(c.id);
  expect((await t.call('GET', '/v1/recycle-bin/customers', { role: 'agent' })).status).toBe(403);

  const restored = await t.call('POST', `/v1/customers/${c.id}/restore`);
  expect(restored.status).toBe(200);
  expect(restored.body.status).toBe('active');
  const after = await t.call('GET', '/v1/recycle-bin/customers?limit=100');
  expect(after.body.items.map((x: { id: string }) => x.id)).not.toContain(c.id);
  expect((await t.call('GET', `/v1/customers/${c.id}`)).body.status).toBe('active');
});

it('merges two profiles (the source interaction moves to the target) and unmerges them', async () => {
  const target = await newCustomer();
  const source = await newCustomer({ city: 'Chengdu' });
  expect((await logCall(source.id, 'Complained about a late parcel')).status).toBe(201);

  const merged = await t.call('POST', `/v1/customers/${target.id}/merge`, { body: { sourceId: source.id } });
  expect(merged.status).toBe(200);
  expect(merged.body.merge).toMatchObject({ targetId: target.id, sourceId: source.id, status: 'done' });
  expect(merged.body.customer.city).toBe('Chengdu');
  const targetTimeline = await t.call('GET', `/v1/customers/${target.id}/timeline`);
  expect(targetTimeline.body.items.map((e: { summary: string }) => e.summary).join()).toContain('late parcel');
  const gone = await t.call('GET', `/v1/customers/${source.id}`);
  expect(gone.body.status).toBe('merged');
  const merges = await t.call('GET', `/v1/customers/${target.id}/merges`);
  expect(merges.body.items.map((m: { id: string }) => m.id)).toContain(merged.body.merge.id);

  const undone = await t.call('POST', `/v1/customers/${target.id}/unmerge`, { body: { mergeId: merged.body.merge.id } });
  expect(undone.status).toBe(200);
  expect(undone.body.restored).toMatchObject({ id: source.id, status: 'active' });
  expect(undone.body.customer.city).toBeUndefined();
  const back = await t.call('GET', `/v1/customers/${source.id}/timeline`);
  expect(back.body.items.map((e: { summary: string }) => e.summary).join()).toContain('late parcel');
  const targetAfter = await t.call('GET', `/v1/customers/${target.id}/timeline`);
  expect(targetAfter.body.items.map((e: { summary: string }) => e.summary).join()).not.toContain('late parcel');
});

it('lets the duplicate detector (a queue consumer) record two profiles with the same name and city', async () => {
  const name = unique('twin').name;
  const a = await t.call('POST', '/v1/customers', { body: { name, city: 'Xiamen', email: unique('a').email } });
  const b = await t.call('POST', '/v1/customers', { body: { name: `  ${name.toUpperCase()} `, city: 'xiamen', email: unique('b').email } });
  expect([a.status, b.status]).toEqual([201, 201]);

  await t.stack.waitForIdle();
  const list = await t.call('GET', '/v1/duplicates?limit=100');
  expect(list.status).toBe(200);
  const pair = [a.body.id, b.body.id].sort();
  const found = list.body.items.find((d: { customerIds: string[] }) => d.customerIds.join() === pair.join());
  expect(found).toMatchObject({ status: 'open', reasons: expect.arrayContaining(['same-name-and-city']) });

  const dismissed = await t.call('POST', `/v1/duplicates/${found.id}/dismiss`);
  expect(dismissed.status).toBe(200);
  expect(dismissed.body.status).toBe('dismissed');
  const open = await t.call('GET', '/v1/duplicates?limit=100');
  expect(open.body.items.map((d: { id: string }) => d.id)).not.toContain(found.id);
});
