import { Redis } from 'ioredis';
import { UnrecoverableError, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobEnqueuer } from '../src/jobs/job-enqueuer.js';
import { QUEUE_NAMES } from '../src/jobs/queue-names.js';
import { RedisProcess } from '../src/local-mode/redis-process.js';
import { JobMetricsCollector } from '../src/ops/job-metrics.js';
import { RollbotMetrics } from '../src/ops/metrics.js';

const origin = { channel: 'C_DEPLOY', user: 'U_ALICE' };
const status = (service: string) => ({ kind: 'status' as const, origin, env: 'rdebug', service });

describe('job metrics read from the event streams by polling', () => {
  let server: RedisProcess;
  let connection: Redis;
  let enqueuer: JobEnqueuer;
  let worker: Worker;
  beforeAll(async () => {
    server = await new RedisProcess().start();
    connection = new Redis(server.url, { maxRetriesPerRequest: null });
    enqueuer = new JobEnqueuer(connection, 'metrics-test');
    worker = new Worker(
      QUEUE_NAMES.status,
      async (job) => {
        if (job.data.service === 'broken') throw new UnrecoverableError('no such service');
        return { pushAttempts: job.data.service === 'contended' ? 3 : 1 };
      },
      { connection: connection.duplicate(), prefix: 'metrics-test' },
    );
  });
  afterAll(async () => {
    await worker.close();
    await enqueuer.close();
    connection.disconnect();
    await server.dispose();
  });

  const finished = async (jobId: string) => {
    for (let i = 0; i < 100; i++) {
      const state = await (await enqueuer.queue('status').getJob(jobId))?.getState();
      if (state === 'completed' || state === 'failed') return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`${jobId} did not finish`);
  };

  it('counts outcomes, push retries and durations of jobs finished after it started, and nothing twice', async () => {
    await finished((await enqueuer.enqueue(status('before'), 'k-before')).jobId); // an earlier bot's business
    const metrics = new RollbotMetrics({ pendingApprovals: async () => 0 });
    const collector = new JobMetricsCollector(metrics, enqueuer, connection, 'metrics-test', 60_000).start();
    try {
      for (const [service, key] of [['papi', 'k1'], ['contended', 'k2'], ['broken', 'k3']] as const) {
        await finished((await enqueuer.enqueue(status(service), key)).jobId);
      }
      await Promise.all([collector.poll(), collector.poll()]);
      await collector.poll();
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/rollbot_jobs_total\{kind="status",outcome="success"\} 2/);
      expect(text).toMatch(/rollbot_jobs_total\{kind="status",outcome="failed"\} 1/);
      expect(text).toContain('rollbot_git_push_retries_total 2');
      expect(text).toMatch(/rollbot_job_duration_seconds_count\{kind="status"\} 3/);
    } finally {
      await collector.close();
    }
  });
});
