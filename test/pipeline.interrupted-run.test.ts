import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PipelineFixture } from './fixtures/pipeline/fixture.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'pipeline', 'run-child.ts');

let fx: PipelineFixture;
beforeEach(async () => {
  fx = await PipelineFixture.create();
});
afterEach(async () => {
  await fx.close();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('a run interrupted mid-phase', () => {
  it('a phase left `running` with no lock is re-run on resume, and the run completes', async () => {
    await fx.setBehavior({ deploy: { exit: 1 } });
    const first = await fx.run();
    // What a worker killed during DEPLOY leaves behind: the phase and the run still `running`, no lock.
    const state = (await fx.store.get(first.run_id))!;
    state.status = 'running';
    state.phases.DEPLOY = { status: 'running', ts: state.phases.DEPLOY!.startedAt, startedAt: state.phases.DEPLOY!.startedAt, attempts: 1 };
    delete state.error;
    delete state.failed_phase;
    await fx.store.put(state);
    await fx.setBehavior({});

    const resumed = await fx.run({ resume: first.run_id });

    expect(resumed.status).toBe('success');
    expect(resumed.log).toContain('DEPLOY was left running by an interrupted run; running it again.');
    expect((await fx.roles()).filter((r) => r === 'deploy')).toHaveLength(2);
    expect((await fx.store.get(first.run_id))?.phases.DEPLOY).toMatchObject({ status: 'completed', attempts: 2 });
  });

  it('a worker process SIGKILLed during DEPLOY: resume is refused while its lock lives, then completes', async () => {
    const runId = 'redeploy-20260301-c0ffee';
    await fx.setBehavior({ deploy: { sleepMs: 60_000 } });
    const config = join(fx.root, 'child.json');
    const env = Object.fromEntries(Object.entries(fx.env()).filter((e): e is [string, string] => e[1] !== undefined));
    await writeFile(
      config,
      JSON.stringify({ body: fx.pipelineBody(), name: 'test-runtime', versions: 'omniintelligence=0.8.0,omninode-claude=0.4.0', env, stateDir: fx.stateDir, cwdBase: fx.root, runId, lockTtlMs: 2_000 }),
    );
    const child = execa(process.execPath, ['--import', 'tsx', CHILD, config], { cwd: process.cwd(), reject: false });
    const deploy = await until('DEPLOY to start', async () => (await fx.calls()).find((c) => c.role === 'deploy'));
    await until('DEPLOY to be recorded as running', async () => ((await fx.store.get(runId))?.phases.DEPLOY?.status === 'running' ? true : undefined));

    child.kill('SIGKILL');
    await child;
    // The deploy script the dead worker started runs on in its own process group; stop it.
    process.kill(-deploy.pid, 'SIGKILL');

    expect((await fx.store.get(runId))?.phases.DEPLOY?.status).toBe('running');
    await expect(fx.run({ resume: runId })).rejects.toMatchObject({
      code: 'redeploy_run_locked',
      userMessage: expect.stringContaining(`Redeploy run '${runId}' is already running, so it was not started again.`),
    });

    await fx.setBehavior({});
    const resumed = await until('the dead worker’s lock to expire', async () => {
      try {
        return await fx.run({ resume: runId });
      } catch (error) {
        if ((error as { code?: string }).code === 'redeploy_run_locked') return undefined;
        throw error;
      }
    });
    expect(resumed.status).toBe('success');
    expect(resumed.log).toContain('DEPLOY was left running by an interrupted run; running it again.');
    expect(resumed.log[0]).toBe(`Resuming ${runId}: skipping completed phases [SYNC, ENV_CHECK, WORKTREE, PIN_UPDATE]`);
  });
});

describe('concurrent resume', () => {
  it('is refused while the run is running in this process, with a sentence that says what to do', async () => {
    await fx.setBehavior({ deploy: { sleepMs: 1_500 } });
    const runId = 'redeploy-20260301-0a0b0c';
    const running = fx.run({ runId });
    await until('DEPLOY to be running', async () => ((await fx.store.get(runId))?.phases.DEPLOY?.status === 'running' ? true : undefined));

    await expect(fx.run({ resume: runId })).rejects.toThrow(
      `Redeploy run '${runId}' is already running, so it was not started again. Wait for it to finish (see \`/redeploy list\`); if the worker running it died, its lock expires within 5 minutes and you can resume it then.`,
    );
    expect((await running).status).toBe('success');
    expect((await fx.roles()).filter((r) => r === 'deploy')).toHaveLength(1);
  });

  it('is refused when another holder has the lock in the store', async () => {
    await fx.setBehavior({ deploy: { exit: 1 } });
    const failed = await fx.run();
    const token = await fx.store.tryAcquireRunLock(failed.run_id, 60_000);
    expect(token).toBeDefined();
    await expect(fx.run({ resume: failed.run_id })).rejects.toMatchObject({ code: 'redeploy_run_locked' });
    await fx.store.releaseRunLock(failed.run_id, token!);
    await fx.setBehavior({});
    expect((await fx.run({ resume: failed.run_id })).status).toBe('success');
  });
});
