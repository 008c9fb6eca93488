import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeFeed } from '../src/jobs/change-feed.js';
import { HashMirror } from '../src/jobs/hash-mirror.js';
import { DeployLocks } from '../src/jobs/release/deploy-locks.js';
import { RedisProcess } from '../src/local-mode/redis-process.js';
import { BotHarness, messageText } from './support/bot-harness.js';

const ackText = (r: { json?: unknown }) => messageText((r.json ?? {}) as { text?: string; blocks?: unknown[] });

async function eventually(check: () => Promise<boolean>, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('not within 3 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Calls Redis has served for these commands so far (INFO commandstats). */
async function calls(redis: Redis, ...commands: string[]): Promise<number> {
  const info = await redis.info('commandstats');
  return commands.reduce((sum, c) => sum + Number(new RegExp(`cmdstat_${c}:calls=(\\d+)`).exec(info)?.[1] ?? 0), 0);
}

describe('in-process mirrors of bindings and locks, kept current by the writers', () => {
  let server: RedisProcess;
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis(server.url);
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    server = await new RedisProcess().start();
  });
  afterAll(async () => {
    clients.forEach((c) => c.disconnect());
    await server.dispose();
  });

  it('a lock taken by one bot process is seen by another at once, long before the TTL', async () => {
    const feedA = new ChangeFeed(client(), client());
    const feedB = new ChangeFeed(client(), client());
    await Promise.all([feedA.start(), feedB.start()]);
    const a = new DeployLocks(client(), feedA);
    const b = new DeployLocks(client(), feedB);
    expect(await b.list()).toEqual([]); // B now holds a copy
    await a.lock('prod', 'U_BOB', 'db migration', 1_000);
    await eventually(async () => (await b.list()).length === 1);
    await a.unlock('prod', 'U_BOB');
    await eventually(async () => (await b.list()).length === 0);
    feedA.stop();
    feedB.stop();
  });

  it('serves reads from memory while fresh, and reads Redis again after the TTL or a change', async () => {
    const redis = client();
    const feed = new ChangeFeed(client(), client());
    await feed.start();
    let now = 0;
    const mirror = new HashMirror(redis, 'mirror:test', feed, 5_000, () => now);
    await redis.hset('mirror:test', 'C1', 'rdebug');
    const before = await calls(redis, 'hgetall');
    for (let i = 0; i < 20; i++) expect(await mirror.get('C1')).toBe('rdebug');
    expect((await calls(redis, 'hgetall')) - before).toBe(1);

    await redis.hset('mirror:test', 'C1', 'prod'); // a writer that is not rollbot: no message
    expect(await mirror.get('C1')).toBe('rdebug');
    now += 5_000;
    expect(await mirror.get('C1')).toBe('prod');

    await redis.hset('mirror:test', 'C1', 'audit');
    await feed.changed('mirror:test');
    await eventually(async () => (await mirror.get('C1')) === 'audit');
    feed.stop();
  });
});

describe('the ack path of /rollout', () => {
  let h: BotHarness;
  beforeAll(async () => {
    h = await BotHarness.start();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('refuses a rollout to a locked environment without a Redis round trip for bindings or locks', async () => {
    await h.user.slashCommand({ command: '/rwenv', text: 'set rdebug', channel: 'C_CACHE' });
    await h.user.slashCommand({ command: '/lock', text: 'rdebug release freeze', channel: 'C_CACHE', user: 'U_BOB' });
    const redis = new Redis(h.redis!.url);
    try {
      const first = await h.user.slashCommand({ command: '/rollout', text: 'papi 42', channel: 'C_CACHE', user: 'U_ALICE' });
      expect(ackText(first)).toMatch(/locked by <@U_BOB>/);
      const before = await calls(redis, 'hget', 'hgetall');
      for (let i = 0; i < 10; i++) {
        const refused = await h.user.slashCommand({ command: '/rollout', text: 'papi 42', channel: 'C_CACHE', user: 'U_ALICE' });
        expect(ackText(refused)).toMatch(/locked by <@U_BOB>/);
      }
      expect((await calls(redis, 'hget', 'hgetall')) - before).toBe(0);

      await h.user.slashCommand({ command: '/unlock', text: 'rdebug', channel: 'C_CACHE', user: 'U_BOB' });
      const ack = await h.user.slashCommand({ command: '/rollout', text: 'papi 42', channel: 'C_CACHE', user: 'U_ALICE' });
      expect(ackText(ack)).toMatch(/Queued rollout of papi #42/);
    } finally {
      redis.disconnect();
    }
  });

  it('refuses a rollout during a freeze without a Redis round trip for bindings, locks or freezes', async () => {
    await h.user.slashCommand({ command: '/rwenv', text: 'set rdebug', channel: 'C_FREEZE_CACHE' });
    await h.user.slashCommand({ command: '/freeze', text: 'rdebug 1h incident', channel: 'C_FREEZE_CACHE', user: 'U_BOB' });
    const redis = new Redis(h.redis!.url);
    try {
      const first = await h.user.slashCommand({ command: '/rollout', text: 'papi 42', channel: 'C_FREEZE_CACHE', user: 'U_ALICE' });
      expect(ackText(first)).toMatch(/frozen by <@U_BOB>/);
      const before = await calls(redis, 'hget', 'hgetall');
      for (let i = 0; i < 10; i++) {
        const refused = await h.user.slashCommand({ command: '/rollout', text: 'papi 42', channel: 'C_FREEZE_CACHE', user: 'U_ALICE' });
        expect(ackText(refused)).toMatch(/frozen by <@U_BOB>/);
      }
      expect((await calls(redis, 'hget', 'hgetall')) - before).toBe(0);

      await h.user.slashCommand({ command: '/unfreeze', text: 'rdebug', channel: 'C_FREEZE_CACHE', user: 'U_BOB' });
      const ack = await h.user.slashCommand({ command: '/rollout', text: 'papi 42 --dry-run', channel: 'C_FREEZE_CACHE', user: 'U_ALICE' });
      expect(ackText(ack)).toMatch(/Queued dry-run rollout of papi #42/);
    } finally {
      redis.disconnect();
    }
  });
});
