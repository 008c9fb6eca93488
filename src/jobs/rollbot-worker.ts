import { Worker, type Job } from 'bullmq';
import type { RedisClient } from './redis-connection.js';
import type { Logger } from 'pino';
import type { RollbotJobData, RollbotJobKind } from './job-data.js';
import type { JobProcessor, ProcessorTable } from './job-processor.js';
import type { JobReporterFactory } from './job-reporter.js';
import { DEFAULT_PREFIX, QUEUE_NAMES } from './queue-names.js';
import { closeWithin } from './close-within.js';

export interface WorkerOptions {
  connection: RedisClient;
  processors: ProcessorTable;
  reporting: JobReporterFactory;
  concurrency: number;
  /** Per-kind concurrency instead of `concurrency` (batched rollouts mostly wait, so they can be many). */
  concurrencyOf?: Partial<Record<RollbotJobKind, number>>;
  /** Cluster follow-ups per worker (they mostly wait on watches). */
  followConcurrency?: number;
  prefix?: string;
  /** How long a job's lock lives without renewal; a killed worker's job is recovered after it. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  logger?: Logger;
}

/** Consumes every queue and runs each job through its kind's processor. */
export class RollbotWorker {
  private readonly workers: Worker[] = [];

  constructor(private readonly options: WorkerOptions) {}

  start(): this {
    const o = this.options;
    for (const kind of Object.keys(QUEUE_NAMES) as RollbotJobKind[]) {
      const worker = new Worker<RollbotJobData>(QUEUE_NAMES[kind], (job) => this.process(job), {
        connection: o.connection,
        prefix: o.prefix ?? DEFAULT_PREFIX,
        // Batched rollouts and cluster follow-ups wait, not compute: many at once, without starving the rest.
        concurrency: o.concurrencyOf?.[kind] ?? (kind === 'follow' ? Math.max(o.concurrency, o.followConcurrency ?? 50) : o.concurrency),
        lockDuration: o.lockDurationMs ?? 30_000,
        stalledInterval: o.stalledIntervalMs ?? 30_000,
        // A job recovered after a crash runs again; processors are idempotent (request trailers, locks).
        maxStalledCount: 3,
      });
      worker.on('error', (error) => o.logger?.warn({ err: error.message, kind }, 'worker connection error'));
      worker.on('completed', (job) => o.logger?.info({ jobId: job.id, kind, ms: (job.finishedOn ?? 0) - (job.processedOn ?? 0) }, 'job completed'));
      worker.on('failed', (job, error) =>
        o.logger?.warn({ jobId: job?.id, kind, attempt: job?.attemptsMade, err: error.message }, 'job failed'),
      );
      this.workers.push(worker);
    }
    return this;
  }

  private async process(job: Job<RollbotJobData>): Promise<unknown> {
    const id = job.id!;
    const reporter = this.options.reporting.forJob({
      id,
      data: job.data,
      rememberMessage: async (ts) => {
        await job.updateData({ ...job.data, origin: { ...job.data.origin, messageTs: ts } });
      },
    });
    const attempt = { jobId: id, attempt: job.attemptsMade + 1, attempts: job.opts.attempts ?? 1 };
    this.options.logger?.info({ jobId: id, kind: job.data.kind, attempt: attempt.attempt, user: job.data.origin.user }, 'job started');
    const processor = this.options.processors[job.data.kind] as JobProcessor;
    return processor(job.data, attempt, reporter);
  }

  /** Lets running jobs finish for up to `graceMs`, then disconnects (their jobs are recovered as stalled). */
  async close(graceMs = 10_000): Promise<void> {
    await Promise.all(this.workers.map((w) => closeWithin(() => w.close(), graceMs, () => w.disconnect())));
  }
}
