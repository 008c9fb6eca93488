import type { LoadedConfig } from '../core/config/load.js';
import { environmentOf } from '../core/config/load.js';
import type { RolloutEngine } from '../core/rollout/rollout-engine.js';
import { rolloutSummary } from '../core/rollout/rollout-summary.js';
import type { RolloutJobData } from './job-data.js';
import type { JobProcessor } from './job-processor.js';
import { reportFailure } from './user-errors.js';
import type { DeployLocks } from './release/deploy-locks.js';
import type { RepoBatcher } from './repo-batcher.js';

/** Runs one rollout; the job id doubles as the request id that keeps a recovered job exactly-once. */
export function rolloutProcessor(deps: {
  config: LoadedConfig;
  engine: RolloutEngine;
  locks: DeployLocks;
  /** Applies rollouts of one repository together (one push); without it each rollout pushes alone. */
  batcher?: Pick<RepoBatcher, 'rollout'>;
}): JobProcessor<RolloutJobData> {
  return async (data, attempt, reporter) => {
    try {
      const env = environmentOf(deps.config, data.env);
      // Checked again here: the lock may have been taken while the job waited in the queue.
      if (!data.dryRun) await deps.locks.assertMayDeploy(env.name, data.origin.user);
      const result = await (deps.batcher ?? deps.engine).rollout(
        env,
        { service: data.service, pr: data.pr, sha: data.sha, dryRun: data.dryRun, requestedBy: data.origin.user, requestId: attempt.jobId },
        reporter,
      );
      await reporter.succeed(rolloutSummary(result, 'mrkdwn'));
      return result;
    } catch (error) {
      return reportFailure(error, attempt, reporter);
    }
  };
}
