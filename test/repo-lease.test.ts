import { join } from 'node:path';
import { execa } from 'execa';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisProcess } from '../src/local-mode/redis-process.js';
import { RepoLease } from '../src/jobs/repo-lease.js';

const CHILD = join(import.meta.dirname, 'fixtures', 'lease-child.ts');
let server: RedisProcess;
let redis: Redis;
beforeAll(async () => {
  server = await new RedisProcess().start();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis?.disconnect();
  await server?.dispose();
});

describe('the repository lease', () => {
  it('two worker processes never hold one repository at once, and both get their turns', async () => {
    const key = 'rollbot:repo-lease:test';
    const child = (name: string) => execa('node', ['--import', 'tsx', CHILD, server.url, key, '4000', name], { cwd: join(import.meta.dirname, '..') });
    const results = await Promise.all([child('a'), child('b')]);
    const holds = results.map((r) => JSON.parse(r.stdout) as { name: string; holds: number });

    expect(await redis.lrange(`${key}:overlaps`, 0, -1)).toEqual([]);
    expect(holds.every((h) => h.holds > 0)).toBe(true);
    const order = await redis.lrange(`${key}:holds`, 0, -1);
    expect(order).toHaveLength(holds[0]!.holds + holds[1]!.holds);
    expect(new Set(order)).toEqual(new Set(['a', 'b']));
    expect(await redis.exists(key)).toBe(0); // released at the end
  }, 30_000);

  it("only its holder renews or releases it; a killed holder's lease runs out and another worker takes it", async () => {
    const key = 'rollbot:repo-lease:expiry';
    const first = new RepoLease(redis, key, 300);
    const second = new RepoLease(redis, key, 300);
    expect(await first.tryAcquire()).toBe(true);
    await new Promise((r) => setTimeout(r, 600)); // twice the TTL: renewal keeps it
    expect(await second.tryAcquire()).toBe(false);
    await second.release(); // not the holder: changes nothing
    expect(await RepoLease.holder(redis, key)).toBe(first.token);
    await first.release();

    // What a SIGKILLed worker leaves behind: a lease nobody renews.
    await redis.set(key, 'killed-worker', 'PX', 300);
    expect(await second.tryAcquire()).toBe(false);
    await new Promise((r) => setTimeout(r, 400));
    expect(await second.tryAcquire()).toBe(true);
    await first.release(); // an old holder's release leaves the new holder's lease alone
    expect(await RepoLease.holder(redis, key)).toBe(second.token);
    await second.release();
    expect(await redis.exists(key)).toBe(0);
  });
});
