import { encodeTime } from 'ulid';
import { assign } from '../../domain/campaigns/assignment';
import type { Campaign } from '../../domain/campaigns/campaign';
import { CampaignAudienceRepo } from '../../store/campaign-audience-repo';
import { SEGMENT_SHARDS } from '../../store/keys';
import { repoOf } from '../../store/repo-of';
import type { Ctx } from '../customers';
import { decide } from '../messaging/decide';
import { requireCampaign } from './campaigns';

/**
 * The audience preview (`GET /v1/campaigns/{id}/audience`): how many customers the included
 * segments hold (their union), how many the exclusions leave out, and how many of the rest the send
 * pipeline would reach now — its own decision (consent on the variant's channel, an address,
 * the suppression list, unsubscribes, the frequency caps as of now; quiet hours only delay). Exact
 * up to EXACT_LIMIT members; above it, an estimate from a sample of up to SAMPLE members read from
 * random points of every shard (`exact: false`, `sampled`), scaled to the union's estimate.
 */
const EXACT_LIMIT = 1000;
const SAMPLE_STARTS = 3;
const PER_START = 5;
const CONCURRENCY = 16;

export interface AudiencePreview {
  members: number;
  exact: boolean;
  sampled: number;
  excluded: { segment: number; recent: number };
  eligible: number;
  reachable: number;
  /** Members the pipeline would skip now, by reason. */
  unreachable: Record<string, number>;
  /** The members each included segment holds. */
  segments: { segmentId: string; members: number }[];
}

const ULID_TIME = (id: string) => {
  const A = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let t = 0;
  for (const ch of id.slice(0, 10)) t = t * 32 + A.indexOf(ch);
  return t;
};

/** Every member of a segment (small audiences). */
async function allMembers(ctx: Ctx, segmentId: string): Promise<string[]> {
  const repo = repoOf(ctx.deps, CampaignAudienceRepo);
  const out: string[] = [];
  for (let shard = 0; shard < SEGMENT_SHARDS; shard++) {
    let after: string | undefined;
    do {
      const page = await repo.segmentShardPage(segmentId, shard, after, 500);
      out.push(...page.ids);
      after = page.next;
    } while (after);
  }
  return out;
}

/** A sample of a segment's members: a few members from random points of each shard's id range. */
async function sampleMembers(ctx: Ctx, segmentId: string, random: () => number): Promise<string[]> {
  const hi = ctx.deps.clock.now().getTime();
  const repo = repoOf(ctx.deps, CampaignAudienceRepo);
  const picked = new Set<string>();
  await Promise.all(
    Array.from({ length: SEGMENT_SHARDS }, async (_, shard) => {
      const first = (await repo.segmentShardPage(segmentId, shard, undefined, 1)).ids[0];
      if (!first) return;
      const lo = ULID_TIME(first);
      for (let i = 0; i < SAMPLE_STARTS; i++) {
        const at = Math.floor(lo + random() * Math.max(1, hi - lo));
        const page = await repo.segmentShardPage(segmentId, shard, encodeTime(at, 10), PER_START);
        for (const id of page.ids) picked.add(id);
      }
    }),
  );
  return [...picked];
}

export async function previewAudience(ctx: Ctx, id: string, random: () => number = Math.random): Promise<AudiencePreview> {
  const c = await requireCampaign(ctx.deps, id);
  const repo = repoOf(ctx.deps, CampaignAudienceRepo);
  const counts = await Promise.all(c.audience.segmentIds.map((s) => ctx.deps.membership.count(s)));
  const total = counts.reduce((a, b) => a + b, 0);
  const exact = total <= EXACT_LIMIT;
  // The union: members of a later segment who are in an earlier one are counted once.
  let members = 0;
  const sample: string[] = [];
  for (let i = 0; i < c.audience.segmentIds.length; i++) {
    const segmentId = c.audience.segmentIds[i]!;
    const ids = exact ? await allMembers(ctx, segmentId) : await sampleMembers(ctx, segmentId, random);
    const earlier = await repo.inSegments(ids, c.audience.segmentIds.slice(0, i));
    const fresh = ids.filter((x) => !earlier.has(x));
    sample.push(...fresh);
    members += exact ? fresh.length : ids.length ? Math.round((counts[i]! * fresh.length) / ids.length) : 0;
  }
  const r = await reach(ctx, c, sample);
  const scale = (n: number) => (exact || sample.length === 0 ? n : Math.round((n * members) / sample.length));
  const unreachable: Record<string, number> = {};
  for (const [k, v] of Object.entries(r.unreachable)) unreachable[k] = scale(v);
  return {
    members,
    exact,
    sampled: exact ? 0 : sample.length,
    excluded: { segment: scale(r.excludedSegment), recent: scale(r.excludedRecent) },
    eligible: scale(r.eligible),
    reachable: scale(r.reachable),
    unreachable,
    segments: c.audience.segmentIds.map((segmentId, i) => ({ segmentId, members: counts[i]! })),
  };
}

/** Exclusions and the pipeline's decision for each customer, on the channel of the variant they would get. */
async function reach(ctx: Ctx, c: Campaign, ids: readonly string[]) {
  const repo = repoOf(ctx.deps, CampaignAudienceRepo);
  const excluded = await repo.inSegments(ids, c.audience.excludeSegmentIds);
  let kept = ids.filter((x) => !excluded.has(x));
  let excludedRecent = 0;
  const nowMs = ctx.deps.clock.now().getTime();
  if (c.audience.excludeRecentDays) {
    const since = new Date(nowMs - c.audience.excludeRecentDays * 86_400_000).toISOString();
    const last = await repo.lastCampaignMessages(kept);
    kept = kept.filter((x) => {
      const l = last.get(x);
      const recent = !!l && l.campaignId !== c.id && l.at >= since;
      if (recent) excludedRecent++;
      return !recent;
    });
  }
  let reachable = 0;
  const unreachable: Record<string, number> = {};
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, kept.length) }, async () => {
      while (next < kept.length) {
        const customerId = kept[next++]!;
        const a = assign(c, customerId);
        // The remainder of an A/B test: the first variant stands in for the winner.
        const v = c.variants.find((x) => x.id === a.variant) ?? c.variants[0]!;
        const d = await decide(ctx, { messageId: 'preview', customerId, channel: v.channel, purpose: 'marketing', templateId: v.templateId, ...(v.templateVersion !== undefined ? { templateVersion: v.templateVersion } : {}), respectQuietHours: true }, nowMs);
        if (d.kind === 'skip') unreachable[d.reason] = (unreachable[d.reason] ?? 0) + 1;
        else reachable++;
      }
    }),
  );
  return { excludedSegment: excluded.size, excludedRecent, eligible: kept.length, reachable, unreachable };
}
