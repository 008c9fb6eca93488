import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { knownFlags, skipFlagsOf } from '../src/core/pipeline/flags.js';
import { git, NODE, PipelineFixture, TOOL } from './fixtures/pipeline/fixture.js';

let fx: PipelineFixture;
beforeEach(async () => {
  fx = await PipelineFixture.create();
});
afterEach(async () => {
  await fx.close();
});

describe('skip flags and conditions', () => {
  it('--skip-sync, --skip-dockerfile-update and --skip-infisical skip their phases (skipped_by_flag)', async () => {
    const env = fx.env({ INFISICAL_ADDR: 'https://infisical.internal' });
    const result = await fx.run({ env, flags: { 'skip-sync': true, 'skip-dockerfile-update': true, 'skip-infisical': true } });
    expect(result.status).toBe('success');
    expect(result.phases).toMatchObject({ SYNC: 'skipped_by_flag', PIN_UPDATE: 'skipped_by_flag', INFISICAL: 'skipped_by_flag', DEPLOY: 'completed' });
    // SYNC did not pull; PIN_UPDATE and INFISICAL did not run.
    expect(await git(fx.clone, 'log', '-1', '--format=%s')).toBe('initial');
    expect(await fx.roles()).toEqual(['deploy', 'version', 'version']);
    // --skip-infisical also lifts the INFISICAL credential gate of ENV_CHECK (seed 004).
    expect(result.phases.ENV_CHECK).toBe('completed');
    expect(result.pins_applied).toEqual({});
    const state = await fx.store.get(result.run_id);
    expect(state?.phases.SYNC).toMatchObject({ status: 'skipped_by_flag', detail: 'skipped by --skip-sync' });
    expect(state?.phases.PIN_UPDATE?.detail).toBe('skipped by --skip-dockerfile-update');
    expect(result.notification).toContain('Phases: all completed except SYNC (skipped_by_flag), PIN_UPDATE (skipped_by_flag), INFISICAL (skipped_by_flag)');
  });

  it('every phase has --skip-<name> with dashes or underscores', async () => {
    const result = await fx.run({ flags: { 'skip-pin-update': true, 'skip-env_check': true, 'skip-notify': true } });
    expect(result.phases).toMatchObject({ PIN_UPDATE: 'skipped_by_flag', ENV_CHECK: 'skipped_by_flag', NOTIFY: 'skipped_by_flag' });
    expect(skipFlagsOf(fx.pipeline().phases[3]!)).toEqual(['skip-pin-update', 'skip-pin_update', 'skip-dockerfile-update']);
  });

  it('refuses an unknown flag and lists the known ones', async () => {
    await expect(fx.run({ flags: { 'skip-synk': true } })).rejects.toThrow(
      "Unknown flag '--skip-synk' for this redeploy pipeline. Known flags: --skip-sync, --skip-env-check, --skip-worktree, --skip-pin-update, --skip-dockerfile-update, --skip-deploy, --skip-infisical, --skip-verify, --skip-notify, --worktree-ticket.",
    );
    expect(await fx.calls()).toEqual([]);
    expect(knownFlags(fx.pipeline())).toContain('skip-pin_update');
  });

  it('refuses a value on a switch and a switch without its value', async () => {
    await expect(fx.run({ flags: { 'skip-sync': 'yes' } })).rejects.toThrow('--skip-sync is a switch and takes no value; write just --skip-sync.');
    await expect(fx.run({ flags: { 'worktree-ticket': true } })).rejects.toThrow('--worktree-ticket needs a value, for example --worktree-ticket OPS-123.');
    await expect(fx.run({ flags: { 'worktree-ticket': '../evil' } })).rejects.toThrow(/is not a valid --worktree-ticket/);
  });

  it('`when` conditions on flags and variables: present, absent, with their own skip reason', async () => {
    const definition = fx.pipeline((b) => {
      b.phases.splice(5, 1, { name: 'CANARY', type: 'run', when: { flag: 'canary' }, command: NODE, args: [TOOL, 'canary'] }, {
        name: 'LEGACY',
        type: 'run',
        when: { envUnset: 'NEW_DEPLOYER', skipReason: 'new_deployer' },
        command: NODE,
        args: [TOOL, 'legacy'],
      });
    });
    const plain = await fx.run({ definition });
    expect(plain.phases).toMatchObject({ CANARY: 'skipped_condition', LEGACY: 'completed' });

    const flagged = await fx.run({ definition, flags: { canary: true }, env: fx.env({ NEW_DEPLOYER: '1' }) });
    expect(flagged.phases).toMatchObject({ CANARY: 'completed', LEGACY: 'skipped_new_deployer' });
    expect(await fx.roles()).toEqual(['pins', 'deploy', 'legacy', 'version', 'version', 'pins', 'deploy', 'canary', 'version', 'version']);
  });
});
