import { describe, expect, it } from 'vitest';
import type { ClusterEvent, ClusterPort, ClusterWatch } from '../src/core/cluster/cluster-port.js';
import type { LoadedConfig } from '../src/core/config/load.js';
import type { EnvironmentConfig } from '../src/core/config/schema.js';
import { lazyClusterPortFor } from '../src/runtime/lazy-cluster-port.js';

const env = { name: 'rdebug', cluster: { context: 'kind-rdebug' } } as unknown as EnvironmentConfig;
const config = {} as LoadedConfig;
const target = {} as Parameters<ClusterPort['read']>[0];
const ref = { namespace: 'flux-system', name: 'apps' };

function fakeClient() {
  const calls = { loads: 0, watches: 0, stops: 0, reads: 0 };
  const port: ClusterPort = {
    read: async () => {
      calls.reads++;
      return { workloads: [], pods: {} } as unknown as Awaited<ReturnType<ClusterPort['read']>>;
    },
    getKustomization: async () => undefined,
    requestReconcile: async () => undefined,
    watch: (): ClusterWatch => {
      calls.watches++;
      return { stop: () => void calls.stops++, requests: 7 };
    },
  };
  const load = async () => {
    calls.loads++;
    return () => port;
  };
  return { calls, load };
}

describe('the worker loads the Kubernetes client when a job first talks to a cluster', () => {
  it('nothing is loaded until a read, and it is loaded once for all calls', async () => {
    const { calls, load } = fakeClient();
    const clusterFor = lazyClusterPortFor(config, load);
    const port = clusterFor(env);
    expect(calls.loads).toBe(0);
    await Promise.all([port.read(target), clusterFor(env).read(target), port.getKustomization(ref)]);
    expect(calls).toMatchObject({ loads: 1, reads: 2 });
  });

  it('a watch started before the client is loaded begins once it is, and a stop before that cancels it', async () => {
    const { calls, load } = fakeClient();
    const clusterFor = lazyClusterPortFor(config, load);
    const watch = clusterFor(env).watch(target, ref, () => undefined);
    expect(watch.requests).toBe(0);
    await new Promise((r) => setTimeout(r, 0));
    expect(calls.watches).toBe(1);
    expect(watch.requests).toBe(7);
    watch.stop();
    expect(calls.stops).toBe(1);

    const early = clusterFor(env).watch(target, ref, () => undefined);
    early.stop();
    await new Promise((r) => setTimeout(r, 0));
    expect(calls.watches).toBe(1);
  });

  it('a client that cannot be loaded is a fatal watch error, and the next call tries again', async () => {
    let attempts = 0;
    const clusterFor = lazyClusterPortFor(config, async () => {
      attempts++;
      throw new Error('Cannot find package @kubernetes/client-node');
    });
    const events: ClusterEvent[] = [];
    clusterFor(env).watch(target, ref, (e) => events.push(e));
    await new Promise((r) => setTimeout(r, 0));
    expect(events).toEqual([{ kind: 'error', message: expect.stringMatching(/could not be loaded: Cannot find package/), fatal: true }]);
    await expect(clusterFor(env).read(target)).rejects.toThrow(/Cannot find package/);
    expect(attempts).toBe(2);
  });

  it('an environment without cluster settings is still refused at once, with what to add', () => {
    const clusterFor = lazyClusterPortFor(config, fakeClient().load);
    expect(() => clusterFor({ name: 'plain' } as EnvironmentConfig)).toThrow(/no `cluster:` settings/);
  });
});
