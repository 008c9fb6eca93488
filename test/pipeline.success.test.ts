import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git, PipelineFixture, recordingNotifier, recordingReporter, steppingClock } from './fixtures/pipeline/fixture.js';

let fx: PipelineFixture;
beforeEach(async () => {
  fx = await PipelineFixture.create();
});
afterEach(async () => {
  await fx.close();
});

describe('a full redeploy with real git, processes and HTTP', () => {
  it('runs every phase in order and returns seed 004 skill result', async () => {
    const reporter = recordingReporter();
    const notifier = recordingNotifier();
    const result = await fx.run({ reporter, notifier, clock: steppingClock() });

    expect(result).toMatchObject({
      skill: 'redeploy',
      status: 'success',
      phases: {
        SYNC: 'completed',
        ENV_CHECK: 'completed',
        WORKTREE: 'completed',
        PIN_UPDATE: 'completed',
        DEPLOY: 'completed',
        INFISICAL: 'skipped_no_infisical',
        VERIFY: 'completed',
        NOTIFY: 'completed',
      },
      pins_applied: { omniintelligence: '0.8.0', 'omninode-claude': '0.4.0' },
    });
    expect(result.run_id).toMatch(/^redeploy-20260301-[0-9a-f]{6}$/);
    expect(result.error).toBeUndefined();
    expect(result.summary).toBe(`Redeploy ${result.run_id} succeeded for omniintelligence=0.8.0,omninode-claude=0.4.0 (7 phases completed, 1 skipped).`);

    // SYNC fast-forwarded the clone to the remote's second commit.
    expect(await git(fx.clone, 'log', '-1', '--format=%s')).toBe('second');
    // WORKTREE created a worktree on the run's branch, and the later commands ran inside it.
    const worktree = join(fx.root, 'worktrees', result.run_id, 'omnibase_infra');
    expect(await git(worktree, 'branch', '--show-current')).toBe(result.run_id);
    const calls = await fx.calls();
    expect(calls.map((c) => c.role)).toEqual(['pins', 'deploy', 'version', 'version']);
    // Placeholders fill whole arguments (or part of one), never split them.
    expect(calls[0]!.args).toEqual(['--versions', 'omniintelligence=0.8.0,omninode-claude=0.4.0', '--dockerfile', `${worktree}/docker/Dockerfile.runtime`]);
    expect(calls[0]!.cwd).toBe(worktree);
    expect(calls[1]!.args).toEqual(['--execute', '--restart', `run=${result.run_id}`]);
    expect(calls.slice(2).map((c) => c.args)).toEqual([['omniintelligence'], ['omninode-claude']]);

    // NOTIFY produced seed 004's message and handed it to the notifier.
    const text = `[redeploy] ${result.run_id} complete\n  Pins: omniintelligence==0.8.0, omninode-claude==0.4.0\n  Phases: all completed except INFISICAL (skipped_no_infisical)`;
    expect(result.notification).toBe(text);
    expect(notifier.sent).toEqual([
      {
        runId: result.run_id,
        text,
        pins: { omniintelligence: '0.8.0', 'omninode-claude': '0.4.0' },
        phases: {
          SYNC: 'completed',
          ENV_CHECK: 'completed',
          WORKTREE: 'completed',
          PIN_UPDATE: 'completed',
          DEPLOY: 'completed',
          INFISICAL: 'skipped_no_infisical',
          VERIFY: 'completed',
        },
      },
    ]);

    // The seed's log lines, and per-phase output kept for a thread.
    expect(result.log).toContain('ENV_CHECK: POSTGRES_PASSWORD OK');
    expect(result.log).toContain(`VERIFY: omninode-claude Version: 0.4.0 (expected 0.4.0) -> OK`);
    expect(result.log.some((l) => l.startsWith('VERIFY: omninode-runtime http://127.0.0.1:') && l.endsWith('-> 200 OK'))).toBe(true);
    expect(result.outputs.PIN_UPDATE).toContain('omniintelligence: 0.0.1 -> 0.8.0');

    // Progress: one step per phase, ending done/skipped.
    expect(reporter.last().steps.map((s) => [s.id, s.status])).toEqual([
      ['SYNC', 'done'],
      ['ENV_CHECK', 'done'],
      ['WORKTREE', 'done'],
      ['PIN_UPDATE', 'done'],
      ['DEPLOY', 'done'],
      ['INFISICAL', 'skipped'],
      ['VERIFY', 'done'],
      ['NOTIFY', 'done'],
    ]);
    expect(reporter.snapshots.some((s) => s.steps.find((st) => st.id === 'DEPLOY')?.status === 'running')).toBe(true);
  });

  it('writes one state file per run with timestamps and results, atomically (no temp files left)', async () => {
    const result = await fx.run({ clock: steppingClock() });
    const state = JSON.parse(await readFile(join(fx.stateDir, `${result.run_id}.json`), 'utf8'));
    expect(state).toMatchObject({
      run_id: result.run_id,
      status: 'success',
      pipeline: 'test-runtime',
      versions_requested: { omniintelligence: '0.8.0', 'omninode-claude': '0.4.0' },
      versions_str: 'omniintelligence=0.8.0,omninode-claude=0.4.0',
      worktree_ticket: result.run_id,
      worktree_path: join(fx.root, 'worktrees', result.run_id, 'omnibase_infra'),
    });
    const deploy = state.phases.DEPLOY;
    expect(deploy.status).toBe('completed');
    expect(deploy.attempts).toBe(1);
    expect(Date.parse(deploy.finishedAt) - Date.parse(deploy.startedAt)).toBe(deploy.durationMs);
    expect(deploy.durationMs).toBeGreaterThan(0);
    expect(state.phases.WORKTREE).toMatchObject({ status: 'completed', reused: false });
    expect(state.phases.PIN_UPDATE.pins_applied).toEqual({
      omniintelligence: { from: '0.0.1', to: '0.8.0', matched: true },
      'omninode-claude': { from: '0.0.1', to: '0.4.0', matched: true },
    });
    expect(state.phases.INFISICAL).toMatchObject({ status: 'skipped_no_infisical', detail: 'skipped: INFISICAL_ADDR is not set' });
    expect(await readdir(fx.stateDir)).toEqual([`${result.run_id}.json`]);
    expect(existsSync(join(fx.stateDir, `${result.run_id}.lock`))).toBe(false);
  });

  it('retries a health endpoint until it answers 2xx within the deadline', async () => {
    fx.health.status = (path, hit) => (path === '/health' && hit < 3 ? 503 : 200);
    const result = await fx.run();
    expect(result.status).toBe('success');
    expect(fx.health.hits.get('/health')).toBe(3);
    expect(result.log.find((l) => l.startsWith('VERIFY: omninode-runtime'))).toMatch(/-> 200 OK \(after 3 attempts\)$/);
  });

  it('runs INFISICAL when INFISICAL_ADDR is set and its credentials are present', async () => {
    const result = await fx.run({ env: fx.env({ INFISICAL_ADDR: 'https://infisical.internal', INFISICAL_CLIENT_ID: 'client-1', INFISICAL_CLIENT_SECRET: 'cs-verysecret' }) });
    expect(result.phases.INFISICAL).toBe('completed');
    expect(await fx.roles()).toContain('infisical');
  });
});
