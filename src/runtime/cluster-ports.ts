import { dirname } from 'node:path';
import type { ClusterPort } from '../core/cluster/cluster-port.js';
import type { LoadedConfig } from '../core/config/load.js';
import type { EnvironmentConfig } from '../core/config/schema.js';
import { noClusterPort } from './no-cluster-port.js';
import { kubeConfigFor } from '../adapters/kubernetes/kube-config.js';
import { KubernetesCluster } from '../adapters/kubernetes/kubernetes-cluster.js';

/** One Kubernetes client per environment's cluster, made when first needed. */
export function clusterPortFor(config: LoadedConfig): (env: EnvironmentConfig) => ClusterPort {
  const ports = new Map<string, ClusterPort>();
  return (env) => {
    if (!env.cluster) return noClusterPort(env);
    let port = ports.get(env.name);
    if (!port) {
      port = new KubernetesCluster(kubeConfigFor(env.name, env.cluster, dirname(config.source)));
      ports.set(env.name, port);
    }
    return port;
  };
}
