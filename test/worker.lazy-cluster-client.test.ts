import { describe, expect, it } from 'vitest';
import type { ClusterPort } from '../src/core/cluster/cluster-port.js';
import type { LoadedConfig } from '../src/core/config/load.js';
import type { EnvironmentConfig } from '../src/core/config/schema.js';
import { ConfigError } from '../src/core/errors.js';
import { lazyClusterPortFor } from '../src/runtime/lazy-cluster-port.js';

const env = { name: 'rdebug', cluster: { context: 'kind-rdebug' } } as unknown as EnvironmentConfig;
const config = {} as LoadedConfig;
const port = {} as ClusterPort;

describe('the worker loads the Kubernetes client when a job first talks to a cluster', () => {
  it('nothing is loaded until a job asks for a port, and it is loaded once for all jobs', async () => {
    let loads = 0;
    const clusterFor = lazyClusterPortFor(config, async () => {
      loads++;
      return () => port;
    });
    expect(loads).toBe(0);
    const ports = await Promise.all([clusterFor(env), clusterFor(env), clusterFor(env)]);
    expect(ports.every((p) => p === port)).toBe(true);
    expect(loads).toBe(1);
  });

  it('a wrong setting (a missing kubeconfig) fails the job where it asks for the port, with its own sentence', async () => {
    const clusterFor = lazyClusterPortFor(config, async () => () => {
      throw new ConfigError('environments.rdebug.cluster.kubeconfig: /nowhere does not exist.');
    });
    await expect(clusterFor(env)).rejects.toThrow(ConfigError);
  });

  it('a client that cannot be loaded is tried again by the next job', async () => {
    let attempts = 0;
    const clusterFor = lazyClusterPortFor(config, async () => {
      attempts++;
      if (attempts === 1) throw new Error('Cannot find package @kubernetes/client-node');
      return () => port;
    });
    await expect(clusterFor(env)).rejects.toThrow(/Cannot find package/);
    expect(await clusterFor(env)).toBe(port);
    expect(attempts).toBe(2);
  });

  it('an environment without cluster settings is refused, saying what to add', async () => {
    const clusterFor = lazyClusterPortFor(config, async () => () => port);
    await expect(clusterFor({ name: 'plain' } as EnvironmentConfig)).rejects.toThrow(/no `cluster:` settings/);
  });
});
