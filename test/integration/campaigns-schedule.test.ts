import { DevOutbox } from '../../shared/runtime/messaging';
import { campaigns, createCampaign } from '../../shared/usecases/campaigns/campaigns';
import { scheduleCampaign, updateCampaign } from '../../shared/usecases/campaigns/lifecycle';
import { campaignWorld, type CampaignWorld } from './campaigns-helpers';

/** Schedules on DynamoDB Local with a test clock: at an instant (and moved while scheduled), and at a local time in each customer's zone. */
async function sentAt(w: CampaignWorld, ids: readonly string[]): Promise<Map<string, string>> {
  const set = new Set(ids);
  return new Map((await new DevOutbox(w.deps.db).list(1000)).filter((m) => m.customerId && set.has(m.customerId)).map((m) => [m.customerId!, m.sentAt]));
}

describe('campaign schedules', () => {
  test('at an instant: nothing before it, the moved start wins, a past instant is refused', async () => {
    const w = await campaignWorld({ startIso: '2026-05-12T04:00:00.000Z' });
    const ids = await w.customers(10, 'at');
    const segmentId = await w.segment('at');
    const templateId = await w.template();
    const past = await createCampaign(w.ctx(), { name: 'Past', audience: { segmentIds: [segmentId] }, variants: [{ channel: 'email', templateId }], schedule: { kind: 'at', at: '2026-05-12T02:00:00.000Z' } });
    await expect(scheduleCampaign(w.ctx(), past.id)).rejects.toMatchObject({ status: 400, issues: [{ field: 'schedule.at' }] });

    const c = await createCampaign(w.ctx(), { name: 'Later', audience: { segmentIds: [segmentId] }, variants: [{ channel: 'email', templateId }], schedule: { kind: 'at', at: '2026-05-12T06:00:00.000Z' } });
    const scheduled = await scheduleCampaign(w.ctx(), c.id);
    expect(scheduled).toMatchObject({ status: 'scheduled', startAt: '2026-05-12T06:00:00.000Z' });
    // Still editable while scheduled: the start moves an hour later.
    const moved = await updateCampaign(w.ctx(), c.id, { version: scheduled.version, schedule: { kind: 'at', at: '2026-05-12T07:00:00.000Z' } });
    expect(moved).toMatchObject({ status: 'scheduled', startAt: '2026-05-12T07:00:00.000Z' });
    await w.pump();
    w.clock.t = Date.parse('2026-05-12T06:00:30.000Z');
    await w.pump();
    expect((await campaigns(w.deps).get(c.id))!.status).toBe('scheduled');
    expect((await sentAt(w, ids)).size).toBe(0);
    w.clock.t = Date.parse('2026-05-12T07:00:00.000Z');
    await w.pump();
    const done = (await campaigns(w.deps).get(c.id))!;
    expect(done).toMatchObject({ status: 'completed', startedAt: '2026-05-12T07:00:00.000Z' });
    const times = await sentAt(w, ids);
    expect(times.size).toBe(10);
    for (const t of times.values()) expect(t).toBe('2026-05-12T07:00:00.000Z');
  }, 120_000);

  test("local time: 10:00 in each customer's zone (the brand's default zone for those without one), one wave per zone", async () => {
    const w = await campaignWorld({ startIso: '2026-05-12T04:00:00.000Z' });
    await w.settings({ defaultTimeZone: 'Asia/Shanghai' });
    const zones = ['Asia/Shanghai', 'Europe/Paris', 'America/New_York', undefined];
    const ids = await w.customers(12, 'local', (i) => (zones[i % 4] ? { timeZone: zones[i % 4] } : {}));
    const segmentId = await w.segment('local');
    const templateId = await w.template();
    const c = await createCampaign(w.ctx(), { name: 'Morning', audience: { segmentIds: [segmentId] }, variants: [{ channel: 'email', templateId }], schedule: { kind: 'local', date: '2026-05-13', time: '10:00' } });
    const s = await scheduleCampaign(w.ctx(), c.id);
    // An hour before UTC+14 reaches 10:00 on the 13th.
    expect(s).toMatchObject({ status: 'scheduled', startAt: '2026-05-12T19:00:00.000Z' });
    const expected: Record<string, string> = { 'Asia/Shanghai': '2026-05-13T02:00:00.000Z', 'Europe/Paris': '2026-05-13T08:00:00.000Z', 'America/New_York': '2026-05-13T14:00:00.000Z' };
    const want = new Map(ids.map((id, i) => [id, expected[zones[i % 4] ?? 'Asia/Shanghai']!]));
    for (const step of ['2026-05-12T19:00:00.000Z', '2026-05-13T02:00:00.000Z', '2026-05-13T08:00:00.000Z', '2026-05-13T14:00:00.000Z']) {
      w.clock.t = Date.parse(step);
      await w.pump();
      const times = await sentAt(w, ids);
      // Exactly those whose 10:00 has come, each at it.
      expect([...times.keys()].sort()).toEqual(ids.filter((id) => want.get(id)! <= step).sort());
      for (const [id, at] of times) expect(at).toBe(want.get(id));
    }
    const run = (await campaigns(w.deps).getRun(c.id))!;
    expect(Object.values(run.waves).map((x) => x.sendAt).sort()).toEqual(Object.values(expected).sort());
    expect((await campaigns(w.deps).get(c.id))!.status).toBe('completed');
  }, 120_000);
});
