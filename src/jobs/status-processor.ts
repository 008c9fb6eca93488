import type { ClusterPort } from '../core/cluster/cluster-port.js';
import { followTargetOf } from '../core/cluster/follow-target.js';
import { serviceStatusText } from '../core/cluster/service-status.js';
import type { CatalogEntry } from '../core/catalog/catalog-file.js';
import type { LoadedConfig } from '../core/config/load.js';
import { environmentOf } from '../core/config/load.js';
import type { EnvironmentConfig } from '../core/config/schema.js';
import { InvalidInput } from '../core/errors.js';
import { StepTracker } from '../core/progress.js';
import type { RolloutEngine } from '../core/rollout/rollout-engine.js';
import { validateServiceName } from '../core/validate.js';
import type { StatusJobData } from './job-data.js';
import type { JobProcessor } from './job-processor.js';
import { reportFailure } from './user-errors.js';
import { filesAt } from './follow/start-follow.js';

export interface StatusDeps {
  config: LoadedConfig;
  engine: RolloutEngine;
  catalogEntry: (env: EnvironmentConfig, service: string) => CatalogEntry | undefined;
  /** May load the Kubernetes client first (the worker loads it at the first job that needs it). */
  clusterFor: (env: EnvironmentConfig) => ClusterPort | Promise<ClusterPort>;
}

/** `/status <service>`: the tag in git, and what the cluster runs, read from the cluster. */
export function statusProcessor(deps: StatusDeps): JobProcessor<StatusJobData> {
  return async (data, attempt, reporter) => {
    try {
      const env = environmentOf(deps.config, data.env);
      const service = validateServiceName(data.service);
      if (!env.cluster) {
        throw new InvalidInput(`\`${env.name}\` has no \`cluster:\` settings, so rollbot cannot see what runs there. Add \`cluster: { kubeconfig: <file> }\` (or \`inCluster: true\`) to it.`);
      }
      const steps = new StepTracker(`Status of ${service} in ${env.name}`, [['git', 'Read the Flux repo'], ['cluster', 'Read the cluster']], reporter);
      const catalog = deps.catalogEntry(env, service);
      const workspace = deps.engine.workspace(env);
      // Located exactly as a rollout would (image sites, overrides, the environment's own files).
      const git = await steps.run('git', () =>
        deps.engine.inspect(env, service, async (_workspace, located, tree) => ({ tag: located.sites[0]?.current ?? null, file: located.file, head: tree.commit })),
        (g) => `${g.tag ?? '(no tag)'} at ${g.head.slice(0, 7)}`,
      );
      const target = followTargetOf({ service, catalog, ...(await filesAt(workspace.dir, git.head, git.file)) });
      const kustomization = { namespace: env.fluxNamespace, name: catalog?.kustomization ?? env.kustomization };
      const snapshot = await steps.run('cluster', async () => (await deps.clusterFor(env)).read({ kustomization, ...target }), (s) => `${s.workloads.length} workload${s.workloads.length === 1 ? '' : 's'}`);
      await reporter.succeed(serviceStatusText(service, env.name, git, snapshot));
      return { tag: git.tag };
    } catch (error) {
      return reportFailure(error, attempt, reporter);
    }
  };
}
