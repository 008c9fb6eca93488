import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'node:net';
import { JobEnqueuer, jobIdFor } from '../src/jobs/job-enqueuer.js';
import type { RollbotJobData } from '../src/jobs/job-data.js';
import { RedisProcess } from '../src/local-mode/redis-process.js';

/** Calls Redis has served for these commands so far (INFO commandstats). */
async function calls(redis: Redis, ...commands: string[]): Promise<number> {
  const info = await redis.info('commandstats');
  return commands.reduce((sum, c) => sum + Number(new RegExp(`cmdstat_${c}:calls=(\\d+)`).exec(info)?.[1] ?? 0), 0);
}

const rollout = (service: string): RollbotJobData => ({
  kind: 'rollout',
  origin: { channel: 'C_DEPLOY', user: 'U_ALICE' },
  env: 'rdebug',
  service,
  pr: 42,
  dryRun: false,
});

describe('enqueuing a Slack request: one round trip, one job per request', () => {
  let server: RedisProcess;
  let connection: Redis;
  let stats: Redis;
  let enqueuer: JobEnqueuer;
  beforeAll(async () => {
    server = await new RedisProcess().start();
    connection = new Redis(server.url, { maxRetriesPerRequest: null });
    stats = new Redis(server.url);
    enqueuer = new JobEnqueuer(connection, 'enqueue-test');
    await enqueuer.enqueue(rollout('warm-up'), 'warm-up'); // loads BullMQ's scripts on the connection
  });
  afterAll(async () => {
    await enqueuer.close();
    connection.disconnect();
    stats.disconnect();
    await server.dispose();
  });

  it('a new request is one round trip: the existence check and the add are both sent before any reply', async () => {
    // The socket under the queue connection: every write and every reply, in order.
    const socket = (connection as unknown as { stream: Socket }).stream;
    const order: string[] = [];
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    socket.write = ((...args: unknown[]) => {
      order.push('write');
      return write(...args);
    }) as typeof socket.write;
    const onData = () => order.push('reply');
    socket.on('data', onData);
    const before = { reads: await calls(stats, 'hgetall'), adds: await calls(stats, 'evalsha', 'eval') };
    try {
      order.length = 0;
      const result = await enqueuer.enqueue(rollout('papi'), 'trigger-1');
      expect(result.created).toBe(true);
    } finally {
      socket.write = write as typeof socket.write;
      socket.off('data', onData);
    }
    const firstReply = order.indexOf('reply');
    expect(order.slice(0, firstReply)).toEqual(['write', 'write']); // EXISTS, then BullMQ's add script
    expect(order.slice(firstReply)).not.toContain('write');
    expect((await calls(stats, 'evalsha', 'eval')) - before.adds).toBe(1);
    // getJob is an HGETALL; BullMQ's add script itself only HGETs its queue's settings.
    expect((await calls(stats, 'hgetall')) - before.reads).toBe(0);
    const job = await enqueuer.queue('rollout').getJob(jobIdFor('rollout', 'trigger-1'));
    expect(job?.data).toMatchObject({ service: 'papi', pr: 42 });
  });

  it('a retried delivery of the same request is told it is already queued and makes no second job', async () => {
    const first = await enqueuer.enqueue(rollout('billing'), 'trigger-2');
    const retry = await enqueuer.enqueue(rollout('billing'), 'trigger-2');
    expect(first).toEqual({ jobId: first.jobId, created: true });
    expect(retry).toEqual({ jobId: first.jobId, created: false });
    const jobs = await enqueuer.queue('rollout').getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
    expect(jobs.filter((j) => j.data.service === 'billing')).toHaveLength(1);
  });

  it('deliveries racing each other make one job, and exactly one of them is told it created it', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => enqueuer.enqueue(rollout('search'), 'trigger-3')));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.jobId)).size).toBe(1);
    const jobs = await enqueuer.queue('rollout').getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
    expect(jobs.filter((j) => j.data.service === 'search')).toHaveLength(1);
  });

  it('a delayed job (a release expiry) is scheduled, not run at once', async () => {
    const result = await enqueuer.enqueue(
      { kind: 'release', action: 'expire', origin: { channel: 'C_DEPLOY', user: 'U_ALICE' }, env: 'prod', approvalId: 'a1' },
      'expire-a1',
      60_000,
    );
    expect(result.created).toBe(true);
    expect(await (await enqueuer.queue('release').getJob(result.jobId))?.getState()).toBe('delayed');
  });

  it('still enqueues once after Redis forgot its scripts (SCRIPT FLUSH under a live connection)', async () => {
    await stats.script('FLUSH');
    const first = await enqueuer.enqueue(rollout('ledger'), 'trigger-4');
    const retry = await enqueuer.enqueue(rollout('ledger'), 'trigger-4');
    expect([first.created, retry.created]).toEqual([true, false]);
    const jobs = await enqueuer.queue('rollout').getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']);
    expect(jobs.filter((j) => j.data.service === 'ledger')).toHaveLength(1);
  });
});
