import type { LoadedConfig } from '../core/config/load.js';
import { environmentOf } from '../core/config/load.js';
import type { RolloutEngine } from '../core/rollout/rollout-engine.js';
import { rolloutSummary } from '../core/rollout/rollout-summary.js';
import type { RolloutJobData } from './job-data.js';
import type { JobProcessor } from './job-processor.js';
import { reportFailure } from './user-errors.js';
import { AmbiguousImageSite } from '../core/errors.js';
import { failWithSiteChoice } from './site-choice.js';
import type { DeployLocks } from './release/deploy-locks.js';

/** Runs one rollout; the job id doubles as the request id that keeps a recovered job exactly-once. */
export function rolloutProcessor(deps: { config: LoadedConfig; engine: RolloutEngine; locks: DeployLocks }): JobProcessor<RolloutJobData> {
  return async (data, attempt, reporter) => {
    try {
      const env = environmentOf(deps.config, data.env);
      // Checked again here: the lock may have been taken while the job waited in the queue.
      if (!data.dryRun) await deps.locks.assertMayDeploy(env.name, data.origin.user);
      const result = await deps.engine.rollout(
        env,
        { service: data.service, pr: data.pr, sha: data.sha, pullRequest: data.pull, dryRun: data.dryRun, requestedBy: data.origin.user, requestId: attempt.jobId, site: data.site },
        reporter,
      );
      await reporter.succeed(rolloutSummary(result, 'mrkdwn'));
      return result;
    } catch (error) {
      if (error instanceof AmbiguousImageSite) {
        const { env, service, pr, sha, dryRun, origin } = data;
        return failWithSiteChoice(error, { kind: 'rollout', env, service, pr, sha, dryRun, user: origin.user }, reporter);
      }
      return reportFailure(error, attempt, reporter);
    }
  };
}
