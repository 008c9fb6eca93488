import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { environmentOf, parseConfig } from '../src/core/config/load.js';
import type { EnvironmentConfig } from '../src/core/config/schema.js';
import { silentReporter } from '../src/core/progress.js';
import type { RolloutEngine, RolloutResult } from '../src/core/rollout/rollout-engine.js';
import { RepoBatcher } from '../src/jobs/repo-batcher.js';
import { RedisProcess } from '../src/local-mode/redis-process.js';
import { engineFor } from '../src/runtime/engine-factory.js';
import { BenchRemote, slowDownRemote } from './batch/remote.js';
import { cachedFluxRepo, type BenchService } from './rollout/flux-fixture.js';
import { median, ms } from './support/stats.js';
import { formatGoals, formatTable, heading, type BenchOutcome, type GoalCheck } from './support/table.js';

const CACHE_DIR = join(dirname(fileURLToPath(import.meta.url)), '.cache');
const intEnv = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

interface Job {
  service: BenchService;
  pr: number;
  sha: string;
  tag: string;
}

type Mode = 'batched' | 'batched, per worker' | 'one at a time';
/** BENCH_BATCH_SKIP_SINGLE=1 leaves out the one-at-a-time runs (the slow part) while iterating on batching. */
const MODES: Mode[] = ['batched', 'batched, per worker', ...(process.env.BENCH_BATCH_SKIP_SINGLE ? [] : ['one at a time' as const])];
type RemoteKind = 'local' | 'slow';

interface RunFigures {
  mode: Mode;
  remote: RemoteKind;
  seconds: number;
  pushes: number;
  retries: number;
  batches: number | null;
  /** Rollouts a worker applied for the other worker (shared batches). */
  handedIn: number | null;
  medianMs: number;
  /** Pushes per worker (batched). */
  pushesBy: number[];
  failures: string[];
}

/** A worker process's share of the machinery: its own data dir (clone), engine and, batched, a batcher. */
interface BenchWorker {
  env: EnvironmentConfig;
  engine: RolloutEngine;
  batcher?: RepoBatcher;
  redis?: Redis;
}

function jobsFor(services: BenchService[], count: number, offset: number): Job[] {
  return Array.from({ length: count }, (_, i) => {
    const service = services[(37 + (offset + i) * 97) % services.length]!;
    const sha = randomBytes(20).toString('hex');
    const pr = 5000 + offset + i;
    return { service, pr, sha, tag: `ps-${pr}-${sha.slice(0, 7)}` };
  });
}

/**
 * 100 rollouts of 100 services sent at once to one Flux repository, spread over `workers` worker
 * processes' worth of engines (separate clones), against a local remote and against a remote that
 * adds `delayMs` to every fetch and push. Batched: each worker's RepoBatcher, under the Redis
 * repository lease, shared across the workers (the holder takes the other's waiting rollouts) and, for
 * comparison, per worker (each batch holds only that worker's rollouts). One at a time: each rollout fetches, commits and pushes alone (rollbot before
 * batching), racing the other worker.
 */
export async function runBatchBench(log: (line: string) => void = console.log): Promise<BenchOutcome> {
  const count = intEnv('BENCH_BATCH_ROLLOUTS', 100);
  const workers = intEnv('BENCH_BATCH_WORKERS', 2);
  const delayMs = intEnv('BENCH_SLOW_REMOTE_MS', 300);
  const fixture = await cachedFluxRepo(CACHE_DIR);
  log(heading('Batch: 100 concurrent rollouts to one repository, batched vs one at a time'));
  log(
    `Flux repo: ${fixture.services.length} services, ${fixture.fileCount} files. ${count} rollouts of ${count} different services sent at once, ` +
      `over ${workers} workers (own clones); slow remote = +${delayMs} ms on every fetch and push (upload-pack/receive-pack wrappers). ` +
      `Each run has a fresh remote; clones are warm (one untimed rollout each).`,
  );
  const root = await mkdtemp(join(tmpdir(), 'rollbot-bench-batch-'));
  const redisServer = await new RedisProcess().start();
  const figures: RunFigures[] = [];
  try {
    let offset = 0;
    for (const remote of ['local', 'slow'] as RemoteKind[]) {
      for (const mode of MODES) {
        const jobs = jobsFor(fixture.services, count, (offset += count + workers));
        const warmups = jobsFor(fixture.services, workers, offset + count);
        const run = await runOnce({ mode, remote, jobs, warmups, workers, delayMs, root: join(root, `${remote}-${mode.replace(/ /g, '-')}`), fixture: fixture.bareRepo, redisUrl: redisServer.url });
        figures.push(run);
        const shared = run.handedIn !== null ? `, ${run.batches} batches (pushes by worker: ${run.pushesBy.join('/')}; ${run.handedIn} rollouts applied for the other worker)` : '';
        log(`  ${remote} remote, ${mode}: ${run.seconds.toFixed(1)} s, ${run.pushes} pushes, ${run.retries} retries${shared}${run.failures.length ? `, ${run.failures.length} FAILED` : ''}`);
      }
    }
  } finally {
    await redisServer.dispose();
    if (!process.env.BENCH_KEEP) await rm(root, { recursive: true, force: true });
    else log(`(kept ${root})`);
  }

  const none: RunFigures = { mode: 'one at a time', remote: 'local', seconds: NaN, pushes: NaN, retries: NaN, batches: null, handedIn: null, medianMs: NaN, pushesBy: [], failures: [] };
  const find = (mode: Mode, remote: RemoteKind) => figures.find((f) => f.mode === mode && f.remote === remote) ?? none;
  const rows: string[][] = [];
  for (const remote of ['local', 'slow'] as RemoteKind[]) {
    const b = find('batched', remote);
    const p = find('batched, per worker', remote);
    const s = find('one at a time', remote);
    rows.push(
      [`${remote} remote: seconds`, b.seconds.toFixed(2), p.seconds.toFixed(2), s.seconds.toFixed(2), `${(s.seconds / b.seconds).toFixed(1)}x faster`],
      [`${remote} remote: pushes`, String(b.pushes), String(p.pushes), String(s.pushes), `${(s.pushes / Math.max(1, b.pushes)).toFixed(0)}x fewer`],
      [`${remote} remote: retries (rejected pushes)`, String(b.retries), String(p.retries), String(s.retries), ''],
      [`${remote} remote: batches`, String(b.batches), String(p.batches), '-', ''],
      [`${remote} remote: median time to done, ms`, ms(b.medianMs), ms(p.medianMs), ms(s.medianMs), `${(s.medianMs / b.medianMs).toFixed(1)}x`],
    );
  }
  log('\n' + formatTable(['', 'batched (shared)', 'batched, per worker', 'one at a time', 'shared vs one at a time'], rows));
  const failures = figures.flatMap((f) => f.failures.map((x) => `${f.remote}/${f.mode}: ${x}`));
  log(failures.length ? `\nVERIFY FAILED:\n  ${failures.slice(0, 20).join('\n  ')}` : `\nVerified: every run's remote holds all ${count} tags, one new commit per rollout.`);
  const goal = (remote: RemoteKind, limit: number): GoalCheck => {
    const b = find('batched', remote);
    return {
      goal: `${count} rollouts batched, ${remote} remote <= ${limit} s`,
      met: b.seconds <= limit && b.failures.length === 0,
      measured: `${b.seconds.toFixed(1)} s, ${b.pushes} pushes (per-worker batches: ${find('batched, per worker', remote).pushes} pushes; one at a time: ${find('one at a time', remote).seconds.toFixed(1)} s, ${find('one at a time', remote).pushes} pushes)`,
    };
  };
  const goals = [goal('local', 10), goal('slow', 15)];
  log(formatGoals(goals));
  return { goals };
}

async function runOnce(o: {
  mode: Mode;
  remote: RemoteKind;
  jobs: Job[];
  warmups: Job[];
  workers: number;
  delayMs: number;
  root: string;
  fixture: string;
  redisUrl: string;
}): Promise<RunFigures> {
  const remote = await BenchRemote.create(o.fixture, o.root, 'remote');
  const pool: BenchWorker[] = [];
  for (let w = 0; w < o.workers; w++) {
    const config = parseConfig(
      { dataDir: join(o.root, `worker-${w}`), git: { pushAttempts: 20 }, environments: { bench: { fluxGitRepo: remote.path } } },
      join(o.root, `worker-${w}.yaml`),
    );
    const env = environmentOf(config, 'bench');
    const engine = engineFor(config);
    await engine.rollout(env, { service: o.warmups[w]!.service.name, pr: o.warmups[w]!.pr, sha: o.warmups[w]!.sha }, silentReporter);
    if (o.remote === 'slow') await slowDownRemote(engine.workspace(env).dir, o.root, o.delayMs);
    pool.push({ env, engine });
  }
  if (o.mode !== 'one at a time') {
    // Every worker its own Redis connection; one prefix, so they contend for one lease. Shared:
    // a worker without the lease hands its rollouts to the holder (as `rollbot worker` does).
    const prefix = `bench-${randomBytes(4).toString('hex')}`;
    for (const w of pool) {
      w.redis = new Redis(o.redisUrl);
      const environment = o.mode === 'batched' ? (name: string) => (name === w.env.name ? w.env : undefined) : undefined;
      w.batcher = new RepoBatcher({ redis: w.redis, engine: w.engine, prefix, environment });
    }
  }
  const pushesBefore = await remote.acceptedPushes();
  const commitsBefore = await remote.commitCount();

  const started = performance.now();
  const latencies: number[] = [];
  const settled = await Promise.allSettled(
    o.jobs.map(async (job, i) => {
      const w = pool[i % pool.length]!;
      const request = { service: job.service.name, pr: job.pr, sha: job.sha, requestId: `bench-${job.pr}` };
      const result: RolloutResult = w.batcher ? await w.batcher.rollout(w.env, request, silentReporter) : await w.engine.rollout(w.env, request, silentReporter);
      latencies.push(performance.now() - started);
      return result;
    }),
  );
  const seconds = (performance.now() - started) / 1000;

  const failures: string[] = [];
  let retries = 0;
  for (const [i, s] of settled.entries()) {
    const job = o.jobs[i]!;
    if (s.status === 'rejected') {
      const cause = (s.reason as { cause?: { result?: { stderr?: string; stdout?: string } } }).cause?.result;
      const detail = cause ? ` (git: ${`${cause.stdout ?? ''} ${cause.stderr ?? ''}`.replace(/\s+/g, ' ').trim().slice(0, 300)})` : '';
      failures.push(`${job.service.name}: ${(s.reason as Error).message}${detail}`);
    }
    else if (s.value.status !== 'updated' || s.value.file !== job.service.tagFile || s.value.tag !== job.tag) failures.push(`${job.service.name}: ${JSON.stringify(s.value)}`);
    else if (!pool[0]!.batcher) retries += s.value.pushAttempts - 1;
  }
  for (const w of pool) await w.batcher?.idle(); // its counters are final once its last batch returned
  if (pool[0]!.batcher) retries = pool.reduce((n, w) => n + w.batcher!.stats.rejected, 0);
  const batches = pool[0]!.batcher ? pool.reduce((n, w) => n + w.batcher!.stats.batches, 0) : null;
  const handedIn = pool[0]!.batcher ? pool.reduce((n, w) => n + w.batcher!.stats.handedIn, 0) : null;
  const pushesBy = pool.map((w) => w.batcher?.stats.pushes ?? 0);
  const pushes = (await remote.acceptedPushes()) - pushesBefore;
  const commits = (await remote.commitCount()) - commitsBefore;
  if (commits !== o.jobs.length) failures.push(`${commits} new commits for ${o.jobs.length} rollouts`);
  for (const job of o.jobs) if (!(await remote.show(job.service.tagFile)).includes(job.tag)) failures.push(`${job.service.tagFile} lacks ${job.tag}`);
  for (const w of pool) await w.batcher?.close();
  for (const w of pool) w.redis?.disconnect();
  return { mode: o.mode, remote: o.remote, seconds, pushes, retries, batches, handedIn, pushesBy, medianMs: median(latencies), failures };
}
