import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git, PipelineFixture, recordingReporter } from './fixtures/pipeline/fixture.js';

let fx: PipelineFixture;
beforeEach(async () => {
  fx = await PipelineFixture.create();
});
afterEach(async () => {
  await fx.close();
});

describe('failure and --resume', () => {
  it('fails at DEPLOY with the error and the exact resume command, then resumes from DEPLOY', async () => {
    await fx.setBehavior({ deploy: { exit: 3, stdout: '[deploy-runtime] Building omninode-runtime ...\n', stderr: 'docker compose build: FAILED\nno space left on device\n' } });
    const failed = await fx.run({ flags: { 'worktree-ticket': 'OPS-42' } });

    expect(failed.status).toBe('failed');
    expect(failed.failed_phase).toBe('DEPLOY');
    expect(failed.phases).toMatchObject({ SYNC: 'completed', ENV_CHECK: 'completed', WORKTREE: 'completed', PIN_UPDATE: 'completed', DEPLOY: 'failed', INFISICAL: 'pending', VERIFY: 'pending', NOTIFY: 'pending' });
    expect(failed.error).toMatch(/^`.*tool\.mjs deploy --execute --restart run=redeploy-\d{8}-[0-9a-f]{6}` exited with code 3: docker compose build: FAILED \| no space left on device\.$/);
    expect(failed.resume_command).toBe(`/redeploy --resume ${failed.run_id} --versions "omniintelligence=0.8.0,omninode-claude=0.4.0" --worktree-ticket OPS-42`);
    expect(failed.log.slice(-2)).toEqual([`ERROR in DEPLOY: ${failed.error}`, `Resume with: ${failed.resume_command}`]);
    expect(failed.summary).toBe(`Redeploy ${failed.run_id} failed at DEPLOY: ${failed.error} Resume with: ${failed.resume_command}`);
    // The long output is kept for a thread, not in the one-line fields.
    expect(failed.outputs.DEPLOY).toContain('[deploy-runtime] Building omninode-runtime ...');
    expect(failed.outputs.DEPLOY).toContain('no space left on device');
    const stored = await fx.store.get(failed.run_id);
    expect(stored?.phases.DEPLOY).toMatchObject({ status: 'failed', error: failed.error, attempts: 1 });

    await fx.setBehavior({ deploy: { stdout: '[deploy-runtime] DONE\n' } });
    const before = (await fx.calls()).length;
    const reporter = recordingReporter();
    const resumed = await fx.run({ resume: failed.run_id, versions: 'omniintelligence=0.8.0,omninode-claude=0.4.0', reporter });

    expect(resumed.status).toBe('success');
    expect(resumed.run_id).toBe(failed.run_id);
    expect(resumed.log[0]).toBe(`Resuming ${failed.run_id}: skipping completed phases [SYNC, ENV_CHECK, WORKTREE, PIN_UPDATE]`);
    // SYNC..PIN_UPDATE did not run again: only DEPLOY and the checks did.
    expect((await fx.calls()).slice(before).map((c) => c.role)).toEqual(['deploy', 'version', 'version']);
    expect(Object.keys(resumed.outputs)).toEqual(['DEPLOY', 'VERIFY', 'NOTIFY']);
    expect(resumed.outputs.DEPLOY).toBe('[deploy-runtime] DONE\n');
    expect(resumed.pins_applied).toEqual({ omniintelligence: '0.8.0', 'omninode-claude': '0.4.0' });
    // The worktree from the first attempt is where DEPLOY ran this time.
    const deploy = (await fx.calls()).at(-3)!;
    expect(deploy.cwd).toBe(join(fx.root, 'worktrees', 'OPS-42', 'omnibase_infra'));
    expect((await fx.store.get(failed.run_id))?.phases.DEPLOY).toMatchObject({ status: 'completed', attempts: 2 });
    // The first snapshot already shows the kept phases as done, and the failed one as to do.
    expect(reporter.snapshots[0]!.steps.slice(0, 5).map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'pending']);
  });

  it('takes the stored versions and flags when the resume gives none', async () => {
    await fx.setBehavior({ deploy: { exit: 1 } });
    const failed = await fx.run({ flags: { 'skip-sync': true } });
    await fx.setBehavior({});
    const resumed = await fx.run({ resume: failed.run_id, versions: undefined, flags: {} });
    expect(resumed.status).toBe('success');
    expect(resumed.phases.SYNC).toBe('skipped_by_flag');
    expect(await git(fx.clone, 'log', '-1', '--format=%s')).toBe('initial');
  });

  it('refuses a resume with different versions', async () => {
    await fx.setBehavior({ deploy: { exit: 1 } });
    const failed = await fx.run();
    await expect(fx.run({ resume: failed.run_id, versions: 'omniintelligence=0.9.0' })).rejects.toThrow(
      `Run '${failed.run_id}' was started with --versions "omniintelligence=0.8.0,omninode-claude=0.4.0", not "omniintelligence=0.9.0". Resume it with the same versions, or start a new run for the new ones.`,
    );
  });

  it('says which id was not found, and how to find the right one', async () => {
    await expect(fx.run({ resume: 'redeploy-20260301-abc123' })).rejects.toMatchObject({
      code: 'redeploy_run_not_found',
      userMessage: "No redeploy run 'redeploy-20260301-abc123' was found. Check the id with `/redeploy list`.",
    });
    await expect(fx.run({ resume: '../../etc/passwd' })).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('resuming a finished run changes nothing and succeeds', async () => {
    const done = await fx.run();
    const before = (await fx.calls()).length;
    const again = await fx.run({ resume: done.run_id });
    expect(again.status).toBe('success');
    expect((await fx.calls()).length).toBe(before);
  });

  it('a retried job with the same runId continues its own run', async () => {
    await fx.setBehavior({ deploy: { exit: 1 } });
    const first = await fx.run({ runId: 'redeploy-20260301-00beef' });
    expect(first.status).toBe('failed');
    await fx.setBehavior({});
    const retried = await fx.run({ runId: 'redeploy-20260301-00beef' });
    expect(retried.status).toBe('success');
    expect(retried.log[0]).toMatch(/^Resuming redeploy-20260301-00beef/);
  });
});
