import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BotHarness, messageText } from './support/bot-harness.js';

const CLI = join(import.meta.dirname, '..', 'bin', 'rollbot.js');

let h: BotHarness;
const workers: ResultPromise[] = [];

beforeEach(async () => {
  h = await BotHarness.start({ worker: false });
});
afterEach(async () => {
  for (const w of workers.splice(0)) if (w.pid && w.exitCode === null) killGroup(w);
  await h?.stop();
});

function spawnWorker(): ResultPromise {
  const child = execa('node', [CLI, 'worker'], { env: h.workerEnv(), detached: true, reject: false, stdio: 'ignore' });
  workers.push(child);
  return child;
}

/** What `docker kill` does to a container: SIGKILL to the worker and every git it started. */
function killGroup(child: ResultPromise): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** A hook on the remote that stalls the first push until the test kills the worker. */
async function stallFirstPush(hook: 'pre-receive' | 'post-receive'): Promise<string> {
  const marker = join(h.root, `${hook}-started`);
  const path = join(h.flux.url, 'hooks', hook);
  await writeFile(path, `#!/bin/sh\nif [ ! -f "${marker}" ]; then touch "${marker}"; sleep 60; fi\nexit 0\n`);
  await chmod(path, 0o755);
  return marker;
}

async function waitForFile(path: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a worker killed with SIGKILL in the middle of a rollout', () => {
  it.each([
    ['before the push reached the remote', 'pre-receive' as const, 0],
    ['after the push landed but before the job finished', 'post-receive' as const, 1],
  ])('%s: after restart the rollout lands exactly once', async (_when, hook, landedBeforeKill) => {
    const marker = await stallFirstPush(hook);
    const commitsBefore = await h.flux.commitCount();
    const first = spawnWorker();
    await h.user.slashCommand({ command: '/rollout', text: 'papi 42 --env rdebug', channel: 'C_CRASH' });
    await waitForFile(marker);
    killGroup(first);
    await first;
    expect(await h.flux.commitCount()).toBe(commitsBefore + landedBeforeKill);

    spawnWorker(); // BullMQ finds the stalled job once its lock expires and runs it again
    const tag = `ps-42-${h.prHeads[42]!.slice(0, 7)}`;
    const done = await h.waitForMessage('C_CRASH', new RegExp(`Updated papi to ${tag}`), 45_000);

    expect(await h.flux.commitCount()).toBe(commitsBefore + 1);
    expect((await h.flux.log()).filter((s) => s === `chore(papi): update image tag to ${tag}`)).toHaveLength(1);
    // The recovered job updated the message it had posted, rather than posting a second one.
    expect(h.botMessages('C_CRASH')).toHaveLength(1);
    expect(messageText(done)).toContain('clusters/rdebug/apps/papi/values.yaml');
  });
});
