import type { ClusterPort, ClusterWatch } from '../core/cluster/cluster-port.js';
import type { LoadedConfig } from '../core/config/load.js';
import type { EnvironmentConfig } from '../core/config/schema.js';
import { noClusterPort } from './no-cluster-port.js';

type PortFor = (env: EnvironmentConfig) => ClusterPort;

/**
 * clusterPortFor, with the Kubernetes client (@kubernetes/client-node, ~35 MiB of RSS once loaded)
 * imported on the first call that talks to a cluster (a follow, a /status, a redeploy) rather than
 * when the worker starts: an idle worker does not carry it.
 */
export function lazyClusterPortFor(config: LoadedConfig, load: () => Promise<PortFor> = async () => (await import('./cluster-ports.js')).clusterPortFor(config)): PortFor {
  let ports: Promise<PortFor> | undefined;
  const portOf = (env: EnvironmentConfig) => {
    ports ??= load();
    // A failed import is tried again next time rather than remembered.
    ports.catch(() => (ports = undefined));
    return ports.then((portFor) => portFor(env));
  };
  return (env) => {
    if (!env.cluster) return noClusterPort(env);
    return {
      read: async (target) => (await portOf(env)).read(target),
      getKustomization: async (ref) => (await portOf(env)).getKustomization(ref),
      requestReconcile: async (kind, ref, at) => (await portOf(env)).requestReconcile(kind, ref, at),
      watch(target, source, onEvent): ClusterWatch {
        let inner: ClusterWatch | undefined;
        let stopped = false;
        portOf(env).then(
          (port) => {
            if (!stopped) inner = port.watch(target, source, onEvent);
          },
          (error: unknown) => {
            if (!stopped) onEvent({ kind: 'error', message: `The Kubernetes client could not be loaded: ${(error as Error).message}`, fatal: true });
          },
        );
        return {
          stop() {
            stopped = true;
            inner?.stop();
          },
          get requests() {
            return inner?.requests ?? 0;
          },
        };
      },
    };
  };
}
