import type { ClusterPort } from '../core/cluster/cluster-port.js';
import type { LoadedConfig } from '../core/config/load.js';
import type { EnvironmentConfig } from '../core/config/schema.js';
import { noClusterPort } from './no-cluster-port.js';

type PortFor = (env: EnvironmentConfig) => ClusterPort;

/**
 * clusterPortFor, with the Kubernetes client (@kubernetes/client-node, ~35 MiB of RSS once loaded)
 * imported by the first job that talks to a cluster (a follow, a /status, a redeploy) rather than
 * when the worker starts: an idle worker does not carry it. The jobs await the port, so a setting
 * that is wrong (a missing kubeconfig) still fails where it did, before following starts.
 */
export function lazyClusterPortFor(config: LoadedConfig, load: () => Promise<PortFor> = async () => (await import('./cluster-ports.js')).clusterPortFor(config)): (env: EnvironmentConfig) => Promise<ClusterPort> {
  let ports: Promise<PortFor> | undefined;
  return async (env) => {
    if (!env.cluster) return noClusterPort(env);
    ports ??= load();
    // A failed import is tried again next time rather than remembered.
    ports.catch(() => (ports = undefined));
    return (await ports)(env);
  };
}
