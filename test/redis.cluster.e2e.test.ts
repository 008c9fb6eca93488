import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotHarness, messageText } from './support/bot-harness.js';
import { RedisClusterGroup } from './support/redis-topologies.js';

// A 3-master Redis Cluster of real redis-servers on loopback; the bot and worker reach it with
// REDIS_CLUSTER_NODES semantics (an ioredis Cluster), BullMQ and every store included.
let cluster: RedisClusterGroup;
let h: BotHarness;
beforeAll(async () => {
  cluster = await RedisClusterGroup.start();
  h = await BotHarness.start({ redisTarget: cluster.target() });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await cluster?.stop();
});

const ackText = (r: { json?: unknown }) => messageText((r.json ?? {}) as { text?: string; blocks?: unknown[] });

describe('rollbot on a Redis Cluster', () => {
  it('queues, runs and reports rollouts; each lands exactly once', async () => {
    const requests = [
      { text: 'papi 42 --env rdebug', channel: 'C_CL_1', tag: `ps-42-${h.prHeads[42]!.slice(0, 7)}`, service: 'papi' },
      { text: 'frontend 7 --env rdebug', channel: 'C_CL_2', tag: 'ps-7-', service: 'frontend' },
    ];
    for (const r of requests) {
      const ack = await h.user.slashCommand({ command: '/rollout', text: r.text, channel: r.channel });
      expect(ackText(ack)).toMatch(/Queued rollout/);
    }
    for (const r of requests) await h.waitForMessage(r.channel, new RegExp(`Updated ${r.service} to ${r.tag}`));
    const log = await h.flux.log();
    expect(log.filter((s) => s.startsWith(`chore(papi): update image tag to ${requests[0]!.tag}`))).toHaveLength(1);
    expect(log.filter((s) => s.startsWith('chore(frontend): update image tag to ps-7-'))).toHaveLength(1);
  });

  it('keeps channel bindings and locks, whose reads and Lua scripts touch several keys at once', async () => {
    await h.user.slashCommand({ command: '/rwenv', text: 'set rdebug', channel: 'C_CL_BOUND' });
    expect(ackText(await h.user.slashCommand({ command: '/rwenv', text: 'cur', channel: 'C_CL_BOUND' }))).toContain('rdebug');
    await h.user.slashCommand({ command: '/lock', text: 'rdebug db migration', channel: 'C_CL_BOUND', user: 'U_BOB' });
    const refused = await h.user.slashCommand({ command: '/rollout', text: 'papi 43', channel: 'C_CL_BOUND', user: 'U_ALICE' });
    expect(ackText(refused)).toMatch(/locked/i);
    await h.user.slashCommand({ command: '/unlock', text: 'rdebug', channel: 'C_CL_BOUND', user: 'U_BOB' });
    const ack = await h.user.slashCommand({ command: '/rollout', text: 'papi 43', channel: 'C_CL_BOUND', user: 'U_ALICE' });
    expect(ackText(ack)).toMatch(/Queued rollout of papi #43/);
    await h.waitForMessage('C_CL_BOUND', /Updated papi to ps-43-/);
  });

  it('puts every key of rollbot in one hash slot, {rollbot}, so multi-key commands never cross slots', async () => {
    const keys = (await cluster.keysByNode()).flat();
    expect(keys.length).toBeGreaterThan(10);
    expect(keys.filter((k) => !k.startsWith('{rollbot}:'))).toEqual([]);
    expect(keys.some((k) => k.startsWith('{rollbot}:rollbot-rollout:'))).toBe(true); // BullMQ's queue
    expect(keys.some((k) => k.startsWith('{rollbot}:rollbot:rwenv'))).toBe(true); // a store's key
  });
});
