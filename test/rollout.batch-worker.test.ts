import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { Redis } from 'ioredis';
import { parse, stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { repoLeaseKey } from '../src/jobs/repo-batcher.js';
import { BotHarness, messageText } from './support/bot-harness.js';
import { valuesFile } from './support/git-fixtures.js';

const CLI = join(import.meta.dirname, '..', 'bin', 'rollbot.js');
const SHA = 'abcdef1';

let h: BotHarness;
const children: ResultPromise[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.pid && c.exitCode === null) killGroup(c);
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

function spawnWorker(extra: Record<string, string> = {}): ResultPromise {
  const env = { ...h.workerEnv(), ROLLBOT_REPO_LEASE_MS: '2000', ...extra };
  const child = execa('node', [CLI, 'worker'], { env, detached: true, reject: false, stdio: 'ignore' });
  children.push(child);
  return child;
}

const names = (n: number) => Array.from({ length: n }, (_, i) => `svc${String(i).padStart(2, '0')}`);
const tagOf = (i: number) => `ps-${i + 1}-${SHA}`;
const channelOf = (i: number) => `C_BATCH${i}`;

async function addServices(services: string[]): Promise<void> {
  await h.flux.commitFiles(Object.fromEntries(services.map((s) => [`clusters/rdebug/apps/${s}/values.yaml`, valuesFile(s, 'old')])), 'add services');
}

async function installHook(name: 'pre-receive' | 'post-receive', body: string): Promise<void> {
  const path = join(h.flux.url, 'hooks', name);
  await writeFile(path, `#!/bin/sh\n${body}\nexit 0\n`);
  await chmod(path, 0o755);
}

/** Counts the pushes the remote accepted. */
async function countPushes(): Promise<() => Promise<number>> {
  const log = join(h.root, 'pushes.log');
  await installHook('post-receive', `echo push >> "${log}"`);
  return async () => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
}

/** Another worker holds the repository, so every rollout sent now waits for it, then goes in one batch. */
async function holdRepository(): Promise<() => Promise<void>> {
  const key = repoLeaseKey({ fluxGitRepo: h.flux.url, branch: 'main' });
  const client = new Redis(h.redis!.url);
  await client.set(key, 'another-worker', 'PX', 120_000);
  return async () => {
    await client.del(key);
    client.disconnect();
  };
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const activeRollouts = () => h.bot.enqueuer.queue('rollout').getActiveCount();

async function sendRollouts(services: string[]): Promise<void> {
  for (const [i, s] of services.entries()) {
    await h.user.slashCommand({ command: '/rollout', text: `${s} ${i + 1} --sha ${SHA} --env rdebug`, channel: channelOf(i) });
  }
}

describe('rollouts waiting for one repository are applied as one batch by the worker', () => {
  it('every change lands as its own commit in one push, each message shows its own result, and a bad one fails alone', async () => {
    h = await BotHarness.start();
    const services = names(12);
    await addServices(services);
    const pushes = await countPushes();
    const release = await holdRepository();
    const sent = [...services.slice(0, 5), 'nope', ...services.slice(5)];
    await sendRollouts(sent);
    await waitUntil(async () => (await activeRollouts()) === sent.length, 'all rollouts waiting in the worker');
    const waiting = await h.waitForMessage(channelOf(0), /another worker is pushing to this repository/);
    expect(messageText(waiting)).toContain('Rollout of svc00 to rdebug');
    await release();

    for (const [i, s] of sent.entries()) {
      if (s === 'nope') {
        const failed = await h.waitForMessage(channelOf(i), /Could not find flux config for 'nope'/);
        expect(messageText(failed)).not.toContain('Something went wrong');
      } else {
        const done = await h.waitForMessage(channelOf(i), new RegExp(`Updated ${s} to ${tagOf(i)}`));
        expect(messageText(done)).toContain(`clusters/rdebug/apps/${s}/values.yaml`);
      }
      expect(h.botMessages(channelOf(i))).toHaveLength(1);
    }
    expect(await pushes()).toBe(1);
    const log = await h.flux.log();
    for (const [i, s] of sent.entries()) {
      if (s !== 'nope') expect(log.filter((m) => m === `chore(${s}): update image tag to ${tagOf(i)}`)).toHaveLength(1);
    }
    expect(log).toHaveLength(2 + services.length); // initial layout, add services, then one commit per rollout
  }, 90_000);

  it.each([
    ['before the batch reached the remote', 'pre-receive' as const, false],
    ['after the batch landed but before its jobs finished', 'post-receive' as const, true],
  ])('a worker killed mid-batch %s: after restart every rollout lands exactly once', async (_when, hook, landedBeforeKill) => {
    h = await BotHarness.start({ worker: false });
    const services = names(8);
    await addServices(services);
    const commitsBefore = await h.flux.commitCount();
    const marker = join(h.root, `${hook}-started`);
    await installHook(hook, `if [ ! -f "${marker}" ]; then touch "${marker}"; sleep 60; fi`);
    const release = await holdRepository();
    const first = spawnWorker();
    await sendRollouts(services);
    await waitUntil(async () => (await activeRollouts()) === services.length, 'all rollouts taken by the first worker');
    // Taken is not yet waiting: each rollout says so once it waits for the repository.
    for (const i of services.keys()) await h.waitForMessage(channelOf(i), /another worker is pushing to this repository/);
    await release();
    await waitUntil(async () => existsSync(marker), 'the batch push reaching the remote');
    killGroup(first);
    await first;
    expect(await h.flux.commitCount()).toBe(commitsBefore + (landedBeforeKill ? services.length : 0));

    spawnWorker(); // BullMQ finds the stalled jobs once their locks expire; the dead worker's lease runs out
    for (const [i, s] of services.entries()) await h.waitForMessage(channelOf(i), new RegExp(`Updated ${s} to ${tagOf(i)}`), 60_000);

    expect(await h.flux.commitCount()).toBe(commitsBefore + services.length);
    const log = await h.flux.log();
    for (const [i, s] of services.entries()) {
      expect(log.filter((m) => m === `chore(${s}): update image tag to ${tagOf(i)}`)).toHaveLength(1);
      expect(await h.flux.show(`clusters/rdebug/apps/${s}/values.yaml`)).toContain(`tag: ${tagOf(i)}`);
      // The recovered job updated its own message rather than posting a second one.
      expect(h.botMessages(channelOf(i))).toHaveLength(1);
    }
  }, 120_000);

  it('two worker processes take turns on one repository: their pushes never overlap, every rollout lands once', async () => {
    h = await BotHarness.start({ worker: false });
    const services = names(16);
    await addServices(services);
    const pushes = await countPushes();
    // A push that overlaps another worker's would find the directory already there.
    const inside = join(h.root, 'push-in-progress');
    const overlaps = join(h.root, 'overlaps.log');
    await installHook('pre-receive', `if ! mkdir "${inside}" 2>/dev/null; then echo overlap >> "${overlaps}"; fi\nsleep 0.3\nrmdir "${inside}" 2>/dev/null`);
    // Separate data dirs, as on two machines: nothing but the lease keeps them apart.
    const secondConfig = join(h.root, 'rollbot-second.yaml');
    const config = parse(await readFile(h.configPath, 'utf8')) as Record<string, unknown>;
    await writeFile(secondConfig, stringify({ ...config, dataDir: join(h.root, 'data-second') }));
    // Few rollouts at once per worker, so both get some of them.
    spawnWorker({ ROLLOUT_CONCURRENCY: '4' });
    spawnWorker({ ROLLOUT_CONCURRENCY: '4', ROLLBOT_CONFIG: secondConfig });
    await sendRollouts(services);
    for (const [i, s] of services.entries()) await h.waitForMessage(channelOf(i), new RegExp(`Updated ${s} to ${tagOf(i)}`), 60_000);

    expect(existsSync(overlaps)).toBe(false);
    const log = await h.flux.log();
    for (const [i, s] of services.entries()) expect(log.filter((m) => m === `chore(${s}): update image tag to ${tagOf(i)}`)).toHaveLength(1);
    expect(log).toHaveLength(2 + services.length);
    expect(await pushes()).toBeLessThan(services.length);
  }, 120_000);
});
