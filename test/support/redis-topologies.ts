import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { Redis } from 'ioredis';
import type { RedisTarget } from '../../src/core/config/redis-target.js';
import { freePort } from '../../src/local-mode/redis-process.js';

/** One real redis-server (or redis-server --sentinel) process on a loopback port. */
class RedisNode {
  constructor(
    readonly port: number,
    readonly child: ResultPromise,
  ) {}

  client(): Redis {
    const redis = new Redis({ host: '127.0.0.1', port: this.port, lazyConnect: true, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    return redis;
  }

  /** The machine dies: no shutdown, no last save. */
  kill(): void {
    this.child.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      this.child.kill('SIGKILL');
      await this.child;
    }
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startNode(dir: string, name: string, lines: string[], sentinel = false): Promise<RedisNode> {
  const port = await freePort();
  const conf = join(dir, `${name}.conf`);
  const nodeDir = join(dir, name);
  await execa('mkdir', ['-p', nodeDir]);
  await writeFile(conf, [`port ${port}`, 'bind 127.0.0.1', `dir ${nodeDir}`, 'save ""', 'appendonly no', ...lines].join('\n') + '\n');
  const child = execa('redis-server', sentinel ? [conf, '--sentinel'] : [conf], { reject: false, stdio: 'ignore' });
  const node = new RedisNode(port, child);
  await until(`${name} on :${port} answering`, async () => {
    const probe = node.client();
    try {
      await probe.connect();
      return (await probe.ping()) === 'PONG';
    } finally {
      probe.disconnect();
    }
  });
  return node;
}

/** A master, one replica and three sentinels (quorum 2) that fail over within about two seconds. */
export class SentinelGroup {
  readonly name = 'rollbot-master';
  master!: RedisNode;
  replica!: RedisNode;
  sentinels: RedisNode[] = [];
  private dir = '';

  static async start(): Promise<SentinelGroup> {
    const g = new SentinelGroup();
    g.dir = await mkdtemp(join(tmpdir(), 'rollbot-sentinel-'));
    g.master = await startNode(g.dir, 'master', []);
    g.replica = await startNode(g.dir, 'replica', [`replicaof 127.0.0.1 ${g.master.port}`]);
    await until('replica in sync', async () => {
      const r = g.replica.client();
      try {
        return /master_link_status:up/.test(await r.info('replication'));
      } finally {
        r.disconnect();
      }
    });
    for (let i = 0; i < 3; i++) {
      g.sentinels.push(
        await startNode(
          g.dir,
          `sentinel-${i}`,
          [
            `sentinel monitor ${g.name} 127.0.0.1 ${g.master.port} 2`,
            `sentinel down-after-milliseconds ${g.name} 600`,
            `sentinel failover-timeout ${g.name} 2000`,
            `sentinel parallel-syncs ${g.name} 1`,
          ],
          true,
        ),
      );
    }
    await until('sentinels see the replica and each other', async () => {
      const s = g.sentinels[0]!.client();
      try {
        const [master] = (await s.call('SENTINEL', 'MASTERS')) as string[][];
        const field = (key: string) => Number(master![master!.indexOf(key) + 1]);
        return field('num-slaves') >= 1 && field('num-other-sentinels') >= 2;
      } finally {
        s.disconnect();
      }
    });
    return g;
  }

  target(replicasToAck = 1): RedisTarget {
    return { kind: 'sentinel', name: this.name, sentinels: this.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })), replicasToAck };
  }

  /** The port the sentinels now name as master. */
  async currentMasterPort(): Promise<number> {
    const s = this.sentinels[0]!.client();
    try {
      const [, port] = (await s.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', this.name)) as string[];
      return Number(port);
    } finally {
      s.disconnect();
    }
  }

  async waitForFailover(): Promise<void> {
    await until('sentinel failover to the replica', async () => (await this.currentMasterPort()) === this.replica.port, 20_000);
  }

  async stop(): Promise<void> {
    for (const node of [...this.sentinels, this.replica, this.master]) await node?.stop();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}

/** Three masters, no replicas, every slot assigned (`redis-cli --cluster create`). */
export class RedisClusterGroup {
  nodes: RedisNode[] = [];
  private dir = '';

  static async start(): Promise<RedisClusterGroup> {
    const c = new RedisClusterGroup();
    c.dir = await mkdtemp(join(tmpdir(), 'rollbot-cluster-'));
    for (let i = 0; i < 3; i++) {
      c.nodes.push(await startNode(c.dir, `node-${i}`, ['cluster-enabled yes', `cluster-config-file nodes-${i}.conf`, 'cluster-node-timeout 2000']));
    }
    await execa('redis-cli', ['--cluster', 'create', ...c.nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    await until('cluster state ok on every node', async () => {
      for (const node of c.nodes) {
        const r = node.client();
        try {
          if (!/cluster_state:ok/.test(String(await r.call('CLUSTER', 'INFO')))) return false;
        } finally {
          r.disconnect();
        }
      }
      return true;
    });
    return c;
  }

  target(): RedisTarget {
    return { kind: 'cluster', nodes: this.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })) };
  }

  /** Every key on every master (a test's cluster is small). */
  async keysByNode(): Promise<string[][]> {
    const out: string[][] = [];
    for (const node of this.nodes) {
      const r = node.client();
      try {
        out.push(await r.keys('*'));
      } finally {
        r.disconnect();
      }
    }
    return out;
  }

  async stop(): Promise<void> {
    for (const node of this.nodes) await node.stop();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}
