import type { RedisClient } from '../jobs/redis-connection.js';
import type { JobEnqueuer } from '../jobs/job-enqueuer.js';
import type { RollbotJobKind } from '../jobs/job-data.js';
import { DEFAULT_PREFIX, QUEUE_NAMES } from '../jobs/queue-names.js';
import type { RollbotMetrics } from './metrics.js';

type StreamReply = Array<[key: string, entries: Array<[id: string, fields: string[]]>]> | null;

/** Events read per stream per XREAD; more are read in further calls of the same poll. */
const BATCH = 500;

/**
 * Job outcomes and durations, read from BullMQ's event streams by the bot process, so one /metrics
 * endpoint covers every worker. It polls (one non-blocking XREAD over every queue's stream, every
 * few seconds and before each scrape) instead of holding a blocking QueueEvents reader per queue:
 * those woke on every event, the "waiting" of each enqueue included, so every ack paid a read and a
 * new XREAD, and the bot held ten more Redis connections at idle.
 */
export class JobMetricsCollector {
  private readonly kinds = Object.keys(QUEUE_NAMES) as RollbotJobKind[];
  private readonly keys: string[];
  private readonly lastIds: string[];
  private timer?: NodeJS.Timeout;
  private started?: Promise<void>;
  private polling?: Promise<void>;

  constructor(
    private readonly metrics: RollbotMetrics,
    private readonly enqueuer: JobEnqueuer,
    /** The queues' connection (no key prefix): the streams are BullMQ's keys. */
    private readonly connection: RedisClient,
    prefix = DEFAULT_PREFIX,
    private readonly intervalMs = 5_000,
  ) {
    this.keys = this.kinds.map((kind) => `${prefix}:${QUEUE_NAMES[kind]}:events`);
    this.lastIds = this.kinds.map(() => '0-0');
  }

  /** Counts from now on: events already in the streams belong to earlier bot processes. */
  start(): this {
    this.started = Promise.all(
      this.keys.map(async (key, i) => {
        const [last] = (await this.connection.xrevrange(key, '+', '-', 'COUNT', 1)) as Array<[string, string[]]>;
        if (last) this.lastIds[i] = last[0];
      }),
    ).then(() => undefined);
    this.started.catch(() => undefined);
    this.timer = setInterval(() => void this.poll().catch(() => undefined), this.intervalMs);
    this.timer.unref();
    return this;
  }

  /** Reads what finished since the last poll; concurrent callers share one read. */
  poll(): Promise<void> {
    this.polling ??= this.read().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async read(): Promise<void> {
    await this.started;
    for (;;) {
      const reply = (await this.connection.xread('COUNT', BATCH, 'STREAMS', ...this.keys, ...this.lastIds)) as StreamReply;
      let full = false;
      for (const [key, entries] of reply ?? []) {
        const i = this.keys.indexOf(key);
        if (i < 0) continue;
        for (const [id, fields] of entries) {
          this.lastIds[i] = id;
          await this.record(this.kinds[i]!, fields);
        }
        if (entries.length === BATCH) full = true;
      }
      if (!full) return;
    }
  }

  private async record(kind: RollbotJobKind, fields: string[]): Promise<void> {
    const event: Record<string, string> = {};
    for (let f = 0; f + 1 < fields.length; f += 2) event[fields[f]!] = fields[f + 1]!;
    if (event.event !== 'completed' && event.event !== 'failed') return;
    this.metrics.jobs.inc({ kind, outcome: event.event === 'completed' ? 'success' : 'failed' });
    if (event.event === 'completed') {
      const attempts = (parseJson(event.returnvalue) as { pushAttempts?: number } | undefined)?.pushAttempts;
      if (typeof attempts === 'number' && attempts > 1) this.metrics.pushRetries.inc(attempts - 1);
    }
    const job = event.jobId ? await this.enqueuer.queue(kind).getJob(event.jobId).catch(() => undefined) : undefined;
    if (job?.processedOn && job.finishedOn) this.metrics.jobSeconds.observe({ kind }, (job.finishedOn - job.processedOn) / 1000);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.polling?.catch(() => undefined);
  }
}

function parseJson(text: string | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
