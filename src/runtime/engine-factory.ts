import { CatalogStore } from '../core/catalog/catalog-store.js';
import { environmentOf, type LoadedConfig } from '../core/config/load.js';
import { RolloutEngine } from '../core/rollout/rollout-engine.js';

/** The rollout engine as configured: data dir, commit identity, push attempts, catalog lookups. */
export function engineFor(config: LoadedConfig, catalogs = new CatalogStore()): RolloutEngine {
  return new RolloutEngine({
    dataDir: config.dataDir,
    identity: { authorName: config.git.authorName, authorEmail: config.git.authorEmail },
    pushAttempts: config.git.pushAttempts,
    reuseHeadMs: config.git.reuseHeadSeconds * 1000,
    catalogEntry: (env, service) => catalogs.entry(env, service),
    environments: () => Object.keys(config.environments).map((name) => environmentOf(config, name)),
  });
}
