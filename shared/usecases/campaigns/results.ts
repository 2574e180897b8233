import type { Campaign, CampaignChannel } from '../../domain/campaigns/campaign';
import { fixedShare, messageCost, resultRow, zeroCounters, type Counters, type ResultRow } from '../../domain/campaigns/results';
import type { Ctx } from '../customers';
import type { MessageCounters } from '../messaging/types';
import { abPhase, campaigns, requireCampaign } from './campaigns';
import { NONE, sumBy } from './counters';
import { campaignMessaging } from './messaging-port';

/**
 * A campaign's results (`GET /v1/campaigns/{id}/results`), in total, per variant and per channel:
 * recipients (the fan-out's counters; an A/B remainder counts for the winner once it is picked),
 * the send pipeline's counters (sent, scheduled, skipped by reason, failed, delivered, bounced,
 * complained, unique opens and clicks, unsubscribed), and the campaign's own conversions, orders
 * and revenue within its attribution window; then rates, cost (fixed, shared by messages sent,
 * plus per message per channel) and ROI in the cost currency. Two Queries (the pipeline's counters,
 * the campaign's), never a scan.
 */
export interface CampaignResults {
  campaignId: string;
  status: Campaign['status'];
  phase?: string;
  currency: string;
  total: ResultRow & { opens: number; clicks: number; orders: number; pending: number };
  byVariant: Record<string, ResultRow & { orders: number }>;
  byChannel: Partial<Record<CampaignChannel, ResultRow & { orders: number }>>;
  excluded: { segment: number; recent: number; duplicate: number };
  decision?: Campaign['decision'];
  generatedAt: string;
}

function fromPipeline(c: Counters, m: MessageCounters | undefined): void {
  if (!m) return;
  for (const k of ['sent', 'scheduled', 'skipped', 'failed', 'delivered', 'bounced', 'complained', 'opened', 'clicked', 'unsubscribed'] as const) c[k] += m[k] ?? 0;
  for (const [reason, n] of Object.entries(m.skippedBy ?? {})) c.skippedBy[reason] = (c.skippedBy[reason] ?? 0) + (n ?? 0);
}

export async function campaignResults(ctx: Ctx, id: string): Promise<CampaignResults> {
  const c = await requireCampaign(ctx.deps, id);
  const repo = campaigns(ctx.deps);
  const [stats, mine, run] = await Promise.all([campaignMessaging(ctx.deps).sourceStats(ctx.deps, 'campaign', id), repo.counters(id), repo.getRun(id)]);
  const winner = c.decision?.winner;
  const channelOf = new Map(c.variants.map((v) => [v.id, v.channel]));
  const variantKey = (v: string) => (v === NONE ? winner : v);

  const total = zeroCounters();
  const byVariant: Record<string, Counters> = Object.fromEntries(c.variants.map((v) => [v.id, zeroCounters()]));
  const byChannel: Partial<Record<CampaignChannel, Counters>> = {};
  const channel = (ch: CampaignChannel) => (byChannel[ch] ??= zeroCounters());
  for (const v of c.variants) channel(v.channel);

  // Recipients the fan-out wrote; the remainder (no variant yet) counts for the winner once picked.
  for (const [name, n] of Object.entries(mine)) {
    const parts = name.split('|');
    const [kind] = parts;
    if (kind === 'r') {
      total.recipients += n;
      const v = variantKey(parts[2]!);
      if (v && byVariant[v]) byVariant[v].recipients += n;
      const ch = parts[3] !== NONE ? (parts[3] as CampaignChannel) : v ? channelOf.get(v) : undefined;
      if (ch) channel(ch).recipients += n;
    } else if (kind === 'k') {
      const [, reason, v, ch] = parts as [string, string, string, CampaignChannel];
      for (const target of [total, byVariant[v], channel(ch)]) {
        if (!target) continue;
        target.skipped += n;
        target.skippedBy[reason] = (target.skippedBy[reason] ?? 0) + n;
      }
    } else if (kind === 'cv' || kind === 'ord' || kind === 'rev') {
      const v = variantKey(parts[1]!);
      const ch = parts[2] as CampaignChannel;
      const add = (target: Counters | undefined) => {
        if (!target) return;
        if (kind === 'cv') target.converted += n;
        else if (kind === 'rev') target.revenueMinor[parts[3]!] = (target.revenueMinor[parts[3]!] ?? 0) + n;
      };
      add(total);
      add(v ? byVariant[v] : undefined);
      add(channel(ch));
    }
  }
  fromPipeline(total, stats.total);
  for (const [v, m] of Object.entries(stats.byVariant)) if (byVariant[v]) fromPipeline(byVariant[v], m);
  for (const [ch, m] of Object.entries(stats.byChannel)) fromPipeline(channel(ch as CampaignChannel), m);

  const orders = (v?: string, ch?: string) => Object.values(sumBy(mine, 'ord', (p) => ((!v || variantKey(p[0]!) === v) && (!ch || p[1] === ch) ? 'n' : undefined))).reduce((a, b) => a + b, 0);
  const cost = c.cost;
  const totalSent = total.sent;
  const channelCost = (ch: CampaignChannel, sent: number) => messageCost(cost, ch, sent);
  const totalCost = cost.fixedMinor + Object.entries(byChannel).reduce((s, [ch, k]) => s + channelCost(ch as CampaignChannel, k!.sent), 0);
  const currency = cost.currency;

  const variants: CampaignResults['byVariant'] = {};
  for (const v of c.variants) {
    const k = byVariant[v.id]!;
    variants[v.id] = { ...resultRow(k, fixedShare(cost, k.sent, totalSent) + channelCost(v.channel, k.sent), currency), orders: orders(v.id) };
  }
  const channels: CampaignResults['byChannel'] = {};
  for (const [ch, k] of Object.entries(byChannel)) channels[ch as CampaignChannel] = { ...resultRow(k!, fixedShare(cost, k!.sent, totalSent) + channelCost(ch as CampaignChannel, k!.sent), currency), orders: orders(undefined, ch) };
  const handled = total.sent + total.scheduled + total.skipped + total.failed;
  const phase = abPhase(c, run);
  return {
    campaignId: id,
    status: c.status,
    ...(phase ? { phase } : {}),
    currency,
    total: { ...resultRow(total, totalCost, currency), opens: stats.total.opens ?? 0, clicks: stats.total.clicks ?? 0, orders: orders(), pending: Math.max(0, total.recipients - handled) },
    byVariant: variants,
    byChannel: channels,
    excluded: { segment: mine['x|segment'] ?? 0, recent: mine['x|recent'] ?? 0, duplicate: mine.dup ?? 0 },
    ...(c.decision ? { decision: c.decision } : {}),
    generatedAt: ctx.deps.clock.now().toISOString(),
  };
}
