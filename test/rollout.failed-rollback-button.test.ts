import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { parseConfig } from '../src/core/config/load.js';
import { rolloutProcessor } from '../src/jobs/rollout-processor.js';
import type { JobReporter, ResultButton } from '../src/jobs/job-reporter.js';
import type { DeployLocks } from '../src/jobs/release/deploy-locks.js';
import { BareRepo, removeDir, tempDir, valuesFile } from './support/git-fixtures.js';
import { makeEngine } from './support/rollout-env.js';

let root: string;
beforeEach(async () => {
  root = await tempDir();
});
afterEach(async () => {
  await removeDir(root);
});

/** Records what the job showed; `succeed` fails like Slack being down after the push landed. */
function reporter(failSucceed: boolean) {
  const failures: Array<{ text: string; buttons?: ResultButton[] }> = [];
  const r: JobReporter = {
    progress: () => undefined,
    reply: async () => undefined,
    succeed: async () => {
      if (failSucceed) throw new Error('chat.update failed: service_unavailable');
    },
    fail: async (text, options) => {
      failures.push({ text, buttons: options?.buttons });
    },
  };
  return { r, failures };
}

const noLocks = { assertMayDeploy: async () => undefined } as unknown as DeployLocks;

describe('a failed rollout offers Roll back only when its push landed', () => {
  it('a failure after the push: the last attempt offers to undo exactly this job’s commit', async () => {
    const flux = await BareRepo.create(root, { 'apps/papi/values.yaml': valuesFile('papi', 'old') });
    const config = parseConfig({ dataDir: join(root, 'data'), environments: { dev: { fluxGitRepo: flux.url } } }, join(root, 'rollbot.yaml'));
    const process = rolloutProcessor({ config, engine: makeEngine(root), locks: noLocks });
    const { r, failures } = reporter(true);
    const data = { kind: 'rollout' as const, origin: { channel: 'C1', user: 'U_ALICE' }, env: 'dev', service: 'papi', pr: 5, sha: 'abcdef1', dryRun: false };
    await expect(process(data, { jobId: 'rollout-abc', attempt: 3, attempts: 3 }, r)).rejects.toThrow('chat.update failed');
    expect(failures.at(-1)!.buttons).toEqual([
      { actionId: 'rollback_to', text: 'Roll back papi', value: JSON.stringify({ env: 'dev', service: 'papi', undo: 'rollout-abc' }), style: 'danger' },
    ]);
  });

  it('a failure before anything was pushed offers nothing to roll back', async () => {
    const flux = await BareRepo.create(root, { 'apps/papi/values.yaml': valuesFile('papi', 'old') });
    const config = parseConfig({ dataDir: join(root, 'data'), environments: { dev: { fluxGitRepo: flux.url } } }, join(root, 'rollbot.yaml'));
    const process = rolloutProcessor({ config, engine: makeEngine(root), locks: noLocks });
    const { r, failures } = reporter(false);
    const data = { kind: 'rollout' as const, origin: { channel: 'C1', user: 'U_ALICE' }, env: 'dev', service: 'nope', pr: 5, sha: 'abcdef1', dryRun: false };
    await expect(process(data, { jobId: 'rollout-def', attempt: 1, attempts: 3 }, r)).rejects.toThrow("Could not find flux config for 'nope'");
    expect(failures.at(-1)!.buttons).toBeUndefined();
  });
});
