import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotHarness, messageText } from './support/bot-harness.js';
import { SentinelGroup } from './support/redis-topologies.js';

// Real redis-servers: a master, a replica and three sentinels. The bot and worker find the master
// through the sentinels; the master is SIGKILLed while rollouts keep arriving.
let group: SentinelGroup;
let h: BotHarness;
beforeAll(async () => {
  group = await SentinelGroup.start();
  h = await BotHarness.start({ redisTarget: group.target() });
}, 60_000);
afterAll(async () => {
  await h?.stop();
  await group?.stop();
});

const ackText = (r: { json?: unknown }) => messageText((r.json ?? {}) as { text?: string; blocks?: unknown[] });

describe('rollbot on Redis Sentinel when the master dies mid-load', () => {
  it('loses no acked rollout and commits none twice', async () => {
    const total = 24;
    const killAfter = 8;
    const acked: string[] = [];
    const sent: string[] = [];
    const sends: Promise<void>[] = [];
    // As Slack does: a request not acked within 3 s is delivered again (X-Slack-Retry-Num), up to 3 times.
    const deliver = async (text: string, channel: string, triggerId: string, tag: string) => {
      for (let retryNum = 0; retryNum <= 3; retryNum++) {
        const ack = await h.user
          .slashCommand({ command: '/rollout', text, channel, triggerId, ...(retryNum ? { retryNum } : {}) })
          .catch(() => undefined);
        if (ack?.status === 200 && /Queued rollout|already queued/.test(ackText(ack))) return void acked.push(tag);
      }
    };
    for (let i = 0; i < total; i++) {
      if (i === killAfter) group.master.kill();
      const pr = 100 + i;
      const sha = randomBytes(20).toString('hex');
      const tag = `ps-${pr}-${sha.slice(0, 7)}`;
      sent.push(tag);
      sends.push(deliver(`papi ${pr} --sha ${sha} --env rdebug`, `C_HA_${i}`, `trigger-ha-${i}-${sha.slice(0, 6)}`, tag));
      await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(sends);
    await group.waitForFailover();

    // Those sent before the kill are acked at once; during the failover (a few seconds) acks wait
    // or time out, and Slack's retries of the same trigger are answered "already queued".
    expect(acked.length).toBeGreaterThanOrEqual(killAfter);
    const deadline = Date.now() + 60_000;
    let log: string[] = [];
    while (Date.now() < deadline) {
      log = await h.flux.log();
      if (acked.every((tag) => log.includes(`chore(papi): update image tag to ${tag}`))) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(acked.filter((tag) => !log.includes(`chore(papi): update image tag to ${tag}`))).toEqual([]);
    const rolloutSubjects = log.filter((s) => s.startsWith('chore(papi): update image tag to ps-1'));
    expect(new Set(rolloutSubjects).size).toBe(rolloutSubjects.length); // none twice
    for (const subject of rolloutSubjects) expect(sent.some((tag) => subject.endsWith(tag))).toBe(true);
  });
});
