import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { ClusterConfig } from '../../core/cluster/cluster-config.js';
import { ConfigError } from '../../core/errors.js';

/** The KubeConfig for an environment's `cluster:` settings: a kubeconfig file and context, or in-cluster. */
export function kubeConfigFor(environment: string, cluster: ClusterConfig, configDir: string): KubeConfig {
  const config = new KubeConfig();
  if (cluster.inCluster) {
    config.loadFromCluster();
    return config;
  }
  const file = isAbsolute(cluster.kubeconfig!) ? cluster.kubeconfig! : join(configDir, cluster.kubeconfig!);
  if (!existsSync(file)) {
    throw new ConfigError(`environments.${environment}.cluster.kubeconfig: ${file} does not exist. Point it at the kubeconfig for this cluster, or use \`inCluster: true\`.`);
  }
  try {
    config.loadFromFile(file);
  } catch (error) {
    throw new ConfigError(`environments.${environment}.cluster.kubeconfig: ${file} is not a valid kubeconfig (${(error as Error).message}).`);
  }
  if (cluster.context) {
    if (!config.getContextObject(cluster.context)) {
      const known = config.getContexts().map((c) => c.name).join(', ') || 'none';
      throw new ConfigError(`environments.${environment}.cluster.context: '${cluster.context}' is not in ${file} (contexts: ${known}).`);
    }
    config.setCurrentContext(cluster.context);
  }
  if (!config.getCurrentCluster()) throw new ConfigError(`environments.${environment}.cluster: ${file} has no current context; set \`context:\`.`);
  return config;
}
