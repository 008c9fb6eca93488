import { createHash, randomUUID } from 'node:crypto';
import { duplicateConnection, type RedisClient } from './redis-connection.js';
import type { EnvironmentConfig } from '../core/config/schema.js';
import type { Reporter } from '../core/progress.js';
import { applyBatch, type BatchReport } from '../core/rollout/rollout-batch.js';
import type { PreparedRollout, RolloutEngine, RolloutRequest, RolloutResult } from '../core/rollout/rollout-engine.js';
import { DEFAULT_PREFIX } from './queue-names.js';
import { RepoLease } from './repo-lease.js';
import { deserializeError, plainRequest, serializeError, type HandoffEntry, type HandoffOutcome, type NumberedSnapshot } from './handoff/handoff-codec.js';
import { RepoHandoff, type HandoffMessage } from './handoff/repo-handoff.js';

export interface RepoBatcherOptions {
  redis: RedisClient;
  engine: RolloutEngine;
  /**
   * This worker's environments by name. With it, workers share batches: one that cannot get a
   * repository's lease hands its waiting rollouts to the holder through Redis, and the holder takes
   * other workers' rollouts of that repository into its own batches. Without it, a batch holds only
   * this process's rollouts.
   */
  environment?: (name: string) => EnvironmentConfig | undefined;
  /** Lease lifetime without renewal: how long a killed worker keeps its repositories. */
  leaseMs?: number;
  /** How often a worker that wants a held repository asks again (and checks on rollouts it handed off). */
  pollMs?: number;
  /** At most this many rollouts in one push. */
  maxBatch?: number;
  prefix?: string;
  onBatch?: (report: BatchReport & { repo: string; size: number; handedIn: number }) => void;
  onLeaseLost?: (repo: string) => void;
}

interface Waiting {
  prepared: PreparedRollout;
  /** Where relayed progress goes while another worker applies it. */
  reporter: Reporter;
  resolve(result: RolloutResult): void;
  reject(error: unknown): void;
  /** Its progress already says it waits for another worker. */
  toldWaiting?: boolean;
  /** Applied here only: no request id, a subject function, or a holder declined it. */
  keepHere?: boolean;
  /** Another worker's rollout, taken from Redis: its outcome goes back there. */
  handedIn?: boolean;
}

/** A rollout of this worker that waits in Redis or is being applied by the lease holder. */
interface Handed {
  id: string;
  key: string;
  repo: string;
  channel: string;
  entry: HandoffEntry;
  waiting: Waiting;
  /** The number of the last relayed snapshot (older ones that arrive late are dropped). */
  seen: number;
}

export interface BatcherStats {
  batches: number;
  pushes: number;
  rejected: number;
  /** Rollouts this worker handed to the lease holder (a re-handoff after a holder died counts again). */
  handedOut: number;
  /** Other workers' rollouts this worker applied in its batches. */
  handedIn: number;
}

/** The Redis key of a Flux repository branch's lease (the same in every worker process). */
export function repoLeaseKey(env: Pick<EnvironmentConfig, 'fluxGitRepo' | 'branch'>, prefix = DEFAULT_PREFIX): string {
  const id = createHash('sha1').update(`${env.fluxGitRepo}\n${env.branch}`).digest('hex').slice(0, 16);
  return `${prefix}:repo-lease:${id}`;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const WAITING_NOTE = 'waiting: another worker is pushing to this repository';

/**
 * Applies rollouts per Flux repository and branch in batches, under the repository's lease: one
 * commit each, one push. A job only awaits a promise while it waits, so a high rollout concurrency
 * costs little. Other repositories are drained at the same time, each under its own lease.
 *
 * Across workers (with `environment`): a worker that cannot get the lease puts its waiting rollouts
 * on the repository's handoff list in Redis and relays the progress the holder publishes to its own
 * reporter; the holder takes them into its batches, so all workers' waiting rollouts go in one push.
 * The owner stays responsible: if the holder dies before writing an outcome (its lease runs out or
 * changes hands), the owner hands the rollout on to the new holder or, holding the lease itself,
 * applies it; the Rollbot-Request trailer makes a commit that already landed found, not doubled.
 */
export class RepoBatcher {
  private readonly waiting = new Map<string, Waiting[]>();
  private readonly draining = new Map<string, Promise<void>>();
  private readonly handed = new Map<string, Handed>();
  private readonly handedByChannel = new Map<string, Handed>();
  private readonly writes = new Set<Promise<unknown>>();
  private readonly handoff?: RepoHandoff;
  private subscriber?: RedisClient;
  private closed = false;
  private readonly instanceId = randomUUID();
  readonly stats: BatcherStats = { batches: 0, pushes: 0, rejected: 0, handedOut: 0, handedIn: 0 };
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly maxBatch: number;

  constructor(private readonly options: RepoBatcherOptions) {
    this.leaseMs = options.leaseMs ?? 15_000;
    this.pollMs = options.pollMs ?? 100;
    this.maxBatch = options.maxBatch ?? 200;
    if (options.environment) this.handoff = new RepoHandoff(options.redis);
  }

  leaseKey(env: Pick<EnvironmentConfig, 'fluxGitRepo' | 'branch'>): string {
    return repoLeaseKey(env, this.options.prefix);
  }

  /** Same contract as RolloutEngine.rollout; bad input is refused at once, without waiting. */
  rollout(env: EnvironmentConfig, request: RolloutRequest, reporter: Reporter): Promise<RolloutResult> {
    // A dry run or a PR branch does not push to the environment's branch: nothing to batch.
    if (request.dryRun || request.branch) return this.options.engine.rollout(env, request, reporter);
    if (this.closed) return Promise.reject(new Error('internal: the rollout batcher is closed (the worker is stopping)'));
    let prepared: PreparedRollout;
    try {
      prepared = this.options.engine.prepare(env, request, reporter);
    } catch (error) {
      return Promise.reject(error);
    }
    const key = this.leaseKey(env);
    return new Promise<RolloutResult>((resolve, reject) => {
      this.enqueue(key, { prepared, reporter, resolve, reject, keepHere: !plainRequest(request) });
      void this.drain(key, env.fluxGitRepo);
    });
  }

  /** Resolves once no repository is being drained (every batch taken so far has finished). */
  async idle(): Promise<void> {
    while (this.draining.size || this.writes.size) {
      await Promise.all(this.draining.values());
      await Promise.allSettled(this.writes);
    }
  }

  /**
   * Stops: no more polling or taking, and the subscriber connection closes. Call after the worker
   * closed (its jobs finished, or their locks were given up for another worker to recover them).
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled(this.writes);
    this.subscriber?.disconnect();
    this.subscriber = undefined;
  }

  private enqueue(key: string, w: Waiting, front = false): void {
    const list = this.waiting.get(key) ?? [];
    if (front) list.unshift(w);
    else list.push(w);
    this.waiting.set(key, list);
  }

  private handedOf(key: string): Handed[] {
    return [...this.handed.values()].filter((h) => h.key === key);
  }

  private pending(key: string): number {
    return (this.waiting.get(key)?.length ?? 0) + this.handedOf(key).length;
  }

  private drain(key: string, repo: string): Promise<void> {
    if (this.draining.has(key)) return this.draining.get(key)!;
    const running = this.drainLoop(key, repo).finally(() => {
      this.draining.delete(key);
      // A rollout that arrived (or came back from a holder) while the loop was ending.
      if (this.pending(key) && !this.closed) void this.drain(key, repo);
      else this.waiting.delete(key);
    });
    this.draining.set(key, running);
    return running;
  }

  private async drainLoop(key: string, repo: string): Promise<void> {
    try {
      while (!this.closed && this.pending(key)) {
        const lease = new RepoLease(this.options.redis, key, this.leaseMs, () => this.options.onLeaseLost?.(repo));
        let acquired: boolean;
        try {
          acquired = await lease.tryAcquire();
        } catch {
          acquired = false; // Redis away: keep the jobs waiting; BullMQ keeps their locks meanwhile
        }
        if (!acquired) {
          await this.whileHeldElsewhere(key, repo);
          await sleep(this.pollMs * (0.5 + Math.random()));
          continue;
        }
        try {
          // Holding the lease, drain everything that waits for the repository, from any worker.
          while ((await this.runBatch(key, repo, lease)) > 0 && lease.held && (await this.moreWaiting(key)));
        } finally {
          // Outcomes are in Redis before the lease goes: an owner that sees the lease free finds them.
          await Promise.allSettled(this.writes);
          await lease.release();
        }
        // Before taking the lease again, give a worker that polls for it a fair chance (and never spin).
        if (this.pending(key)) await sleep(this.pollMs * (0.5 + Math.random()));
      }
    } catch (error) {
      // Not expected (each batch settles its own rollouts); never leave a job waiting forever.
      for (const w of this.waiting.get(key)?.splice(0) ?? []) w.reject(error);
      for (const h of this.handedOf(key)) {
        this.unhand(h);
        h.waiting.reject(error);
      }
    }
  }

  private async moreWaiting(key: string): Promise<boolean> {
    if (this.waiting.get(key)?.length) return true;
    return (await this.handoff?.waiting(key).catch(() => false)) ?? false;
  }

  /** Another worker holds the lease: hand it what waits here, and look after what was handed before. */
  private async whileHeldElsewhere(key: string, repo: string): Promise<void> {
    const list = this.waiting.get(key) ?? [];
    for (const w of list) {
      if (!w.toldWaiting) w.prepared.steps.note('locate', WAITING_NOTE);
      w.toldWaiting = true;
    }
    if (!this.handoff) return;
    try {
      await this.handOut(key, repo, list.filter((w) => !w.keepHere));
      const orphans = await this.checkHanded(key);
      if (orphans.length === 0) return;
      // Its taker stopped without an outcome; whoever holds the lease now takes it from the list.
      await this.handoff.untake(key, orphans.map((h) => h.id));
      await this.handoff.put(key, orphans.map((h) => h.entry), true);
      this.stats.handedOut += orphans.length;
      for (const h of orphans) h.waiting.prepared.steps.note('locate', 'waiting: the worker that took this rollout stopped; handed to the next one');
    } catch {
      // Redis away for a moment: the next poll tries again.
    }
  }

  private async handOut(key: string, repo: string, ws: Waiting[]): Promise<void> {
    if (ws.length === 0 || !this.handoff) return;
    const list = this.waiting.get(key) ?? [];
    const handed = ws.map((waiting): Handed => {
      list.splice(list.indexOf(waiting), 1);
      const id = randomUUID();
      const entry: HandoffEntry = { id, owner: this.instanceId, env: waiting.prepared.env.name, request: plainRequest(waiting.prepared.request)! };
      return { id, key, repo, channel: this.handoff!.channel(key, id), entry, waiting, seen: 0 };
    });
    for (const h of handed) {
      this.handed.set(h.id, h);
      this.handedByChannel.set(h.channel, h);
    }
    try {
      // Subscribed before the entries are visible, so no progress is missed.
      await this.subscriberConnection().subscribe(...handed.map((h) => h.channel));
      await this.handoff.put(key, handed.map((h) => h.entry));
      this.stats.handedOut += handed.length;
    } catch (error) {
      for (const h of handed) {
        this.unhand(h);
        this.enqueue(key, h.waiting, true);
      }
      throw error;
    }
  }

  private subscriberConnection(): RedisClient {
    if (!this.subscriber) {
      this.subscriber = duplicateConnection(this.options.redis);
      this.subscriber.on('message', (channel: string, message: string) => this.onMessage(channel, message));
    }
    return this.subscriber;
  }

  private onMessage(channel: string, message: string): void {
    // Unknown: settled already, or taken back after its holder died; a late word is ignored.
    const h = this.handedByChannel.get(channel);
    if (!h) return;
    let parsed: HandoffMessage;
    try {
      parsed = JSON.parse(message) as HandoffMessage;
    } catch {
      return;
    }
    try {
      if (parsed.t === 'p') this.relay(h, parsed);
      else if (parsed.t === 'd') this.settleHanded(h, parsed.r);
    } catch {
      // A reporter that throws must not break the subscriber's event loop; the job settles on its own.
    }
  }

  /**
   * Settles the handed-off rollouts whose outcome is in Redis (a missed message) and returns those
   * whose taker stopped without one (still registered as handed off; the caller decides).
   */
  private async checkHanded(key: string): Promise<Handed[]> {
    const mine = this.handedOf(key);
    if (mine.length === 0 || !this.handoff) return [];
    const states = await this.handoff.states(key, mine.map((h) => h.id));
    const orphans: Handed[] = [];
    states.forEach((state, i) => {
      const h = mine[i]!;
      if (!this.handed.has(h.id)) return; // settled by its message meanwhile
      if (state.kind === 'result') this.settleHanded(h, state.outcome);
      else if (state.kind === 'orphaned') orphans.push(h);
    });
    return orphans;
  }

  private relay(h: Handed, numbered: NumberedSnapshot): void {
    if (numbered.n <= h.seen) return;
    h.seen = numbered.n;
    h.waiting.reporter.progress(numbered.s);
  }

  private settleHanded(h: Handed, outcome: HandoffOutcome): void {
    if (!this.handed.has(h.id)) return;
    this.unhand(h);
    void this.handoff?.forget(h.key, h.id).catch(() => undefined);
    try {
      if (outcome.last && !('declined' in outcome)) this.relay(h, outcome.last);
    } catch {
      // The reporter failed; the outcome still settles the job.
    }
    if ('declined' in outcome) {
      h.waiting.keepHere = true;
      this.enqueue(h.key, h.waiting, true);
      void this.drain(h.key, h.repo);
    } else if (outcome.ok) h.waiting.resolve(outcome.result);
    else h.waiting.reject(deserializeError(outcome.error));
  }

  private unhand(h: Handed): void {
    this.handed.delete(h.id);
    this.handedByChannel.delete(h.channel);
    void this.subscriber?.unsubscribe(h.channel).catch(() => undefined);
  }

  private track(write: Promise<unknown>): void {
    const tracked = write.catch(() => undefined).finally(() => this.writes.delete(tracked));
    this.writes.add(tracked);
  }

  /** Another worker's rollout, prepared here; its progress and outcome go back through Redis. */
  private adopt(key: string, entry: HandoffEntry): Waiting | undefined {
    const handoff = this.handoff!;
    const env = this.options.environment?.(entry.env);
    if (!env || this.leaseKey(env) !== key) {
      this.track(handoff.finish(key, entry.id, { declined: `this worker has no environment '${entry.env}' on this repository` }));
      return undefined;
    }
    let last: NumberedSnapshot | undefined;
    const reporter: Reporter = {
      progress: (s) => {
        last = { n: (last?.n ?? 0) + 1, s };
        this.track(handoff.progress(key, entry.id, last));
      },
    };
    const finish = (outcome: HandoffOutcome) => this.track(handoff.finish(key, entry.id, { ...outcome, last }));
    let prepared: PreparedRollout;
    try {
      prepared = this.options.engine.prepare(env, entry.request, reporter);
    } catch (error) {
      finish({ ok: false, error: serializeError(error) });
      return undefined;
    }
    return {
      prepared,
      reporter,
      handedIn: true,
      resolve: (result) => finish({ ok: true, result }),
      reject: (error) => finish({ ok: false, error: serializeError(error) }),
    };
  }

  /** This worker's rollouts and those handed to it through Redis, up to maxBatch. */
  private async take(key: string, lease: RepoLease): Promise<Waiting[]> {
    const taken = (this.waiting.get(key) ?? []).splice(0, this.maxBatch);
    return [...taken, ...(await this.takeHandedIn(key, lease, this.maxBatch - taken.length))];
  }

  /**
   * What waits in Redis for this repository (other workers' rollouts, and this worker's own that
   * nobody took yet), plus this worker's rollouts whose taker stopped without an outcome.
   */
  private async takeHandedIn(key: string, lease: RepoLease, room: number): Promise<Waiting[]> {
    if (!this.handoff || !lease.held) return [];
    const taken: Waiting[] = [];
    try {
      for (const entry of await this.handoff.take(key, lease.token, room)) {
        const own = this.handed.get(entry.id);
        if (own && entry.owner === this.instanceId) {
          this.unhand(own);
          void this.handoff.forget(key, entry.id).catch(() => undefined);
          taken.push(own.waiting);
          continue;
        }
        const adopted = this.adopt(key, entry);
        if (adopted) taken.push(adopted);
      }
      // Handed off before and taken by a worker that stopped: holding the lease, apply them here.
      for (const h of await this.checkHanded(key)) {
        this.unhand(h);
        void this.handoff.forget(key, h.id).catch(() => undefined);
        taken.push(h.waiting);
      }
    } catch {
      // Redis away for a moment: what was taken is settled; the rest waits for the next batch.
    }
    return taken;
  }

  /** Takes what is waiting now; one batch per environment (each has its own clone). Returns how many it took. */
  private async runBatch(key: string, repo: string, lease: RepoLease): Promise<number> {
    const taken = await this.take(key, lease);
    const byEnv = new Map<string, Waiting[]>();
    for (const w of taken) byEnv.set(w.prepared.env.name, [...(byEnv.get(w.prepared.env.name) ?? []), w]);
    for (const group of byEnv.values()) {
      const settled = new Set<number>();
      const envName = group[0]!.prepared.env.name;
      // After the fetch: rollouts handed in meanwhile join this push (other environments: the next batch).
      const more = async (): Promise<PreparedRollout[]> => {
        const late = await this.takeHandedIn(key, lease, this.maxBatch - group.length);
        const here = late.filter((w) => w.prepared.env.name === envName);
        for (const w of late) if (w.prepared.env.name !== envName) this.enqueue(key, w, true);
        group.push(...here);
        return here.map((w) => w.prepared);
      };
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
          { more },
        );
        const handedIn = group.filter((w) => w.handedIn).length;
        this.stats.batches++;
        this.stats.pushes += report.pushes;
        this.stats.rejected += report.rejected;
        this.stats.handedIn += handedIn;
        this.options.onBatch?.({ ...report, repo, size: group.length, handedIn });
      } catch (error) {
        group.forEach((w, i) => settled.has(i) || (settled.add(i), w.reject(error)));
      }
      group.forEach((w, i) => settled.has(i) || w.reject(new Error('internal: a batched rollout ended without an outcome')));
    }
    return taken.length;
  }
}
