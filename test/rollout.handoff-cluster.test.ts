import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RolloutEngine } from '../src/core/rollout/rollout-engine.js';
import { openRedis, type RedisConnections } from '../src/jobs/redis-connection.js';
import { RepoBatcher } from '../src/jobs/repo-batcher.js';
import { BareRepo, removeDir, run, tempDir, valuesFile } from './support/git-fixtures.js';
import { RedisClusterGroup } from './support/redis-topologies.js';
import { makeEnv, recordingReporter } from './support/rollout-env.js';

let cluster: RedisClusterGroup;
let root: string;
beforeAll(async () => {
  cluster = await RedisClusterGroup.start();
  root = await tempDir();
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
  await removeDir(root);
});

describe('shared batches on a Redis Cluster', () => {
  it('the handoff keys share the lease’s slot, progress reaches the owners by the cluster’s pub/sub, and both workers’ rollouts go in one push', async () => {
    const names = ['papi', 'runner', 'web', 'jobs', 'mail', 'auth'];
    const flux = await BareRepo.create(root, Object.fromEntries(names.map((s) => [`apps/${s}/values.yaml`, valuesFile(s, 'old')])));
    const pushLog = join(root, 'pushes.log');
    await writeFile(join(flux.url, 'hooks', 'post-receive'), `#!/bin/sh\necho push >> "${pushLog}"\n`);
    await chmod(join(flux.url, 'hooks', 'post-receive'), 0o755);
    const env = makeEnv(root, flux.url);
    const opened: RedisConnections[] = [];
    const batcher = (name: string) => {
      const connections = openRedis(cluster.target());
      opened.push(connections);
      const engine = new RolloutEngine({ dataDir: join(root, `data-${name}`), identity: { authorName: 'rollbot', authorEmail: 'rollbot@example.com' }, pushAttempts: 5, backoffMs: () => 5 });
      return new RepoBatcher({ redis: connections.stores, engine, leaseMs: 1_000, pollMs: 30, environment: (n) => (n === env.name ? env : undefined) });
    };
    const [a, b] = [batcher('a'), batcher('b')];
    try {
      const redis = opened[0]!.stores;
      const key = a.leaseKey(env);
      await redis.set(key, 'a-third-worker', 'PX', 30_000);
      const reporters = names.map(() => recordingReporter());
      const results = Promise.all(names.map((service, i) => (i % 2 ? b : a).rollout(env, { service, pr: i + 1, sha: 'abcdef1', requestId: `c-${i}` }, reporters[i]!)));
      const deadline = Date.now() + 15_000;
      while ((await redis.llen(`${key}:handoff`)) < names.length) {
        if (Date.now() > deadline) throw new Error('the rollouts were not handed to Redis');
        await new Promise((r) => setTimeout(r, 20));
      }
      // Every rollbot key (lease, handoff list, taker records) is on the node that holds the lease's slot.
      const byNode = await cluster.keysByNode();
      const withLease = byNode.filter((keys) => keys.some((k) => k.endsWith(key)));
      expect(withLease).toHaveLength(1);
      expect(withLease[0]).toContain(`{rollbot}:${key}:handoff`);
      await redis.del(key);

      const done = await results;
      expect(done.map((r) => r.status)).toEqual(names.map(() => 'updated'));
      expect((await readFile(pushLog, 'utf8')).split('\n').filter(Boolean)).toHaveLength(1);
      for (const [i, r] of reporters.entries()) {
        expect(r.last().steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
        expect(await run(flux.url, 'log', '-1', '--format=%B', done[i]!.commit!)).toContain(`Rollbot-Request: c-${i}`);
      }
    } finally {
      await a.close();
      await b.close();
      for (const c of opened) c.disconnect();
    }
  }, 60_000);
});
