import { QueueEvents } from 'bullmq';
import type { RedisClient } from '../jobs/redis-connection.js';
import type { JobEnqueuer } from '../jobs/job-enqueuer.js';
import type { RollbotJobKind } from '../jobs/job-data.js';
import { DEFAULT_PREFIX, QUEUE_NAMES } from '../jobs/queue-names.js';
import { duplicateConnection } from '../jobs/redis-connection.js';
import { closeWithin } from '../jobs/close-within.js';
import type { RollbotMetrics } from './metrics.js';

/**
 * Job outcomes and durations, observed from the bot process through BullMQ's queue events, so one
 * /metrics endpoint covers every worker.
 */
export class JobMetricsCollector {
  private readonly events: QueueEvents[] = [];

  constructor(
    private readonly metrics: RollbotMetrics,
    private readonly enqueuer: JobEnqueuer,
    private readonly connection: RedisClient,
    private readonly prefix = DEFAULT_PREFIX,
  ) {}

  start(): this {
    for (const kind of Object.keys(QUEUE_NAMES) as RollbotJobKind[]) {
      const events = new QueueEvents(QUEUE_NAMES[kind], { connection: duplicateConnection(this.connection), prefix: this.prefix });
      events.on('completed', ({ jobId, returnvalue }) => void this.finished(kind, jobId, 'success', returnvalue));
      events.on('failed', ({ jobId }) => void this.finished(kind, jobId, 'failed'));
      events.on('error', () => undefined);
      this.events.push(events);
    }
    return this;
  }

  private async finished(kind: RollbotJobKind, jobId: string, outcome: string, returnvalue?: unknown): Promise<void> {
    this.metrics.jobs.inc({ kind, outcome });
    const attempts = (returnvalue as { pushAttempts?: number } | undefined)?.pushAttempts;
    if (typeof attempts === 'number' && attempts > 1) this.metrics.pushRetries.inc(attempts - 1);
    const job = await this.enqueuer.queue(kind).getJob(jobId).catch(() => undefined);
    if (job?.processedOn && job.finishedOn) this.metrics.jobSeconds.observe({ kind }, (job.finishedOn - job.processedOn) / 1000);
  }

  async close(): Promise<void> {
    await Promise.all(this.events.map((e) => closeWithin(() => e.close(), 5_000, () => e.disconnect())));
  }
}
