import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PipelineFixture, recordingNotifier } from './fixtures/pipeline/fixture.js';

let fx: PipelineFixture;
beforeEach(async () => {
  fx = await PipelineFixture.create();
});
afterEach(async () => {
  await fx.close();
});

describe('--verify-only', () => {
  it('runs only the phases marked verify: true and records the rest as skipped_verify_only', async () => {
    const notifier = recordingNotifier();
    const result = await fx.run({ verifyOnly: true, notifier });
    expect(result.status).toBe('success');
    expect(result.phases).toEqual({
      SYNC: 'skipped_verify_only',
      ENV_CHECK: 'skipped_verify_only',
      WORKTREE: 'skipped_verify_only',
      PIN_UPDATE: 'skipped_verify_only',
      DEPLOY: 'skipped_verify_only',
      INFISICAL: 'skipped_verify_only',
      VERIFY: 'completed',
      NOTIFY: 'skipped_verify_only',
    });
    // Only the in-container checks ran (one per requested package); nothing was deployed or notified.
    expect(await fx.roles()).toEqual(['version', 'version']);
    expect(notifier.sent).toEqual([]);
    expect(result.summary).toBe(`Verify-only redeploy ${result.run_id} succeeded for omniintelligence=0.8.0,omninode-claude=0.4.0 (1 phase completed, 7 skipped).`);
    expect((await fx.store.get(result.run_id))?.mode).toBe('verify_only');
  });

  it('still requires --versions, because the running versions are checked against them', async () => {
    await expect(fx.run({ verifyOnly: true, versions: undefined })).rejects.toThrow(/^--versions is required/);
  });

  it('reports a version mismatch and a resume command that keeps --verify-only', async () => {
    await fx.setInstalled({ omniintelligence: '0.7.0', 'omninode-claude': '0.4.0' });
    const result = await fx.run({ verifyOnly: true });
    expect(result.status).toBe('failed');
    expect(result.failed_phase).toBe('VERIFY');
    expect(result.resume_command).toBe(`/redeploy --resume ${result.run_id} --versions "omniintelligence=0.8.0,omninode-claude=0.4.0" --verify-only`);
  });

  it('is refused with a clear sentence when the pipeline has no verify phase', async () => {
    const definition = fx.pipeline((b) => {
      for (const p of b.phases) delete p.verify;
    });
    await expect(fx.run({ definition, verifyOnly: true })).rejects.toThrow(
      "Pipeline 'test-runtime' has no phase marked verify: true, so --verify-only has nothing to run. Mark its checks with verify: true in the pipeline file.",
    );
  });
});
