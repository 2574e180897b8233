import { createHash } from 'node:crypto';
import type { AbTest, Campaign, Schedule, Variant } from './campaign';

/**
 * Who gets which variant, and when. Deterministic: the hash of campaign id and customer id, read
 * as a number in [0, 1), decides, so a retried step or a second fan-out pass assigns everyone
 * exactly as before. With an A/B test, a customer whose number falls under the test share is in
 * the test (the variant picked by the same number rescaled to [0, 1) against the split); everyone
 * else is in the remainder, which gets the winner. Pure.
 */
export function unitHash(campaignId: string, customerId: string): number {
  const h = createHash('sha256').update(`${campaignId}:${customerId}`).digest();
  // 48 bits: exact in a double, uniform in [0, 1).
  return h.readUIntBE(0, 6) / 2 ** 48;
}

/** The variant a number in [0, 1) falls on, by the cumulative split percentages. */
export function pickVariant(variants: readonly Pick<Variant, 'id' | 'splitPercent'>[], u: number): string {
  let acc = 0;
  for (const v of variants) {
    acc += v.splitPercent / 100;
    if (u < acc) return v.id;
  }
  return variants[variants.length - 1]!.id;
}

export type Group = 'all' | 'test' | 'remainder';

export interface Assignment {
  group: Group;
  /** Undefined for the remainder: it gets the winner. */
  variant?: string;
}

export function assign(c: Pick<Campaign, 'id'> & { variants: readonly Pick<Variant, 'id' | 'splitPercent'>[]; abTest?: Pick<AbTest, 'testSharePercent'> | undefined }, customerId: string): Assignment {
  const u = unitHash(c.id, customerId);
  if (!c.abTest) return { group: 'all', variant: pickVariant(c.variants, u) };
  const share = c.abTest.testSharePercent / 100;
  if (u >= share) return { group: 'remainder' };
  return { group: 'test', variant: pickVariant(c.variants, u / share) };
}

/**
 * Waves: recipients sent together at one instant. `main` is the campaign's main body (everyone
 * of a plain campaign, the remainder of an A/B test), walked straight from the recipient
 * partitions; every other wave (an A/B test's variants `t<delay>`, a send-time variant
 * `d<delay>`, a local-time zone `l<epoch minute>`) is listed by its own index.
 */
export const MAIN_WAVE = 'main';

export function waveOf(c: Pick<Campaign, 'variants' | 'abTest'> & { schedule: Schedule }, a: Assignment, localSendAtMs?: number): string {
  if (c.schedule.kind === 'local') {
    if (localSendAtMs === undefined) throw new Error('a local-time campaign needs the recipient’s local send instant');
    return `l${Math.floor(localSendAtMs / 60_000)}`;
  }
  if (a.group === 'remainder') return MAIN_WAVE;
  const delay = c.variants.find((v) => v.id === a.variant)?.sendDelayMinutes ?? 0;
  if (a.group === 'test') return `t${delay}`;
  return delay > 0 ? `d${delay}` : MAIN_WAVE;
}

/** When a wave is due: minutes after the start (`t`, `d`), its own instant (`l`), the start (`main` of a plain campaign). */
export function waveSendAt(wave: string, startedAtMs: number): number {
  if (wave.startsWith('l')) return Number(wave.slice(1)) * 60_000;
  if (wave.startsWith('t') || wave.startsWith('d')) return startedAtMs + Number(wave.slice(1)) * 60_000;
  return startedAtMs;
}

export const isTestWave = (wave: string) => wave.startsWith('t');

/** The waves a campaign will have, when they are known up front (all but local-time zones). */
export function plannedWaves(c: Pick<Campaign, 'variants' | 'abTest' | 'schedule'>): string[] {
  if (c.schedule.kind === 'local') return [];
  const out = new Set<string>();
  if (c.abTest) {
    for (const v of c.variants) out.add(`t${v.sendDelayMinutes ?? 0}`);
    out.add(MAIN_WAVE);
  } else {
    for (const v of c.variants) out.add((v.sendDelayMinutes ?? 0) > 0 ? `d${v.sendDelayMinutes}` : MAIN_WAVE);
  }
  return [...out];
}
