import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git, NODE, PipelineFixture, recordingNotifier, recordingReporter, TOOL } from './fixtures/pipeline/fixture.js';

let fx: PipelineFixture;
beforeEach(async () => {
  fx = await PipelineFixture.create();
});
afterEach(async () => {
  await fx.close();
});

const RUN = 'redeploy-20260301-abc123';

describe('--dry-run', () => {
  it("prints seed 004's plan: padded phase names, commands, [conditional] markers", async () => {
    const result = await fx.run({ dryRun: true, runId: RUN });
    const wt = join(fx.root, 'worktrees', RUN, 'omnibase_infra');
    expect(result.status).toBe('dry_run');
    expect(result.run_id).toBe(RUN);
    expect(result.plan!.split('\n')).toEqual([
      `[DRY RUN] redeploy run_id=${RUN}`,
      `  SYNC:       git pull --ff-only in ${fx.clone}`,
      '  ENV_CHECK:  verify POSTGRES_PASSWORD, KAFKA_BOOTSTRAP_SERVERS; if INFISICAL_ADDR is set and --skip-infisical is not given: INFISICAL_CLIENT_ID, INFISICAL_CLIENT_SECRET',
      `  WORKTREE:   git worktree add ${wt} -b ${RUN}`,
      `  PIN_UPDATE: ${NODE} ${TOOL} pins --versions "omniintelligence=0.8.0,omninode-claude=0.4.0" --dockerfile ${wt}/docker/Dockerfile.runtime`,
      `  DEPLOY:     ${NODE} ${TOOL} deploy --execute --restart run=${RUN}`,
      `  INFISICAL:  [conditional] ${NODE} ${TOOL} infisical  (would be skipped_no_infisical: INFISICAL_ADDR is not set)`,
      `  VERIFY:     GET ${fx.health.url('/health')}, ${fx.health.url('/intelligence/health')} (2xx within 5s) + ${NODE} ${TOOL} version omniintelligence (per package: omniintelligence, omninode-claude)`,
      `  NOTIFY:     notify "[redeploy] ${RUN} complete"`,
    ]);
    expect(result.phases).toMatchObject({ SYNC: 'pending', INFISICAL: 'skipped_no_infisical', NOTIFY: 'pending' });
    expect(result.summary).toBe(`Dry run of ${RUN} for omniintelligence=0.8.0,omninode-claude=0.4.0: 7 phases would run; nothing was executed.`);
  });

  it('executes nothing and writes no state', async () => {
    const reporter = recordingReporter();
    const notifier = recordingNotifier();
    await fx.run({ dryRun: true, reporter, notifier });
    expect(existsSync(fx.stateDir)).toBe(false);
    expect(await fx.calls()).toEqual([]);
    expect(existsSync(join(fx.root, 'worktrees'))).toBe(false);
    expect(await git(fx.clone, 'log', '-1', '--format=%s')).toBe('initial');
    expect(fx.health.hits.size).toBe(0);
    expect(notifier.sent).toEqual([]);
    expect(reporter.snapshots).toEqual([]);
  });

  it('marks flag-skipped phases, verify-only skips and phases a resume would keep', async () => {
    await fx.setBehavior({ deploy: { exit: 1 } });
    const failed = await fx.run({ flags: { 'skip-sync': true } });
    const plan = await fx.run({ dryRun: true, resume: failed.run_id, flags: { 'skip-dockerfile-update': true } });
    const lines = plan.plan!.split('\n');
    expect(lines[0]).toBe(`[DRY RUN] redeploy run_id=${failed.run_id} (resume)`);
    expect(lines[1]).toMatch(/^ {2}SYNC: {7}\[skipped by --skip-sync\] git pull/);
    expect(lines[2]).toMatch(/^ {2}ENV_CHECK: {2}\[completed earlier, skipped on resume\] verify/);
    expect(lines[4]).toMatch(/^ {2}PIN_UPDATE: \[completed earlier, skipped on resume\] /);
    expect(lines[5]).toMatch(/^ {2}DEPLOY: {5}\S/);

    const verifyOnly = await fx.run({ dryRun: true, verifyOnly: true, runId: RUN });
    expect(verifyOnly.plan!.split('\n')[1]).toMatch(/^ {2}SYNC: {7}\[skipped: verify-only\] /);
    expect(verifyOnly.plan!.split('\n')[7]).toMatch(/^ {2}VERIFY: {5}GET /);
  });

  it('shows secrets used as arguments as [redacted:NAME]', async () => {
    const definition = fx.pipeline((b) => {
      b.phases[4]!.args = [TOOL, 'deploy', '--db-password={env:POSTGRES_PASSWORD}'];
    });
    const result = await fx.run({ definition, dryRun: true, runId: RUN });
    expect(result.plan).toContain(`deploy --db-password=[redacted:POSTGRES_PASSWORD]`);
    expect(JSON.stringify(result)).not.toContain('pg-Secret-123');
  });
});
