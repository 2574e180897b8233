import { originParts, type Counters } from './rollups';

/** One campaign's or journey's counters over a period, and a campaign's sends per channel (its cost model prices each channel). */
export interface SourcePeriod {
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
    const entry = out.get(key) ?? { counters: {}, sentByChannel: {} };
    for (const c of buckets.values()) {
      for (const [k, v] of Object.entries(c)) entry.counters[k] = (entry.counters[k] ?? 0) + v;
      entry.sentByChannel[o.channel] = (entry.sentByChannel[o.channel] ?? 0) + (c.sent ?? 0);
    }
    out.set(key, entry);
  }
  return out;
}

