import { compileJourney, type CompiledJourney } from '../../domain/journeys/engine';
import type { JourneyVersion } from '../../domain/journeys/types';
import type { Deps } from '../../runtime/deps';
import { JourneysRepo, type TriggerRef } from '../../store/journeys-repo';
import { MessagingSettingsRepo } from '../../store/messaging-settings-repo';
import { repoOf } from '../../store/repo-of';

/**
 * What the journey workers read often, kept in the process: published versions with their
 * conditions compiled (immutable: kept until the process ends, at most MAX_VERSIONS), the trigger
 * index per trigger and the base currency (re-read after TTL_MS, so a journey published or paused
 * is in force for new events within a second or so).
 */
const TTL_MS = 1000;
const MAX_VERSIONS = 500;

export interface LoadedVersion {
  version: JourneyVersion;
  journey: CompiledJourney;
}

const versions = new Map<string, LoadedVersion>();
const triggers = new Map<string, { at: number; refs: Promise<TriggerRef[]> }>();
const currencies = new Map<string, { at: number; value: Promise<string> }>();

function baseCurrency(deps: Deps): Promise<string> {
  const hit = currencies.get(deps.db.tableName);
  if (hit && Date.now() - hit.at < 5 * TTL_MS) return hit.value;
  const value = deps.definitions.valueConfig().then((c) => c.baseCurrency);
  currencies.set(deps.db.tableName, { at: Date.now(), value });
  value.catch(() => currencies.delete(deps.db.tableName));
  return value;
}

/** A published version of a journey, compiled; undefined when there is no such version. */
export async function loadVersion(deps: Deps, journeyId: string, n: number): Promise<LoadedVersion | undefined> {
  const cur = await baseCurrency(deps);
  const key = `${deps.db.tableName}|${journeyId}|${n}|${cur}`;
  const hit = versions.get(key);
  if (hit) return hit;
  const v = await repoOf(deps, JourneysRepo).version(journeyId, n);
  if (!v) return undefined;
  const loaded = { version: v, journey: compileJourney(v.definition, cur) };
  if (versions.size >= MAX_VERSIONS) versions.delete(versions.keys().next().value as string);
  versions.set(key, loaded);
  return loaded;
}

/** The live journeys of a trigger (an event type, or `date`), re-read at most every second. */
export function liveJourneys(deps: Deps, trigger: string): Promise<TriggerRef[]> {
  const key = `${deps.db.tableName}|${trigger}`;
  const hit = triggers.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.refs;
  const refs = repoOf(deps, JourneysRepo).byTrigger(trigger);
  triggers.set(key, { at: Date.now(), refs });
  refs.catch(() => triggers.delete(key));
  return refs;
}

/** Forget the trigger index (tests; a change in this process that must be seen at once). */
export function forgetTriggers(): void {
  triggers.clear();
}

/** The brand's default time zone (messaging settings): local times of customers without one, in journeys without one. */
export async function brandZone(deps: Deps): Promise<string> {
  return (await repoOf(deps, MessagingSettingsRepo).get({ maxAgeMs: 5 * TTL_MS })).defaultTimeZone;
}

/** The zone a journey reads local times in when the customer has none. */
export async function journeyZone(deps: Deps, def: { timeZone?: string }): Promise<string> {
  return def.timeZone ?? (await brandZone(deps));
}
