import { originParts, type Counters } from './rollups';

/** One campaign's or journey's counters over a period, and a campaign's sends per channel (its cost model prices each channel). */
export interface SourcePeriod {
  kind: string;
  id: string;
  counters: Counters;
  sentByChannel: Record<string, number>;
}

/** The origin rollups summed over the period per source (`<kind>:<id>`), with a campaign's sends per channel for its cost model. */
export function periodBySource(origins: ReadonlyMap<string, ReadonlyMap<string, Counters>>): Map<string, SourcePeriod> {
  const out = new Map<string, SourcePeriod>();
  for (const [value, buckets] of origins) {
    const o = originParts(value);
    if (!o) continue;
    const key = `${o.kind}:${o.id}`;
    const entry = out.get(key) ?? { kind: o.kind, id: o.id, counters: {}, sentByChannel: {} };
    for (const c of buckets.values()) {
      for (const [k, v] of Object.entries(c)) entry.counters[k] = (entry.counters[k] ?? 0) + v;
      entry.sentByChannel[o.channel] = (entry.sentByChannel[o.channel] ?? 0) + (c.sent ?? 0);
    }
    out.set(key, entry);
  }
  return out;
}


/** The ids of one kind's sources that sent in the period but are not `listed`, busiest first, at most `max`. */
export function busiestUnlisted(inPeriod: ReadonlyMap<string, SourcePeriod>, kind: string, listed: { has(id: string): boolean }, max: number): string[] {
  return [...inPeriod.values()]
    .filter((s) => s.kind === kind && !listed.has(s.id))
    .sort((a, b) => (b.counters.sent ?? 0) - (a.counters.sent ?? 0))
    .slice(0, max)
    .map((s) => s.id);
}
