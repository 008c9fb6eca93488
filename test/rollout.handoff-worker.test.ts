import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { Redis } from 'ioredis';
import { parse, stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { repoLeaseKey } from '../src/jobs/repo-batcher.js';
import { BotHarness } from './support/bot-harness.js';
import { run, valuesFile } from './support/git-fixtures.js';

const CLI = join(import.meta.dirname, '..', 'bin', 'rollbot.js');
const SHA = 'abcdef1';

let h: BotHarness;
let redis: Redis | undefined;
const children: ResultPromise[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.pid && c.exitCode === null) killGroup(c);
  redis?.disconnect();
  redis = undefined;
  await h?.stop();
});

/** What `docker kill` does: SIGKILL to the worker and every git it started. */
function killGroup(child: ResultPromise): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Two workers as on two machines (own data dirs); 4 rollouts at once each, so 8 rollouts keep both busy. */
async function spawnTwoWorkers(): Promise<ResultPromise[]> {
  const secondConfig = join(h.root, 'rollbot-second.yaml');
  const config = parse(await readFile(h.configPath, 'utf8')) as Record<string, unknown>;
  await writeFile(secondConfig, stringify({ ...config, dataDir: join(h.root, 'data-second') }));
  return [{}, { ROLLBOT_CONFIG: secondConfig }].map((extra) => {
    const env = { ...h.workerEnv(), ROLLBOT_REPO_LEASE_MS: '2000', ROLLOUT_CONCURRENCY: '4', ...extra };
    const child = execa('node', [CLI, 'worker'], { env, detached: true, reject: false, stdio: 'ignore' });
    children.push(child);
    return child;
  });
}

const names = (n: number) => Array.from({ length: n }, (_, i) => `svc${String(i).padStart(2, '0')}`);
const tagOf = (i: number) => `ps-${i + 1}-${SHA}`;
const channelOf = (i: number) => `C_SHARE${i}`;

async function installHook(name: 'pre-receive' | 'post-receive', body: string): Promise<void> {
  const path = join(h.flux.url, 'hooks', name);
  await writeFile(path, `#!/bin/sh\n${body}\nexit 0\n`);
  await chmod(path, 0o755);
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A third worker holds the repository while both workers take their rollouts, so both hand all of
 * them to Redis; returns the lease key and a function that lets go.
 */
async function sendWhileHeld(services: string[]): Promise<{ key: string; letGo: () => Promise<void> }> {
  const key = repoLeaseKey({ fluxGitRepo: h.flux.url, branch: 'main' });
  redis = new Redis(h.redis!.url);
  await redis.set(key, 'a-third-worker', 'PX', 120_000);
  for (const [i, s] of services.entries()) {
    await h.user.slashCommand({ command: '/rollout', text: `${s} ${i + 1} --sha ${SHA} --env rdebug`, channel: channelOf(i) });
  }
  // 4 at once each: 8 active rollouts means both workers have some.
  await waitUntil(async () => (await h.bot.enqueuer.queue('rollout').getActiveCount()) === services.length, 'both workers running rollouts');
  await waitUntil(async () => (await redis!.llen(`${key}:handoff`)) === services.length, 'every rollout handed to Redis');
  return { key, letGo: async () => void (await redis!.del(key)) };
}

/** Rollbot-Request trailer → commits carrying it, on the remote's branch. */
async function commitsPerRequest(): Promise<Map<string, number>> {
  const bodies = await run(h.flux.url, 'log', '--format=%B%x00', 'main');
  const counts = new Map<string, number>();
  for (const body of bodies.split('\0')) {
    const id = /^Rollbot-Request: (.+)$/m.exec(body)?.[1];
    if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

describe('two worker processes share one batch per repository', () => {
  it("the lease holder pushes both workers' waiting rollouts in one push; every message ends with its own result", async () => {
    h = await BotHarness.start({ worker: false });
    const services = names(8);
    await h.flux.commitFiles(Object.fromEntries(services.map((s) => [`clusters/rdebug/apps/${s}/values.yaml`, valuesFile(s, 'old')])), 'add services');
    const pushLog = join(h.root, 'pushes.log');
    await installHook('post-receive', `echo push >> "${pushLog}"`);
    await spawnTwoWorkers();
    const { letGo } = await sendWhileHeld(services);
    await letGo();

    for (const [i, s] of services.entries()) {
      const done = await h.waitForMessage(channelOf(i), new RegExp(`Updated ${s} to ${tagOf(i)}`), 60_000);
      expect(h.botMessages(channelOf(i))).toHaveLength(1);
      expect(JSON.stringify(done)).not.toContain('Something went wrong');
    }
    expect((await readFile(pushLog, 'utf8')).split('\n').filter(Boolean)).toHaveLength(1);
    const perRequest = await commitsPerRequest();
    expect(perRequest.size).toBe(services.length);
    expect([...perRequest.values()].every((n) => n === 1)).toBe(true);
  }, 90_000);

  it('the lease holder killed mid-batch: the other worker applies the rollouts it handed off, and recovers the dead one’s; none lost, none doubled', async () => {
    h = await BotHarness.start({ worker: false });
    const services = names(8);
    await h.flux.commitFiles(Object.fromEntries(services.map((s) => [`clusters/rdebug/apps/${s}/values.yaml`, valuesFile(s, 'old')])), 'add services');
    const commitsBefore = await h.flux.commitCount();
    const marker = join(h.root, 'pre-receive-started');
    await installHook('pre-receive', `if [ ! -f "${marker}" ]; then touch "${marker}"; sleep 60; fi`);
    const workers = await spawnTwoWorkers();
    const { key, letGo } = await sendWhileHeld(services);
    await letGo();

    // One worker takes the lease and every rollout, and is killed while its push is at the remote.
    await waitUntil(async () => existsSync(marker), 'the batch push reaching the remote');
    const token = await redis!.get(key);
    const holder = workers.find((w) => token?.startsWith(`${w.pid}-`));
    expect(holder).toBeDefined();
    expect(await redis!.llen(`${key}:handoff`)).toBe(0);
    killGroup(holder!);
    await holder;
    expect(await h.flux.commitCount()).toBe(commitsBefore);

    // No restart: the survivor takes back what it handed off once the dead lease runs out, and BullMQ
    // gives it the dead worker's own jobs once their locks expire.
    for (const [i, s] of services.entries()) await h.waitForMessage(channelOf(i), new RegExp(`Updated ${s} to ${tagOf(i)}`), 60_000);

    expect(await h.flux.commitCount()).toBe(commitsBefore + services.length);
    const perRequest = await commitsPerRequest();
    expect(perRequest.size).toBe(services.length);
    expect([...perRequest.values()].every((n) => n === 1)).toBe(true);
    for (const [i, s] of services.entries()) {
      expect(await h.flux.show(`clusters/rdebug/apps/${s}/values.yaml`)).toContain(`tag: ${tagOf(i)}`);
      expect(h.botMessages(channelOf(i))).toHaveLength(1);
    }
  }, 120_000);
});
