import { compileEngine, type CompiledEngine } from '../../domain/segmentation/engine';
import type { Deps } from '../../runtime/deps';

/**
 * The compiled definitions, read again at most every ENGINE_TTL_MS: an edited segment or tag rule
 * is in force for events within a second or so, and a busy consumer does not read the definitions
 * for every event. Recompiled only when a version changed.
 */
const ENGINE_TTL_MS = 1000;
let cached: { at: number; signature: string; engine: CompiledEngine; table: string } | undefined;

export async function loadEngine(deps: Deps, opts: { fresh?: boolean } = {}): Promise<CompiledEngine> {
  const now = Date.now();
  if (!opts.fresh && cached && cached.table === deps.db.tableName && now - cached.at < ENGINE_TTL_MS) return cached.engine;
  const [segments, tags, config] = await Promise.all([deps.definitions.listSegments(), deps.definitions.listTags(), deps.definitions.valueConfig()]);
  const signature = JSON.stringify([segments.map((s) => [s.id, s.version]), tags.map((t) => [t.name, t.version]), config.version]);
  const engine = cached && cached.table === deps.db.tableName && cached.signature === signature ? cached.engine : compileEngine(segments, tags, config);
  cached = { at: now, signature, engine, table: deps.db.tableName };
  return engine;
}
