import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { ensureDemoEnvironment } from '../src/demo/demo-environment.js';
import { freePort, RedisProcess } from '../src/local-mode/redis-process.js';
import { SlackWebApiEmulator } from '../src/slack-emulator/index.js';
import { formatGoals, formatTable, heading, type BenchOutcome } from './support/table.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, 'bench', '.cache');
const IDLE_SECONDS = Number(process.env.BENCH_MEMORY_IDLE_SECONDS) || 10;

/** The node flags of the image's ENTRYPOINT (["node", ...flags, "bin/rollbot.js"]): the bench starts node as production does. */
async function imageNodeFlags(): Promise<string[]> {
  const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
  const entrypoint = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1];
  const args = entrypoint ? (JSON.parse(entrypoint) as string[]) : [];
  return args.slice(1).filter((a) => a.startsWith('--'));
}

/** Resident memory of a process, from /proc (Linux), in MiB. */
async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]);
  return kb / 1024;
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
    const flags = process.env.BENCH_MEMORY_NODE_FLAGS !== undefined ? process.env.BENCH_MEMORY_NODE_FLAGS.split(' ').filter(Boolean) : await imageNodeFlags();
    log(`node ${[...flags, 'dist/src/cli.js'].join(' ')} bot|worker (flags from the Dockerfile's ENTRYPOINT${process.env.BENCH_MEMORY_NODE_FLAGS !== undefined ? ', overridden by BENCH_MEMORY_NODE_FLAGS' : ''})`);
    const output = new Map<string, string>();
    const start = (verb: string) => {
      const child = execa('node', [...flags, cli, verb], { env: { ...env, ...(process.env.BENCH_MEMORY_MALLOC ? { MALLOC_ARENA_MAX: process.env.BENCH_MEMORY_MALLOC } : {}) }, extendEnv: false, reject: false, cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
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
    log(`Both up; idling ${IDLE_SECONDS} s before reading VmRSS from /proc.`);
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    const botMiB = await rssMiB(bot.pid!);
    const workerMiB = await rssMiB(worker.pid!);
    const total = botMiB + workerMiB;
    log(
      '\n' +
        formatTable(
          ['process', 'RSS MiB'],
          [
            ['rollbot bot', botMiB.toFixed(1)],
            ['rollbot worker', workerMiB.toFixed(1)],
            ['together', total.toFixed(1)],
          ],
        ),
    );
    const goals = [{ goal: 'idle bot + worker < 150 MB RSS', met: total * 1.048576 < 150, measured: `${(total * 1.048576).toFixed(0)} MB (${total.toFixed(0)} MiB)` }];
    log(formatGoals(goals));
    return { goals };
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => c.catch(() => undefined)));
    await slack.stop();
    await redis.dispose();
  }
}
