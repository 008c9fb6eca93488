import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * rollbot's Prometheus metrics. One registry per process, so tests and local mode (several apps in
 * one process) do not collide.
 */
export class RollbotMetrics {
  readonly registry = new Registry();
  readonly commands = new Counter({
    name: 'rollbot_commands_received_total',
    help: 'Commands received, by kind and door (slash, mention, dm, action)',
    labelNames: ['kind', 'source'] as const,
    registers: [this.registry],
  });
  readonly ackSeconds = new Histogram({
    name: 'rollbot_ack_duration_seconds',
    help: 'Time from receiving a Slack request to answering it',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3],
    registers: [this.registry],
  });
  readonly jobs = new Counter({
    name: 'rollbot_jobs_total',
    help: 'Finished jobs by kind and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly jobSeconds = new Histogram({
    name: 'rollbot_job_duration_seconds',
    help: 'Job run time, by kind',
    labelNames: ['kind'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });
  readonly pushRetries = new Counter({
    name: 'rollbot_git_push_retries_total',
    help: 'Pushes retried because someone else pushed first',
    registers: [this.registry],
  });
  readonly approvalsPending: Gauge;

  constructor(options: { defaultMetrics?: boolean; pendingApprovals?: () => Promise<number> } = {}) {
    const count = options.pendingApprovals;
    this.approvalsPending = new Gauge({
      name: 'rollbot_approvals_pending',
      help: 'Release requests waiting for approval',
      registers: [this.registry],
      async collect() {
        if (count) this.set(await count().catch(() => 0));
      },
    });
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'rollbot_' });
  }
}
