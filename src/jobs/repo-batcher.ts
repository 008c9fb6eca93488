import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-connection.js';
import type { EnvironmentConfig } from '../core/config/schema.js';
import type { Reporter } from '../core/progress.js';
import { applyBatch, type BatchReport } from '../core/rollout/rollout-batch.js';
import type { PreparedRollout, RolloutEngine, RolloutRequest, RolloutResult } from '../core/rollout/rollout-engine.js';
import { DEFAULT_PREFIX } from './queue-names.js';
import { RepoLease } from './repo-lease.js';

export interface RepoBatcherOptions {
  redis: RedisClient;
  engine: RolloutEngine;
  /** Lease lifetime without renewal: how long a killed worker keeps its repositories. */
  leaseMs?: number;
  /** How often a worker that wants a held repository asks again. */
  pollMs?: number;
  /** At most this many rollouts in one push. */
  maxBatch?: number;
  prefix?: string;
  onBatch?: (report: BatchReport & { repo: string; size: number }) => void;
  onLeaseLost?: (repo: string) => void;
}

interface Waiting {
  prepared: PreparedRollout;
  resolve(result: RolloutResult): void;
  reject(error: unknown): void;
  /** Its progress already says it waits for another worker. */
  toldWaiting?: boolean;
}

export interface BatcherStats {
  batches: number;
  pushes: number;
  rejected: number;
}

/** The Redis key of a Flux repository branch's lease (the same in every worker process). */
export function repoLeaseKey(env: Pick<EnvironmentConfig, 'fluxGitRepo' | 'branch'>, prefix = DEFAULT_PREFIX): string {
  const id = createHash('sha1').update(`${env.fluxGitRepo}\n${env.branch}`).digest('hex').slice(0, 16);
  return `${prefix}:repo-lease:${id}`;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Collects the rollouts this worker process is running, per Flux repository and branch, and applies
 * each repository's waiting rollouts together while holding its lease: one commit each, one push.
 * A job only awaits a promise while it waits, so a high rollout concurrency costs little. Other
 * repositories are drained at the same time, each under its own lease.
 */
export class RepoBatcher {
  private readonly waiting = new Map<string, Waiting[]>();
  private readonly draining = new Map<string, Promise<void>>();
  readonly stats: BatcherStats = { batches: 0, pushes: 0, rejected: 0 };
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly maxBatch: number;

  constructor(private readonly options: RepoBatcherOptions) {
    this.leaseMs = options.leaseMs ?? 15_000;
    this.pollMs = options.pollMs ?? 100;
    this.maxBatch = options.maxBatch ?? 200;
  }

  leaseKey(env: Pick<EnvironmentConfig, 'fluxGitRepo' | 'branch'>): string {
    return repoLeaseKey(env, this.options.prefix);
  }

  /** Same contract as RolloutEngine.rollout; bad input is refused at once, without waiting. */
  rollout(env: EnvironmentConfig, request: RolloutRequest, reporter: Reporter): Promise<RolloutResult> {
    // A dry run or a PR branch does not push to the environment's branch: nothing to batch.
    if (request.dryRun || request.branch) return this.options.engine.rollout(env, request, reporter);
    let prepared: PreparedRollout;
    try {
      prepared = this.options.engine.prepare(env, request, reporter);
    } catch (error) {
      return Promise.reject(error);
    }
    const key = this.leaseKey(env);
    return new Promise<RolloutResult>((resolve, reject) => {
      const list = this.waiting.get(key) ?? [];
      list.push({ prepared, resolve, reject });
      this.waiting.set(key, list);
      void this.drain(key, env.fluxGitRepo);
    });
  }

  /** Resolves once no repository is being drained (every batch taken so far has finished). */
  async idle(): Promise<void> {
    while (this.draining.size) await Promise.all(this.draining.values());
  }

  private drain(key: string, repo: string): Promise<void> {
    if (this.draining.has(key)) return this.draining.get(key)!;
    const running = this.drainLoop(key, repo).finally(() => {
      this.draining.delete(key);
      // A rollout that arrived while the loop was ending.
      if (this.waiting.get(key)?.length) void this.drain(key, repo);
      else this.waiting.delete(key);
    });
    this.draining.set(key, running);
    return running;
  }

  private async drainLoop(key: string, repo: string): Promise<void> {
    try {
      while (this.waiting.get(key)?.length) {
        const lease = new RepoLease(this.options.redis, key, this.leaseMs, () => this.options.onLeaseLost?.(repo));
        let acquired: boolean;
        try {
          acquired = await lease.tryAcquire();
        } catch {
          acquired = false; // Redis away: keep the jobs waiting; BullMQ keeps their locks meanwhile
        }
        if (!acquired) {
          for (const w of this.waiting.get(key) ?? []) {
            if (!w.toldWaiting) w.prepared.steps.note('locate', 'waiting: another worker is pushing to this repository');
            w.toldWaiting = true;
          }
          await sleep(this.pollMs * (0.5 + Math.random()));
          continue;
        }
        try {
          await this.runBatch(key, repo);
        } finally {
          await lease.release();
        }
        // Before taking the lease again, give a worker that polls for it a fair chance.
        if (this.waiting.get(key)?.length) await sleep(this.pollMs * (0.5 + Math.random()));
      }
    } catch (error) {
      // Not expected (each batch settles its own rollouts); never leave a job waiting forever.
      for (const w of this.waiting.get(key)?.splice(0) ?? []) w.reject(error);
    }
  }

  /** Takes what is waiting now; one batch per environment (each has its own clone). */
  private async runBatch(key: string, repo: string): Promise<void> {
    const list = this.waiting.get(key) ?? [];
    const taken = list.splice(0, this.maxBatch);
    const byEnv = new Map<string, Waiting[]>();
    for (const w of taken) byEnv.set(w.prepared.env.name, [...(byEnv.get(w.prepared.env.name) ?? []), w]);
    for (const group of byEnv.values()) {
      const settled = new Set<number>();
      try {
        const report = await applyBatch(
          this.options.engine,
          group.map((w) => w.prepared),
          (i, outcome) => {
            if (settled.has(i)) return;
            settled.add(i);
            if (outcome.ok) group[i]!.resolve(outcome.result);
            else group[i]!.reject(outcome.error);
          },
        );
        this.stats.batches++;
        this.stats.pushes += report.pushes;
        this.stats.rejected += report.rejected;
        this.options.onBatch?.({ ...report, repo, size: group.length });
      } catch (error) {
        group.forEach((w, i) => settled.has(i) || (settled.add(i), w.reject(error)));
      }
      group.forEach((w, i) => settled.has(i) || w.reject(new Error('internal: a batched rollout ended without an outcome')));
    }
  }
}
