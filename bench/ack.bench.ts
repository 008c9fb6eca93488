import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JobEnqueuer } from '../src/jobs/job-enqueuer.js';
import { createRedisConnection } from '../src/jobs/redis-connection.js';
import { RedisProcess } from '../src/local-mode/redis-process.js';
import { SlackWebApiEmulator } from '../src/slack-emulator/index.js';
import { drive, type LoadResult } from './ack/load.js';
import { slashRequestFactory, type SignedRequest, type SlashRequestSpec } from './ack/slash-requests.js';
import { startTarget, type RunningTarget } from './ack/targets.js';
import { reportAck, sequentialTable, type AckRowResult } from './ack/ack-report.js';
import { percentile } from './support/stats.js';
import { heading, type BenchOutcome } from './support/table.js';
import { imageNodeFlags } from './support/image-flags.js';

const BOT_TOKEN = 'xoxb-bench';
const SIGNING_SECRET = 'bench-signing-secret';
/** Request rates to measure at (BENCH_ACK_RATES, comma-separated); the issue asks for 200 and 1,000 a second. */
const RATES = (process.env.BENCH_ACK_RATES ?? '200,1000').split(',').map(Number).filter((n) => n > 0);
const SEQUENTIAL_REQUESTS = 1000;

const numberEnv = (name: string, fallback: number) => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

interface Row {
  label: string;
  /**
   * bare is the baseline of the goal: Bolt's default HTTPReceiver, which rollbot's HTTP mode also
   * uses (its server hands /slack/events to the receiver, the rest to express). bare-express (Bolt's
   * ExpressReceiver, what rollbot used before) is shown for reference.
   */
  target: 'bare' | 'bare-express' | 'rollbot';
  spec: SlashRequestSpec;
  /** What the ack must say, checked on one request before the load. */
  expect: RegExp;
  countJobs?: boolean;
}

const ROWS: Row[] = [
  { label: 'bare Bolt app, default HTTPReceiver (baseline): ack()', target: 'bare', spec: { command: '/rollout', text: 'papi 1', uniqueTriggers: true }, expect: /^$/ },
  { label: 'bare Bolt app, ExpressReceiver (reference): ack()', target: 'bare-express', spec: { command: '/rollout', text: 'papi 1', uniqueTriggers: true }, expect: /^$/ },
  { label: 'rollbot /rwenv cur (router; binding from the in-process mirror)', target: 'rollbot', spec: { command: '/rwenv', text: 'cur', uniqueTriggers: false }, expect: /uses `rdebug`/ },
  { label: 'rollbot /rollout papi 1 --env prod (refused at ack)', target: 'rollbot', spec: { command: '/rollout', text: 'papi 1 --env prod', uniqueTriggers: false }, expect: /read-only/ },
  { label: 'rollbot /rollout papi 1 (real enqueue, new trigger_id each)', target: 'rollbot', spec: { command: '/rollout', text: 'papi 1', uniqueTriggers: true }, expect: /Queued/, countJobs: true },
];

const emptyResult = (): LoadResult => ({ latencies: [], requests: 0, durationS: 0, non2xx: 0, errors: 0, timeouts: 0, statusCodes: {} });

function addResult(into: LoadResult, from: LoadResult): void {
  into.latencies.push(...from.latencies);
  into.requests += from.requests;
  into.durationS += from.durationS;
  into.non2xx += from.non2xx;
  into.errors += from.errors;
  into.timeouts += from.timeouts;
  for (const [code, n] of Object.entries(from.statusCodes)) into.statusCodes[code] = (into.statusCodes[code] ?? 0) + n;
}

async function ackText(url: string, request: SignedRequest): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
  const raw = await response.text();
  try {
    return { status: response.status, text: String((JSON.parse(raw) as { text?: unknown }).text ?? '') };
  } catch {
    return { status: response.status, text: raw };
  }
}

async function rolloutJobCount(redisUrl: string): Promise<number> {
  const connection = createRedisConnection(redisUrl);
  const enqueuer = new JobEnqueuer(connection);
  try {
    const counts = await enqueuer.queue('rollout').getJobCounts();
    return Object.values(counts).reduce((a, b) => a + b, 0);
  } finally {
    await enqueuer.close();
    connection.disconnect();
  }
}

export async function runAckBench(log: (line: string) => void = console.log): Promise<BenchOutcome> {
  const seconds = numberEnv('BENCH_ACK_SECONDS', 20);
  const warmupSeconds = numberEnv('BENCH_ACK_WARMUP_SECONDS', 2);
  const connections = numberEnv('BENCH_ACK_CONNECTIONS', 10);
  const segmentSeconds = numberEnv('BENCH_ACK_SEGMENT_SECONDS', 5);
  log(heading('Ack latency: rollbot bot vs bare Bolt app'));
  log(
    `autocannon, overallRate ${RATES.join(' and ')}/s over ${connections} connections, ${seconds} s per row (in ${segmentSeconds} s segments, rows round-robin) ` +
      `after ${warmupSeconds} s warm-up; each app in its own Node process, real redis-server, every body signed when sent.\n` +
      `autocannon's rate limit fires each connection's share back to back at the top of every second, so requests arrive in bursts ` +
      `of up to ${connections} in flight and p99 includes queueing inside a burst. Latencies: per-response hrtime, no coordinated-omission fill.\n` +
      `Goal baseline: a bare Bolt app on its default HTTPReceiver, the receiver rollbot uses too; every target runs with the image's node flags (${(await imageNodeFlags()).flags.join(' ') || 'none'}).`,
  );

  const root = await mkdtemp(join(tmpdir(), 'rollbot-bench-ack-'));
  const redis = await new RedisProcess().start();
  const emulator = new SlackWebApiEmulator({ token: BOT_TOKEN });
  const targets = new Map<Row['target'], RunningTarget>();
  try {
    await emulator.start();
    const config = {
      dataDir: join(root, 'data'),
      defaultEnvironment: 'rdebug',
      environments: {
        rdebug: { fluxGitRepo: join(root, 'flux.git'), sourceRepo: join(root, '{service}.git') },
        prod: { fluxGitRepo: join(root, 'flux.git'), readOnly: true },
      },
    };
    const env = {
      BENCH_BOT_TOKEN: BOT_TOKEN,
      BENCH_SIGNING_SECRET: SIGNING_SECRET,
      BENCH_SLACK_API_URL: emulator.apiUrl,
      BENCH_REDIS_URL: redis.url,
      BENCH_CONFIG: JSON.stringify(config),
      BENCH_CONFIG_SOURCE: join(root, 'rollbot.yaml'),
    };
    for (const kind of ['bare', 'bare-express', 'rollbot'] as const) targets.set(kind, await startTarget(kind, env));

    const goals: BenchOutcome['goals'] = [];
    const measured: Array<{ row: Row; url: string; next: () => SignedRequest }> = [];
    for (const rate of RATES) {
      log(`\n--- ${rate} requests/s ---`);
      // Probe and warm every row, then measure in segments, rows round-robin, pooling the raw samples.
      const runs: Array<{ row: Row; url: string; next: () => SignedRequest; result: LoadResult; segmentP99: number[]; jobs: number; cpuMs: number }> = [];
      for (const row of ROWS) {
        const url = targets.get(row.target)!.url;
        const next = slashRequestFactory(emulator, SIGNING_SECRET, row.spec);
        const probe = await ackText(url, next());
        if (probe.status !== 200 || !row.expect.test(probe.text)) {
          throw new Error(`${row.label}: expected a 200 ack matching ${row.expect}, got ${probe.status} ${JSON.stringify(probe.text)}`);
        }
        await drive({ url, seconds: warmupSeconds, rate, connections, next });
        runs.push({ row, url, next, result: emptyResult(), segmentP99: [], jobs: 0, cpuMs: 0 });
      }
      for (let done = 0; done < seconds; done += segmentSeconds) {
        const length = Math.min(segmentSeconds, seconds - done);
        for (const run of runs) {
          const jobsBefore = run.row.countJobs ? await rolloutJobCount(redis.url) : 0;
          const target = targets.get(run.row.target)!;
          const cpuBefore = target.cpuMs();
          const segment = await drive({ url: run.url, seconds: length, rate, connections, next: run.next });
          run.cpuMs += target.cpuMs() - cpuBefore;
          addResult(run.result, segment);
          run.segmentP99.push(percentile(segment.latencies, 99));
          if (run.row.countJobs) run.jobs += (await rolloutJobCount(redis.url)) - jobsBefore;
        }
      }
      const results: AckRowResult[] = runs.map((r) => ({
        label: `${r.row.label} @ ${rate}/s`,
        isBare: r.row.target === 'bare',
        isReference: r.row.target === 'bare-express',
        result: r.result,
        segmentP99: r.segmentP99,
        cpuMsPerRequest: r.cpuMs / Math.max(1, r.result.requests),
        note: r.row.countJobs ? `jobs enqueued during the measured segments: ${r.jobs}` : '',
      }));
      goals.push(...reportAck(results, segmentSeconds, log));
      if (measured.length === 0) measured.push(...runs);
    }
    // Unloaded service time: one request in flight, no bursts; the p50 gap is rollbot's own work per ack.
    const sequential = [];
    for (const run of measured) sequential.push({ label: run.row.label, isBare: run.row.target === 'bare', result: await drive({ url: run.url, sequential: SEQUENTIAL_REQUESTS, next: run.next }) });
    log('\n' + sequentialTable(sequential));
    return { goals };
  } finally {
    for (const target of targets.values()) await target.stop();
    await emulator.stop();
    await redis.dispose();
    await rm(root, { recursive: true, force: true });
  }
}
