import type { ClusterPort } from '../core/cluster/cluster-port.js';
import type { EnvironmentConfig } from '../core/config/schema.js';
import { ConfigError } from '../core/errors.js';

/** Where no environment has `cluster:` settings: what clusterPortFor says for such an environment. */
export function noClusterPort(env: EnvironmentConfig): ClusterPort {
  throw new ConfigError(`Environment '${env.name}' has no \`cluster:\` settings; add them to follow changes into its cluster.`);
}
