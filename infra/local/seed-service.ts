import { pool, type SeedApi } from './seed-client';
import { weighted } from './seed-data';

/**
 * The seeded service desk: four agents under a manager in a round-robin group, an SLA policy for
 * every ticket and a tight one for urgent tickets, tickets from customers (most answered and
 * solved by their agent, a few urgent ones left to breach), and the CSAT surveys the solved ones
 * get, answered through their signed links.
 */
export const AGENTS = ['amy', 'ben', 'chen', 'dana'] as const;
const TYPES = [['inquiry', 45], ['return', 20], ['exchange', 10], ['refund', 15], ['repair', 10]] as const;
const CHANNELS = [['email', 35], ['chat', 25], ['phone', 15], ['wechat', 15], ['web', 10]] as const;
const RATINGS = [[5, 50], [4, 25], [3, 12], [2, 8], [1, 5]] as const;
const SUBJECTS: Record<string, string[]> = {
  inquiry: ['Where is my order?', 'Do you ship to Hangzhou?', 'Is the box set still available?', 'Change my delivery address'],
  return: ['Return a CD I did not order', 'Wrong item delivered'],
  exchange: ['Exchange for the deluxe edition', 'Disc is scratched, please exchange'],
  refund: ['Charged twice for one order', 'Refund for a cancelled order'],
  repair: ['Player skips on track 3', 'Case arrived cracked'],
};

export async function seedService(api: SeedApi, customerIds: readonly string[], r: () => number): Promise<{ tickets: number; solved: number; rated: number }> {
  const log = api.t.log;
  // A second run on the same stack finds the desk set up already.
  const agent = async (id: string, body: Record<string, unknown>) => {
    if ((await api.call('GET', `/v1/agents/${id}`)).status === 404) await api.ok('PUT', `/v1/agents/${id}`, { body });
  };
  await agent('boss', { name: 'Mei (manager)' });
  for (const id of AGENTS) await agent(id, { name: id[0]!.toUpperCase() + id.slice(1), managerId: 'boss' });
  const group = await api.call('POST', '/v1/groups', { body: { id: 'care', name: 'Customer care', managerId: 'boss', members: [...AGENTS], assignment: 'round-robin' } });
  if (group.status !== 201 && group.status !== 409) throw new Error(`group: ${group.status} ${JSON.stringify(group.body)}`);
  const policies = (await api.ok('GET', '/v1/sla-policies')).items as { name: string }[];
  if (!policies.some((p) => p.name === 'Urgent')) await api.ok('POST', '/v1/sla-policies', { body: { name: 'Urgent', position: 1, conditions: { priorities: ['urgent'] }, targets: { firstResponse: 1, resolution: 60 }, hours: 'calendar' } });
  if (!policies.some((p) => p.name === 'Standard')) await api.ok('POST', '/v1/sla-policies', { body: { name: 'Standard', position: 2, targets: { firstResponse: 240, resolution: 2880 }, hours: 'calendar' } });
  const settings = await api.ok('GET', '/v1/service-settings');
  await api.ok('PATCH', '/v1/service-settings', { body: { version: settings.version, defaultGroupId: 'care', surveyDelayMinutes: 0, surveyLinkBaseUrl: api.t.url } });

  const count = Math.max(12, Math.round(customerIds.length / 8));
  const plans = Array.from({ length: count }, (_, i) => {
    const type = weighted(r, TYPES);
    const urgent = i % 17 === 5;
    return { customerId: customerIds[Math.floor(r() * customerIds.length)]!, type, channel: weighted(r, CHANNELS), urgent, subject: SUBJECTS[type]![Math.floor(r() * SUBJECTS[type]!.length)]!, answer: !urgent && r() < 0.85, solve: r() < 0.7 };
  });
  let solved = 0;
  await pool(plans, 2, async (p) => {
    const t = await api.ok('POST', '/v1/tickets', { body: { subject: p.subject, type: p.type, channel: p.channel, customerId: p.customerId, priority: p.urgent ? 'urgent' : 'normal' } });
    if (!p.answer || !t.assigneeId) return;
    const as = { role: 'agent' as const, sub: t.assigneeId as string };
    await api.ok('POST', `/v1/tickets/${t.id}/comments`, { ...as, body: { body: 'Thanks for reaching out — we are on it.', public: true } });
    if (!p.solve) return;
    await api.ok('PATCH', `/v1/tickets/${t.id}`, { ...as, body: { status: 'solved' } });
    solved++;
  });
  log(`service: ${count} tickets, ${solved} solved`);

  // The CSAT surveys of the solved tickets arrive in the dev outbox; about 80 % are answered.
  let rated = 0;
  const answered = new Set<string>();
  for (let round = 0; round < 20 && answered.size < solved; round++) {
    await api.idle();
    const outbox = (await api.ok('GET', '/v1/dev/outbox?limit=500', { role: 'marketer' })).items as { id: string; purpose?: string; body?: string; text?: string; html?: string }[];
    const links = outbox.filter((m) => m.purpose === 'survey').flatMap((m) => /(https?:\/\/\S+?\/v1\/surveys\/[^\s"'<]+)/.exec(`${m.body ?? ''} ${m.text ?? ''} ${m.html ?? ''}`)?.[1] ?? []);
    for (const link of links) {
      if (answered.has(link)) continue;
      answered.add(link);
      if (r() >= 0.8) continue;
      const path = link.slice(link.indexOf('/v1/surveys/'));
      const res = await fetch(`${api.t.url}${path.includes('/response') ? path : path.replace(/(\/v1\/surveys\/[^/?]+)/, '$1/response')}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rating: weighted(r, RATINGS) }) });
      if (res.ok) rated++;
      await res.text();
    }
    if (links.length >= solved) break;
    await new Promise((res) => setTimeout(res, 500));
  }
  log(`service: ${rated} surveys answered`);
  return { tickets: count, solved, rated };
}
