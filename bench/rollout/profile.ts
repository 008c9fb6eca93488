import { join } from 'node:path';
import type { ProgressSnapshot } from '../../src/core/progress.js';
import { git } from '../../src/core/flux/git.js';
import { locateServiceFile } from '../../src/core/flux/locate.js';
import { GitObjectStore } from '../../src/core/flux/git-object-store.js';
import { median, ms, percentile, sum } from '../support/stats.js';
import { formatTable } from '../support/table.js';
import type { BenchService } from './flux-fixture.js';
import { gitProcessTimes, withGitTrace, type GitProcessTime } from './git-trace.js';
import type { RollbotVariant, RolloutJob, Variant } from './variants.js';

/** Rollbot's steps from the Reporter snapshots of the measured runs (startedAt/finishedAt, ms clock). */
/** The median duration of the push step in these snapshots. */
export function pushMedian(snapshots: ProgressSnapshot[]): number {
  return median(
    snapshots.map((snap) => {
      const step = snap.steps.find((s) => s.id === 'push');
      return step?.startedAt !== undefined && step.finishedAt !== undefined ? step.finishedAt - step.startedAt : 0;
    }),
  );
}

export function stepTable(snapshots: ProgressSnapshot[], totals: number[]): string {
  const ids = snapshots[0]?.steps.map((s) => s.id) ?? [];
  const durations = (id: string) =>
    snapshots.map((snap) => {
      const step = snap.steps.find((s) => s.id === id);
      return step?.startedAt !== undefined && step.finishedAt !== undefined ? step.finishedAt - step.startedAt : 0;
    });
  // Steps are stamped with the ms clock (Date.now); clamp the sub-ms rounding noise.
  const outside = totals.map((t, i) => Math.max(0, t - sum(ids.map((id) => durations(id)[i]!))));
  const total = median(totals);
  const row = (label: string, values: number[]) => [label, ms(median(values)), ms(percentile(values, 90)), `${((median(values) / total) * 100).toFixed(0)}%`];
  const labels: Record<string, string> = {
    locate: 'locate (fetch unless the head was seen < 5 s ago; file index; reads via cat-file; YAML parse)',
    commit: 'commit (blob, trees on the path, commit: pipelined through hash-object)',
  };
  return formatTable(
    ['rollbot step (Reporter snapshots)', 'median ms', 'p90 ms', 'of median total'],
    [...ids.map((id) => row(labels[id] ?? id, durations(id))), row('outside steps (lock, setup, result)', outside), row('total', totals)],
  );
}

export interface TracedRuns {
  variant: Variant;
  runs: Array<{ wallMs: number; git: GitProcessTime[] }>;
}

/** Runs each variant a few times with git trace2 on: what each git process costs, per variant. */
export async function traceVariants(variants: Variant[], jobs: RolloutJob[], traceDir: string): Promise<TracedRuns[]> {
  const traced: TracedRuns[] = variants.map((variant) => ({ variant, runs: [] }));
  for (const [i, job] of jobs.entries()) {
    for (const [v, t] of traced.entries()) {
      const file = join(traceDir, `trace-${v}-${i}.jsonl`);
      const started = performance.now();
      await withGitTrace(file, () => t.variant.run(job));
      t.runs.push({ wallMs: performance.now() - started, git: await gitProcessTimes(file) });
    }
  }
  return traced;
}

export function gitTable(traced: TracedRuns[]): string {
  const labels: string[] = [];
  for (const t of traced) for (const run of t.runs) for (const p of run.git) if (!labels.includes(p.label)) labels.push(p.label);
  const cell = (t: TracedRuns, pick: (run: TracedRuns['runs'][number]) => number[]) => {
    const perRun = t.runs.map((run) => pick(run));
    const count = median(perRun.map((values) => values.length));
    return count === 0 ? '' : `${ms(median(perRun.map(sum)))}${count > 1 ? ` (x${count})` : ''}`;
  };
  const rows = labels.map((label) => [label, ...traced.map((t) => cell(t, (run) => run.git.filter((p) => p.label === label).map((p) => p.ms)))]);
  const gitSum = (t: TracedRuns) => t.runs.map((run) => sum(run.git.map((p) => p.ms)));
  const wall = (t: TracedRuns) => t.runs.map((run) => run.wallMs);
  rows.push(
    ['= git time, all processes', ...traced.map((t) => ms(median(gitSum(t))))],
    ['git processes per rollout', ...traced.map((t) => String(median(t.runs.map((r) => r.git.length))))],
    ['wall time of the traced run', ...traced.map((t) => ms(median(wall(t))))],
    ['outside git (spawn, Node, JS, bash/grep/sed)', ...traced.map((t) => ms(median(t.runs.map((r, i) => r.wallMs - gitSum(t)[i]!))))],
  );
  return formatTable(['git process (trace2, median ms per rollout)', ...traced.map((t) => t.variant.name)], rows);
}

async function timeMedian(times: number, fn: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return median(samples);
}

/** Rollbot's pieces called directly on its warm clone (read-only for the repo: sync, locate, spawn). */
export async function microTable(rollbot: RollbotVariant, inline: BenchService, values: BenchService): Promise<string> {
  const workspace = rollbot.engine.workspace(rollbot.env);
  const dir = workspace.dir;
  const tree = workspace.tree(await workspace.sync());
  const store = GitObjectStore.of(dir);
  const rows: Array<[string, number]> = [
    ['FluxWorkspace.sync() (nothing new to fetch)', await timeMedian(5, () => workspace.sync())],
    [`locateServiceFile, tag in HelmRelease (${inline.name})`, await timeMedian(5, () => locateServiceFile(tree, inline.name))],
    [`locateServiceFile, tag in values.yaml (${values.name})`, await timeMedian(5, () => locateServiceFile(tree, values.name))],
    [`read one file through cat-file --batch (${values.tagFile})`, await timeMedian(20, () => tree.read(values.tagFile))],
    ['write one blob through hash-object --stdin-paths', await timeMedian(20, () => store.write('blob', `bench ${Math.random()}\n`))],
    ['git grep -l <service> at the head (alone)', await timeMedian(5, () => tree.grep([values.name], ['*.yaml', '*.yml']))],
    ['git ls-tree -r (alone)', await timeMedian(5, () => git(['ls-tree', '-r', '-z', '--name-only', tree.commit], dir))],
    ['git rev-parse HEAD (one spawn via src git())', await timeMedian(20, () => git(['rev-parse', tree.commit], dir))],
    ['git --version (bare spawn via src git())', await timeMedian(20, () => git(['--version']))],
  ];
  return formatTable(['rollbot piece, called directly', 'median ms'], rows.map(([label, value]) => [label, ms(value)]));
}
