/**
 * `npm run bench`: the rollout, catalog and ack benches in one run, then a summary.
 * BENCH_ONLY=rollout|rollout-homelab|catalog|ack|batch|memory|live runs one of them. Timings live here, never in the tests.
 */
import { availableParallelism, loadavg } from 'node:os';
import { runAckBench } from './ack.bench.js';
import { runRolloutBench } from './rollout.bench.js';
import { runCatalogBench } from './catalog.bench.js';
import { runBatchBench } from './batch.bench.js';
import { runMemoryBench } from './memory.bench.js';
import { runLiveBench } from './live.bench.js';
import { formatGoals, heading, type BenchOutcome, type GoalCheck } from './support/table.js';

const BENCHES: Record<string, () => Promise<BenchOutcome>> = {
  rollout: () => runRolloutBench(),
  'rollout-homelab': () => runRolloutBench(console.log, 'homelab'),
  catalog: () => runCatalogBench(),
  ack: () => runAckBench(),
  batch: () => runBatchBench(),
  memory: () => runMemoryBench(),
  live: () => runLiveBench(),
};

const only = process.env.BENCH_ONLY;
if (only && !BENCHES[only]) {
  console.error(`BENCH_ONLY must be one of ${Object.keys(BENCHES).join(', ')}; got '${only}'.`);
  process.exit(2);
}
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`${availableParallelism()} CPUs; load average ${load()} at start (other processes on this machine skew timings).`);
const started = performance.now();
const summary: GoalCheck[] = [];
for (const [name, run] of Object.entries(BENCHES)) {
  if (!only || only === name) summary.push(...(await run()).goals);
}
console.log(heading('Summary'));
console.log(formatGoals(summary));
console.log(`  ${summary.filter((g) => g.met).length}/${summary.length} goals met (misses are reported, not failures).`);
console.log(`  load average ${load()} at the end`);
console.log(`  bench took ${((performance.now() - started) / 1000).toFixed(0)} s`);
