import { createHash } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import type { RedisClient } from './redis-connection.js';
import type { RollbotJobData, RollbotJobKind } from './job-data.js';
import { DEFAULT_PREFIX, QUEUE_NAMES } from './queue-names.js';
import { closeWithin } from './close-within.js';
import { addOnce } from './add-once.js';

export interface EnqueueResult {
  jobId: string;
  /** False when a job with this idempotency key already existed (a Slack retry, a double submit). */
  created: boolean;
}

/** Retries with backoff are for transient failures; processors mark user errors unrecoverable. */
const JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 5_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/** Short and stable: the same Slack request always maps to the same id (BullMQ ids may not contain ':'). */
export function jobIdFor(kind: RollbotJobKind, idempotencyKey: string): string {
  return `${kind}-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 12)}`;
}

/**
 * The bot's only door into the queues. The job id is derived from the request's idempotency key, so
 * the same Slack request delivered twice becomes one job.
 */
export class JobEnqueuer {
  private readonly queues = new Map<RollbotJobKind, Queue>();

  constructor(
    private readonly connection: RedisClient,
    private readonly prefix = DEFAULT_PREFIX,
    /** Sentinel: waits for replicas to hold the new job before the caller acks (see openRedis). */
    private readonly confirmWrites?: () => Promise<number>,
  ) {}

  queue(kind: RollbotJobKind): Queue {
    let queue = this.queues.get(kind);
    if (!queue) {
      queue = new Queue(QUEUE_NAMES[kind], { connection: this.connection, prefix: this.prefix });
      this.queues.set(kind, queue);
    }
    return queue;
  }

  /**
   * `delayMs` schedules the job (e.g. a release's expiry at its deadline). One round trip (addOnce:
   * the existence check and BullMQ's add written back to back), so the same Slack request delivered
   * twice (a retry, a double submit, two deliveries racing) makes one job, and the second is told
   * it was already queued.
   */
  async enqueue(data: RollbotJobData, idempotencyKey: string, delayMs?: number): Promise<EnqueueResult> {
    const jobId = jobIdFor(data.kind, idempotencyKey);
    const created = await addOnce(this.queue(data.kind), data.kind, data, { ...JOB_OPTIONS, jobId, ...(delayMs ? { delay: Math.max(0, delayMs) } : {}) });
    // A job only the master holds would vanish with it; a replica that lags past the wait still
    // gets it, so a slow replica delays the ack instead of refusing the command.
    if (this.confirmWrites) await this.confirmWrites();
    return { jobId, created };
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => closeWithin(() => q.close(), 5_000, () => q.disconnect())));
  }
}
