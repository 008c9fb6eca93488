import type { EnvironmentConfig } from '../config/schema.js';
import { EnvironmentGraph } from './env-graph.js';

/** What one environment may write: the files its graph reaches, and which of them others deploy too. */
export interface EnvironmentScope {
  env: string;
  graph: EnvironmentGraph;
  /** Reached files another environment of the same Flux repo also reaches (a shared base). */
  shared: Map<string, string[]>;
}

const cache = new Map<string, EnvironmentScope>();

/**
 * The environment's scope at a commit, or undefined when it has no fluxRoot (the whole repo is
 * its own). Siblings: the other environments configured on the same Flux repo and branch.
 */
export async function environmentScope(repoDir: string, head: string, env: EnvironmentConfig, siblings: EnvironmentConfig[]): Promise<EnvironmentScope | undefined> {
  if (!env.fluxRoot) return undefined;
  const others = siblings.filter((o) => o.name !== env.name && o.fluxRoot && o.fluxGitRepo === env.fluxGitRepo && o.branch === env.branch);
  const key = [repoDir, head, env.name, env.fluxRoot, ...others.map((o) => `${o.name}=${o.fluxRoot}`)].join('\0');
  const cached = cache.get(key);
  if (cached) return cached;
  const graph = await EnvironmentGraph.build(repoDir, env.fluxRoot);
  const shared = new Map<string, string[]>();
  for (const other of others) {
    const theirs = await EnvironmentGraph.build(repoDir, other.fluxRoot!);
    for (const file of graph.files.keys()) if (theirs.has(file)) shared.set(file, [...(shared.get(file) ?? []), other.name]);
  }
  const scope = { env: env.name, graph, shared };
  if (cache.size > 64) cache.clear();
  cache.set(key, scope);
  return scope;
}
