import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { ensureDemoEnvironment } from '../src/demo/demo-environment.js';
import { freePort, RedisProcess } from '../src/local-mode/redis-process.js';
import { SlackWebApiEmulator } from '../src/slack-emulator/index.js';
import { formatGoals, formatTable, heading, type BenchOutcome } from './support/table.js';
import { imageNodeFlags } from './support/image-flags.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, 'bench', '.cache');
const IDLE_SECONDS = Number(process.env.BENCH_MEMORY_IDLE_SECONDS) || 10;

/** Resident memory of a process, from /proc (Linux), in MiB. */
async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return kb / 1024;
}

/** RSS split from /proc/<pid>/smaps_rollup, MiB: file-backed pages (mostly the node binary) and anonymous ones (V8 heap, code, malloc). */
async function rssParts(pid: number): Promise<{ rss: number; file: number; anon: number }> {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) / 1024;
  return { rss: kb('Rss'), file: kb('Rss') - kb('Anonymous'), anon: kb('Anonymous') };
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Idle memory of `rollbot bot` + `rollbot worker` as deployed: the compiled JavaScript (as in the
 * Docker image, no tsx), two real processes on the demo config, a real Redis, Slack emulated.
 */
export async function runMemoryBench(log: (line: string) => void = console.log): Promise<BenchOutcome> {
  log(heading('Idle memory: rollbot bot + rollbot worker (compiled, as in the image)'));
  const outDir = join(CACHE, 'dist');
  await rm(outDir, { recursive: true, force: true });
  await execa('npx', ['tsc', '-p', 'tsconfig.json', '--outDir', outDir, '--rootDir', '.', '--noEmit', 'false', '--sourceMap', 'false'], { cwd: ROOT });
  const demo = await ensureDemoEnvironment(join(CACHE, 'memory-demo'));
  const redis = await new RedisProcess().start();
  const slack = new SlackWebApiEmulator({ token: 'xoxb-bench' });
  await slack.start();
  const children: ResultPromise[] = [];
  try {
    const port = await freePort();
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'production',
      ROLLBOT_CONFIG: demo.configPath,
      REDIS_URL: redis.url,
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: 'bench-secret',
      SLACK_API_URL: slack.apiUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    };
    const cli = join(outDir, 'src', 'cli.js');
    const { flags, source } = await imageNodeFlags();
    log(`node ${[...flags, 'dist/src/cli.js'].join(' ')} bot|worker (flags from ${source})`);
    const output = new Map<string, string>();
    const start = (verb: string) => {
      const child = execa('node', [...flags, cli, verb], { env, extendEnv: false, reject: false, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      output.set(verb, '');
      const record = (chunk: Buffer) => output.set(verb, output.get(verb) + chunk.toString());
      child.stdout?.on('data', record);
      child.stderr?.on('data', record);
      children.push(child);
      return child;
    };
    const bot = start('bot');
    const worker = start('worker');
    try {
      await waitFor('the bot answering /healthz', async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok);
      await waitFor('the worker running', async () => /worker running/.test(output.get('worker') ?? ''));
    } catch (error) {
      for (const [verb, text] of output) log(`--- rollbot ${verb} said:\n${text.slice(-2000)}`);
      throw error;
    }
    // The floor: an empty node process with the same flags, idling as long (what any Node service pays).
    const empty = execa('node', [...flags, '-e', 'setInterval(() => {}, 60_000)'], { reject: false });
    children.push(empty);
    log(`Both up; idling ${IDLE_SECONDS} s before reading VmRSS from /proc.`);
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    const botMiB = await rssMiB(bot.pid!);
    const workerMiB = await rssMiB(worker.pid!);
    const total = botMiB + workerMiB;
    const parts = { bot: await rssParts(bot.pid!), worker: await rssParts(worker.pid!), empty: await rssParts(empty.pid!) };
    const row = (name: string, rss: number, p: { file: number; anon: number }) => [name, rss.toFixed(1), p.file.toFixed(1), p.anon.toFixed(1), (p.anon - parts.empty.anon).toFixed(1)];
    log(
      '\n' +
        formatTable(
          ['process', 'RSS MiB', 'file-backed (node binary)', 'anonymous (heap, code, malloc)', 'anonymous above an empty node'],
          [
            row('rollbot bot', botMiB, parts.bot),
            row('rollbot worker', workerMiB, parts.worker),
            ['together', total.toFixed(1), (parts.bot.file + parts.worker.file).toFixed(1), (parts.bot.anon + parts.worker.anon).toFixed(1), (parts.bot.anon + parts.worker.anon - 2 * parts.empty.anon).toFixed(1)],
            row('empty node, same flags (the floor)', parts.empty.rss, parts.empty),
          ],
        ),
    );
    const totalMB = total * 1.048576;
    const goals = [{ goal: 'idle bot + worker < 150 MB RSS', met: totalMB < 150, measured: `${totalMB.toFixed(0)} MB (${total.toFixed(0)} MiB)` }];
    if (totalMB >= 150) {
      const floorMB = 2 * parts.empty.rss * 1.048576;
      log(
        `  Missed by ${(totalMB - 150).toFixed(0)} MB. Two empty node processes with these flags already take ${floorMB.toFixed(0)} MB ` +
          `(${(2 * parts.empty.file).toFixed(0)} MiB of it the node binary's pages, counted once per process although shared), ` +
          `leaving ${(150 - floorMB).toFixed(0)} MB for rollbot; bot and worker use ${(parts.bot.anon + parts.worker.anon - 2 * parts.empty.anon).toFixed(0)} MiB of ` +
          `anonymous memory above that: the modules each must load (bot: Bolt with its receivers, express, BullMQ, ioredis; worker: BullMQ, ioredis, the Web API client, the git layer) ` +
          `and the V8 heap they fill.`,
      );
    }
    log(formatGoals(goals));
    return { goals };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => c.catch(() => undefined)));
    await slack.stop();
    await redis.dispose();
  }
}
