import type { Deps } from '../../runtime/deps';
import { MessageStatsRepo, type StatsRow } from '../../store/message-stats-repo';
import { repoOf } from '../../store/repo-of';
import type { DeliveryChannel, MessageCounters, SkipReason, SourceKind, SourceStats } from './types';

/**
 * The counters of a message source — a campaign, a journey, care, surveys, one-off sends — in
 * total, per variant and per channel: sent, scheduled (waiting for the end of quiet hours now),
 * skipped (and per reason), failed, delivered, bounced, complained, opened and clicked (unique:
 * each message counted once; `opens`/`clicks` count every one), converted (messages with an
 * attributed order), orders and revenue per currency. Kept exactly once in the transactions of
 * the message changes; read with one Query.
 */
export function emptyCounters(): MessageCounters {
  return { sent: 0, scheduled: 0, skipped: 0, failed: 0, delivered: 0, bounced: 0, complained: 0, opened: 0, clicked: 0, converted: 0, unsubscribed: 0, opens: 0, clicks: 0, orders: 0, revenueMinor: {}, skippedBy: {} };
}

function counters(row: StatsRow): MessageCounters {
  const c = emptyCounters();
  for (const k of Object.keys(c) as (keyof MessageCounters)[]) {
    if (k === 'revenueMinor' || k === 'skippedBy') continue;
    (c as unknown as Record<string, number>)[k] = row.counters[k] ?? 0;
  }
  c.revenueMinor = { ...row.revenueMinor };
  c.skippedBy = { ...row.skippedBy } as Partial<Record<SkipReason, number>>;
  return c;
}

export async function sourceStats(deps: Pick<Deps, 'db'>, kind: SourceKind, id: string): Promise<SourceStats> {
  const rows = await repoOf(deps, MessageStatsRepo).rows(kind, id);
  const out: SourceStats = { total: emptyCounters(), byVariant: {}, byChannel: {} };
  for (const row of rows) {
    if (row.scope === 'total') out.total = counters(row);
    else if (row.scope === 'variant') out.byVariant[row.name] = counters(row);
    else out.byChannel[row.name as DeliveryChannel] = counters(row);
  }
  return out;
}
