import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { startLocalMode, type LocalMode } from '../src/local-mode/local-mode.js';
import { DEMO_TIME_SCALE } from '../src/local-mode/demo-cluster.js';
import { freePort } from '../src/local-mode/redis-process.js';
import { blocksToText } from '../src/console/blocks-to-text.js';
import { percentile } from './support/stats.js';
import { formatTable, heading, type BenchOutcome } from './support/table.js';

/**
 * Time to live: `/rollout` in local mode (the emulated cluster on a ×10 clock) until the message says
 * live, with `reconcile: true` (rollbot asks Flux to sync) against Flux's default intervals alone
 * (GitRepository 1 m; kustomize-controller then follows the new artifact). Also the API load of one
 * followed rollout: watch requests, and list/get requests (there should be no polling).
 */
const ROUNDS = Number(process.env.BENCH_LIVE_ROUNDS ?? 4);

interface Sample {
  ms: number;
  watches: number;
  others: number;
}

async function rolloutToLive(local: LocalMode, pr: number, channel: string): Promise<Sample> {
  const kube = local.cluster!;
  const before = kube.requests.length;
  const started = performance.now();
  const seen = new Set(local.emulator.messages(channel).map((m) => m.ts));
  await local.user.slashCommand({ command: '/rollout', text: `papi ${pr}`, channel, user: 'U_ALICE' });
  const done = await local.emulator.waitFor(
    () => local.emulator.messages(channel).find((m) => !seen.has(m.ts) && m.source !== 'user' && /is live in rdebug|is not live/.test(blocksToText(m))),
    180_000,
  );
  const ms = performance.now() - started;
  if (!/is live in rdebug/.test(blocksToText(done))) throw new Error(`papi #${pr} did not go live:\n${blocksToText(done)}`);
  await new Promise((r) => setTimeout(r, 300)); // let the follower's watches close
  const requests = kube.requests.slice(before);
  return { ms, watches: requests.filter((r) => r.verb === 'watch').length, others: requests.filter((r) => r.verb === 'get' || r.verb === 'list').length };
}

async function run(home: string, reconcile: boolean): Promise<Sample[]> {
  const config = join(home, 'demo', 'rollbot.yaml');
  try {
    const text = await readFile(config, 'utf8');
    const plain = text.replace(/^ +reconcile: (true|false)\n/gm, '');
    await writeFile(config, plain.replace(/^( +)timeoutMinutes: 5\n/m, (line, indent: string) => `${line}${indent}reconcile: ${reconcile}\n`));
  } catch {
    // first start: the demo is made below, with reconcile on (its default)
  }
  const local = await startLocalMode({ home, port: await freePort(), log: () => undefined });
  try {
    await local.user.slashCommand({ command: '/rwenv', text: 'set rdebug', channel: 'C_BENCH' });
    const samples: Sample[] = [];
    // Alternate two built PRs, so every round changes the tag.
    for (let i = 0; i < ROUNDS; i++) samples.push(await rolloutToLive(local, i % 2 === 0 ? 42 : 41, 'C_BENCH'));
    return samples;
  } finally {
    await local.stop();
  }
}

export async function runLiveBench(): Promise<BenchOutcome> {
  console.log(heading('Time to live (local mode, emulated cluster)'));
  const home = await mkdtemp(join(tmpdir(), 'rollbot-bench-live-'));
  try {
    const withReconcile = await run(home, true);
    const intervals = await run(home, false);
    const row = (label: string, s: Sample[]) => {
      const ms = s.map((x) => x.ms);
      return [label, `${(percentile(ms, 50) / 1000).toFixed(1)} s`, `${(Math.min(...ms) / 1000).toFixed(1)} s`, `${(Math.max(...ms) / 1000).toFixed(1)} s`, String(Math.max(...s.map((x) => x.watches))), String(Math.max(...s.map((x) => x.others)))];
    };
    console.log(formatTable(
      [`/rollout papi → "is live" (${ROUNDS} rounds, cluster clock ×${DEMO_TIME_SCALE})`, 'median', 'min', 'max', 'watch requests', 'get/list'],
      [row('reconcile: true (rollbot requests the sync)', withReconcile), row('reconcile: false (Flux default intervals)', intervals)],
    ));
    const ratio = percentile(intervals.map((s) => s.ms), 50) / percentile(withReconcile.map((s) => s.ms), 50);
    console.log(`  ratio: waiting for the intervals takes ${ratio.toFixed(1)}× as long as requesting the reconcile.`);
    console.log('  (kustomize-controller reacts to a new source artifact at once, as the real one does, so the');
    console.log('   Kustomization\'s 10 m interval does not add; the wait is the GitRepository\'s 1 m interval.)');
    return {
      goals: [
        { goal: 'reconcile gets to live faster than the default intervals', met: ratio > 1, measured: `${ratio.toFixed(1)}×` },
        { goal: 'a followed rollout watches, never polls (no get/list beyond the one Kustomization get)', met: withReconcile.every((s) => s.others <= 1), measured: `${Math.max(...withReconcile.map((s) => s.watches))} watch requests, ${Math.max(...withReconcile.map((s) => s.others))} get/list` },
      ],
    };
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
