import { CDNOW } from '../../shared/domain/cdnow';
import { pool, type SeedApi } from './seed-client';
import { weighted } from './seed-data';

/**
 * The seeded pipeline and marketing, when the running stack has those routes: leads from several
 * sources with follow-ups by three reps, half converted with an opportunity, some won and some
 * lost; a newsletter campaign to the consenting customers whose messages are delivered, opened and
 * clicked (the dev feedback route), and orders from some clickers today (attributed to it); and
 * the monthly acquisition spend per source channel.
 */
const REPS = ['rep-lin', 'rep-ortiz', 'rep-sato'] as const;
const LEAD_SOURCES = [['website-form', 30], ['trade-show', 15], ['wechat', 20], ['referral', 15], ['phone', 10], ['e-commerce-inquiry', 10]] as const;
const COMPANIES = ['Hanyu Music', 'Blue Note Cafe', 'Star Records', 'Lotus Hotels', 'Pearl Academy', 'Jade Airlines', 'North Wind Gym', 'Golden Gate KTV', 'Harbor Books', 'Maple Studio', 'Red Lantern Bar', 'Silk Road Travel'];

export async function seedPipeline(api: SeedApi, r: () => number): Promise<{ leads: number; won: number }> {
  if (!(await api.hasRoute('POST', '/v1/leads'))) {
    api.t.log('pipeline: no /v1/leads route on this stack; skipped');
    return { leads: 0, won: 0 };
  }
  for (const rep of REPS) if ((await api.call('GET', `/v1/agents/${rep}`)).status === 404) await api.ok('PUT', `/v1/agents/${rep}`, { body: { name: rep.slice(4).replace(/^./, (c) => c.toUpperCase()) } });
  const n = 36;
  let won = 0;
  await pool(Array.from({ length: n }, (_, i) => i), 3, async (i) => {
    const rep = REPS[i % REPS.length]!;
    const as = { role: 'sales' as const, sub: rep };
    const company = `${COMPANIES[i % COMPANIES.length]} ${Math.floor(i / COMPANIES.length) + 1}`;
    const lead = await api.call('POST', '/v1/leads', { ...as, body: { company, contactName: `Contact ${i + 1}`, email: `buyer${i + 1}@${company.toLowerCase().replace(/[^a-z]/g, '')}.example.com`, sourceChannel: weighted(r, LEAD_SOURCES), ownerId: rep, region: 'East China' } });
    if (lead.status !== 201) return api.t.log(`pipeline: lead ${i} refused (${lead.status} ${JSON.stringify(lead.body).slice(0, 160)})`);
    const follow = 1 + Math.floor(r() * 3);
    for (let k = 0; k < follow; k++) await api.call('POST', `/v1/leads/${lead.body.id}/follow-ups`, { ...as, body: { channel: weighted(r, [['call', 3], ['wechat', 2], ['visit', 1]] as const), summary: `Follow-up ${k + 1}: discussed needs and budget` } });
    if (r() >= 0.55) return;
    const amountMinor = (20 + Math.floor(r() * 180)) * 10_000;
    const closeDate = new Date(Date.now() + (10 + Math.floor(r() * 60)) * 86_400_000).toISOString().slice(0, 10);
    const conv = await api.call('POST', `/v1/leads/${lead.body.id}/convert`, { ...as, body: { opportunity: { name: `${company} — annual licence`, amountMinor, currency: 'USD', expectedCloseDate: closeDate } } });
    const oppId = conv.body?.opportunityId ?? conv.body?.opportunity?.id;
    if (conv.status >= 300 || !oppId) return api.t.log(`pipeline: conversion of lead ${i} refused (${conv.status})`);
    const fate = r();
    if (fate < 0.45) {
      for (const stage of ['needs-analysis', 'proposal', 'negotiation', 'won']) {
        const moved = await api.call('POST', `/v1/opportunities/${oppId}/stage`, { ...as, body: { stage } });
        if (moved.status >= 300) return api.t.log(`pipeline: stage ${stage} refused (${moved.status} ${JSON.stringify(moved.body).slice(0, 160)})`);
      }
      won++;
    } else if (fate < 0.7) {
      await api.call('POST', `/v1/opportunities/${oppId}/stage`, { ...as, body: { stage: 'lost', lostReason: weighted(r, [['price', 3], ['competitor', 2], ['timing', 2], ['no-budget', 1]] as const) } });
    }
  });
  api.t.log(`pipeline: ${n} leads, ${won} won`);
  return { leads: n, won };
}

export async function seedCampaign(api: SeedApi, customers: readonly { id: string; cdnowId: string; store: string }[], r: () => number): Promise<{ campaign?: string; sent: number; orders: number }> {
  if (!(await api.hasRoute('POST', '/v1/campaigns'))) {
    api.t.log('marketing: no /v1/campaigns route on this stack; skipped');
    return { sent: 0, orders: 0 };
  }
  const as = { role: 'marketer' as const };
  const { frequencyCaps: _f, quietHours, defaultTimeZone, attributionWindowDays, email, sms, webhook, tracking, version } = await api.ok('GET', '/v1/messaging/settings', as);
  const settings = { defaultTimeZone, attributionWindowDays, email, sms, webhook, tracking, version, quietHours };
  await api.ok('PUT', '/v1/messaging/settings', { ...as, body: { ...settings, linkBaseUrl: api.t.url, quietHours: { ...(settings.quietHours ?? {}), enabled: false, start: '21:00', end: '08:00' }, frequencyCaps: { perDay: 0, perWeek: 0, week: 'rolling' } } });
  const segment = await api.ok('POST', '/v1/segments', { body: { name: 'Newsletter subscribers', condition: { kind: 'tag', op: 'has', value: 'newsletter' } } });
  for (let i = 0; i < 120; i++) {
    const count = (await api.ok('GET', `/v1/segments/${segment.id}/count`)).count as number;
    if (count > 0 && (await api.ok('GET', `/v1/segments/${segment.id}`)).backfill?.status !== 'running') break;
    await new Promise((res) => setTimeout(res, 500));
  }
  const html = '<html><body><p>Hi {{ customer.firstName | default: "there" }}, the summer releases are in. <a href="https://shop.example.com/summer">See them</a></p></body></html>';
  const template = await api.ok('POST', '/v1/templates', { ...as, body: { name: 'Summer releases', channel: 'email', content: { subject: 'New this summer', html } } });
  let campaign = await api.ok('POST', '/v1/campaigns', { ...as, body: { name: 'Summer releases newsletter', audience: { segmentIds: [segment.id] }, variants: [{ channel: 'email', templateId: template.id }], sendRatePerSecond: 500, attributionWindowDays: 7, cost: { currency: 'USD', fixedMinor: 15_000, perMessageMinor: { email: 2 } } } });
  campaign = await api.ok('POST', `/v1/campaigns/${campaign.id}/schedule`, { ...as, body: { version: campaign.version } });
  let sent: { customerId: string; messageId: string }[] = [];
  for (let i = 0; i < 120; i++) {
    await new Promise((res) => setTimeout(res, 500));
    const c = await api.ok('GET', `/v1/campaigns/${campaign.id}`, as);
    if (c.status === 'completed' || i === 119) {
      let cursor: string | undefined;
      do {
        const page = await api.ok('GET', `/v1/campaigns/${campaign.id}/recipients?state=sent&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, as);
        sent = sent.concat(page.items);
        cursor = page.cursor;
      } while (cursor);
      break;
    }
  }
  // Delivered, opened and clicked as a provider would report them; some clickers buy today.
  const byId = new Map(customers.map((c) => [c.id, c]));
  let orders = 0;
  await pool(sent, 8, async (m, i) => {
    await api.call('POST', `/v1/dev/messages/${m.messageId}/events`, { ...as, body: { type: 'delivered' } });
    if (r() >= 0.42) return;
    await api.call('POST', `/v1/dev/messages/${m.messageId}/events`, { ...as, body: { type: 'opened' } });
    if (r() >= 0.3) return;
    await api.call('POST', `/v1/dev/messages/${m.messageId}/events`, { ...as, body: { type: 'clicked', url: 'https://shop.example.com/summer' } });
    const who = byId.get(m.customerId);
    if (!who || r() >= 0.5) return;
    const now = new Date().toISOString();
    const total = (12 + Math.floor(r() * 60) + 0.99).toFixed(2);
    const id = `summer-${i}-${who.cdnowId}`;
    const status = await api.webhook({ id, type: 'order.upsert', occurredAt: now, data: { platform: CDNOW.platform, store: who.store, orderId: id, customer: { id: who.cdnowId }, placedAt: now, status: 'paid', currency: 'USD', total, lines: [{ product: 'Summer release CD', quantity: 1, unitPrice: total }], channel: 'web' } });
    if (status < 300) orders++;
  });
  api.t.log(`marketing: campaign sent ${sent.length} messages, ${orders} orders from clicks`);
  return { campaign: campaign.id, sent: sent.length, orders };
}

/** Acquisition spend per source channel for each of the last `months` months (rough, per month). */
export async function seedCosts(api: SeedApi, months: number, r: () => number): Promise<void> {
  const base: Record<string, number> = { 'paid-search': 450_000, wechat: 300_000, tmall: 380_000, referral: 60_000, web: 120_000 };
  const now = new Date();
  for (let k = 0; k < months; k++) {
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - k, 1)).toISOString().slice(0, 7);
    const channels = Object.fromEntries(Object.entries(base).map(([ch, v]) => [ch, Math.round(v * (0.7 + r() * 0.6))]));
    await api.ok('PUT', `/v1/analytics/costs/${month}`, { role: 'marketer', body: { currency: 'USD', channels } });
  }
}
