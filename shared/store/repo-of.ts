import type { Db } from './client';

const cache = new WeakMap<Db, Map<Function, unknown>>();

/**
 * The repository of a kind over this table, made on first use and kept per `Db`. Use cases of
 * newer features reach their repositories through this instead of a field of `Deps`, so a Lambda
 * bundle carries only the repositories its code imports (esbuild drops the rest).
 *
 *   const campaigns = repoOf(deps, CampaignsRepo);
 */
export function repoOf<T>(deps: { db: Db }, Repo: new (db: Db) => T): T {
  let byRepo = cache.get(deps.db);
  if (!byRepo) cache.set(deps.db, (byRepo = new Map()));
  let repo = byRepo.get(Repo) as T | undefined;
  if (!repo) byRepo.set(Repo, (repo = new Repo(deps.db)));
  return repo;
}
