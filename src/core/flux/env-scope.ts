import type { EnvironmentConfig } from '../config/schema.js';
import { posix } from 'node:path';
import { EnvironmentGraph } from './env-graph.js';
import { git } from './git.js';
import type { RepoTree } from './repo-tree.js';

/** What one environment may write: the files its graph reaches, and which of them others deploy too. */
export interface EnvironmentScope {
  env: string;
  graph: EnvironmentGraph;
  /** Reached files another environment of the same Flux repo also reaches (a shared base). */
  shared: Map<string, string[]>;
}

const cache = new Map<string, { head: string; scope: EnvironmentScope }>();

/**
 * Did the commits between `from` and `to` leave the kustomize graph as it was? True when they only
 * modified files (none added, deleted or renamed) and none of them is or holds a kustomization.
 */
async function graphUnchanged(from: string, to: RepoTree): Promise<boolean> {
  const diff = await git(['diff-tree', '-r', '-z', '--name-status', '--no-renames', from, to.commit], to.gitDir, { allowFailure: true });
  if (diff.exitCode !== 0) return false;
  const fields = diff.stdout.split('\0').filter(Boolean);
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [status, file] = [fields[i]!, fields[i + 1]!];
    if (status !== 'M' || /^(kustomization\.ya?ml|Kustomization)$/.test(posix.basename(file))) return false;
    const text = (await to.read(file)) ?? '';
    if (text.includes('kustomize.toolkit.fluxcd.io') || text.includes('kustomize.config.k8s.io')) return false;
  }
  return true;
}

/**
 * The environment's scope at a commit, or undefined when it has no fluxRoot (the whole repo is
 * its own). Siblings: the other environments configured on the same Flux repo and branch. Kept per
 * clone and reused across commits that do not touch the graph (a rollout's own commit never does).
 */
export async function environmentScope(tree: RepoTree, env: EnvironmentConfig, siblings: EnvironmentConfig[]): Promise<EnvironmentScope | undefined> {
  if (!env.fluxRoot) return undefined;
  const root = normalRoot(env.fluxRoot);
  // Another name for the same root (a read-only audit view of prod) is the same deployment, not a sharer.
  const others = siblings.filter(
    (o) => o.name !== env.name && o.fluxRoot && normalRoot(o.fluxRoot) !== root && o.fluxGitRepo === env.fluxGitRepo && o.branch === env.branch,
  );
  const key = [tree.gitDir, env.name, env.fluxRoot, ...others.map((o) => `${o.name}=${o.fluxRoot}`)].join('\0');
  const cached = cache.get(key);
  if (cached && (cached.head === tree.commit || (await graphUnchanged(cached.head, tree)))) {
    cached.head = tree.commit;
    return cached.scope;
  }
  const graph = await EnvironmentGraph.build(tree, env.fluxRoot);
  const shared = new Map<string, string[]>();
  for (const other of others) {
    const theirs = await EnvironmentGraph.build(tree, other.fluxRoot!);
    for (const file of graph.files.keys()) {
      // What lies below the environment's own root is its own, whoever else reaches it.
      if (file.startsWith(`${root}/`)) continue;
      if (theirs.has(file)) shared.set(file, [...(shared.get(file) ?? []), other.name]);
    }
  }
  const scope = { env: env.name, graph, shared };
  if (cache.size > 64) cache.clear();
  cache.set(key, { head: tree.commit, scope });
  return scope;
}

function normalRoot(root: string): string {
  return root.replace(/^\.\/+/, '').replace(/\/+$/, '');
}
