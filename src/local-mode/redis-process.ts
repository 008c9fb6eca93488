import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { Redis } from 'ioredis';
import { SetupProblem } from '../core/errors.js';

/** A free loopback TCP port, chosen by the kernel. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export class RedisBinaryMissing extends SetupProblem {
  constructor() {
    super('redis-server was not found on PATH. Install it (sudo apt-get install redis-server) or set REDIS_URL to an existing Redis.');
  }
}

/**
 * A private redis-server on a free loopback port, for local mode and tests: real Redis, so BullMQ
 * runs for real. No persistence unless a folder is given.
 */
export class RedisProcess {
  private child?: ResultPromise;
  private dir?: string;
  port = 0;

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(options: { port?: number; dataDir?: string } = {}): Promise<this> {
    this.port = options.port ?? (await freePort());
    this.dir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'rollbot-redis-')));
    const persistence = options.dataDir ? ['--appendonly', 'yes'] : ['--save', '', '--appendonly', 'no'];
    this.child = execa('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, ...persistence], {
      reject: false,
      stdio: 'ignore',
    });
    const spawnError = new Promise<never>((_, reject) => {
      this.child!.on('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new RedisBinaryMissing() : error));
    });
    await Promise.race([this.waitReady(), spawnError]);
    return this;
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') return;
      } catch {
        if (Date.now() > deadline) throw new SetupProblem(`redis-server did not answer on ${this.url} within 10 s. Check that it can start (run \`redis-server --port ${this.port}\` to see why), or set REDIS_URL to an existing Redis.`);
        await new Promise((r) => setTimeout(r, 50));
      } finally {
        probe.disconnect();
      }
    }
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      this.child.kill('SIGTERM');
      await this.child;
    }
    this.child = undefined;
  }

  /** Stop and remove a temporary data folder. */
  async dispose(): Promise<void> {
    await this.stop();
    if (this.dir?.includes('rollbot-redis-')) await rm(this.dir, { recursive: true, force: true });
  }
}
