import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { ProgressSnapshot } from '../src/core/progress.js';
import { cachedFluxRepo, type BenchService } from './rollout/flux-fixture.js';
import { cachedHomelabRepo } from './rollout/homelab-fixture.js';
import { gitTable, microTable, pushMedian, stepTable, traceVariants } from './rollout/profile.js';
import { FloorVariant, RollbotVariant, ShellVariant, verifyRemote, type RolloutJob, type Variant } from './rollout/variants.js';
import { median, ms, percentile, ratio } from './support/stats.js';
import { formatGoals, formatTable, heading, type BenchOutcome, type GoalCheck } from './support/table.js';

const CACHE_DIR = join(dirname(fileURLToPath(import.meta.url)), '.cache');
const intEnv = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

/** A different service per job, alternating HelmRelease-inline and values.yaml services. */
function jobsFor(services: BenchService[], count: number, offset: number): RolloutJob[] {
  return Array.from({ length: count }, (_, i) => {
    const service = services[(37 + (offset + i) * 97) % services.length]!;
    const sha = randomBytes(20).toString('hex');
    const pr = 1000 + offset + i;
    return { service, pr, sha, tag: `ps-${pr}-${sha.slice(0, 7)}` };
  });
}

/**
 * `fluxcd`: 2,000 services laid out like the fluxcd examples. `homelab`: ~500 app-template
 * HelmReleases with init containers, sidecars, digests and multi-document files (the richer finder).
 */
export async function runRolloutBench(log: (line: string) => void = console.log, repo: 'fluxcd' | 'homelab' = 'fluxcd'): Promise<BenchOutcome> {
  const iterations = intEnv('BENCH_ROLLOUT_ITERATIONS', 15);
  const profileRuns = intEnv('BENCH_PROFILE_ITERATIONS', 5);
  const fixture = repo === 'homelab' ? await cachedHomelabRepo(CACHE_DIR) : await cachedFluxRepo(CACHE_DIR);
  const label = repo === 'homelab' ? 'home-lab ' : '';
  log(heading(`Rollout${repo === 'homelab' ? ' (home-lab repo)' : ''}: rollbot vs seed 000 shell path vs floor`));
  log(
    `Flux repo: ${fixture.services.length} services, ${fixture.fileCount} files, one commit ` +
      `(${fixture.generatedMs === null ? 'from cache' : `generated in ${ms(fixture.generatedMs)} ms`}); ` +
      `each variant has its own local bare remote and a warm clone; ${iterations} rounds, variants interleaved round-robin.`,
  );

  const root = await mkdtemp(join(tmpdir(), 'rollbot-bench-rollout-'));
  try {
    const remote = async (name: string) => {
      const path = join(root, `${name}-remote.git`);
      await execa('git', ['clone', '--quiet', '--bare', fixture.bareRepo, path]);
      return path;
    };
    const rollbot = new RollbotVariant(await remote('rollbot'), root);
    const shell = new ShellVariant(await remote('shell'), root);
    const floor = new FloorVariant(await remote('floor'), root);
    const fetching = new RollbotVariant(await remote('rollbot-fetching'), root, true);
    const variants: Variant[] = [rollbot, fetching, shell, floor];
    const [warmup] = jobsFor(fixture.services, 1, 0);
    for (const v of variants) await v.prepare(warmup!);

    const jobs = jobsFor(fixture.services, iterations, 1);
    const times = new Map<Variant, number[]>(variants.map((v) => [v, []]));
    const snapshots: ProgressSnapshot[] = [];
    for (const [i, job] of jobs.entries()) {
      const order = variants.map((_, k) => variants[(i + k) % variants.length]!);
      for (const v of order) {
        const started = performance.now();
        const snapshot = await v.run(job);
        times.get(v)!.push(performance.now() - started);
        if (snapshot && v === rollbot) snapshots.push(snapshot);
      }
    }

    const med = (v: Variant) => median(times.get(v)!);
    log(
      '\n' +
        formatTable(
          ['variant', 'median ms', 'p90 ms', 'min ms', 'vs shell path', 'vs floor'],
          variants.map((v) => {
            const t = times.get(v)!;
            return [v.name, ms(med(v)), ms(percentile(t, 90)), ms(Math.min(...t)), ratio(med(v), med(shell)), ratio(med(v), med(floor))];
          }),
        ),
    );
    const goals: GoalCheck[] = [
      {
        goal: `${label}rollout <= 0.35x the shell path`,
        met: med(rollbot) <= 0.35 * med(shell),
        measured:
          `${ratio(med(rollbot), med(shell))} (${ms(med(rollbot))} vs ${ms(med(shell))} ms)` +
          (med(rollbot) <= 0.35 * med(shell) ? '' : `; missed by ${ms(med(rollbot) - 0.35 * med(shell))} ms: 0.35x is ${ms(0.35 * med(shell))} ms and the push alone takes ${ms(pushMedian(snapshots))} ms (the shell path is only ${ratio(med(shell), med(floor))} the floor on this repo)`),
      },
      { goal: `${label}rollout <= 0.8x the floor`, met: med(rollbot) <= 0.8 * med(floor), measured: `${ratio(med(rollbot), med(floor))} (${ms(med(rollbot))} vs ${ms(med(floor))} ms)${med(rollbot) <= 0.8 * med(floor) ? '' : `; the push alone is ${ms(pushMedian(snapshots))} ms of it`}` },
    ];
    log(formatGoals(goals));

    log('\nWhere rollbot\'s time goes:\n' + stepTable(snapshots, times.get(rollbot)!));
    const traced = await traceVariants(variants, jobsFor(fixture.services, profileRuns, 1 + iterations), root);
    log(`\nGit processes, from git trace2 (${profileRuns} extra traced rounds; trace2 adds a little to every process; rollbot's long-lived cat-file/hash-object pipes, started once per clone, are not in it):\n` + gitTable(traced));
    const inline = fixture.services.find((s) => s.home === 'helmrelease')!;
    const values = fixture.services.find((s) => s.home === 'values') ?? fixture.services[1]!;
    log('\n' + (await microTable(rollbot, inline, values)));

    const problems = (await Promise.all(variants.map((v) => verifyRemote(v, [warmup!, ...jobs])))).flat();
    log(problems.length ? `\nVERIFY FAILED:\n  ${problems.join('\n  ')}` : `\nVerified: every variant's remote holds every job's tag in the right file.`);
    return { goals };
  } finally {
    if (!process.env.BENCH_KEEP) await rm(root, { recursive: true, force: true });
    else log(`(kept ${root})`);
  }
}
