import type { LoadedConfig } from '../core/config/load.js';
import { environmentOf } from '../core/config/load.js';
import type { RolloutEngine } from '../core/rollout/rollout-engine.js';
import { rolloutSummary } from '../core/rollout/rollout-summary.js';
import type { RolloutJobData } from './job-data.js';
import type { JobProcessor } from './job-processor.js';
import { reportFailure } from './user-errors.js';
import type { DeployLocks } from './release/deploy-locks.js';
import { recordingSnapshots, shouldFollow, startFollow, summaryWhileFollowing, type FollowStarterDeps } from './follow/start-follow.js';

/** Runs one rollout; the job id doubles as the request id that keeps a recovered job exactly-once. */
export function rolloutProcessor(deps: { config: LoadedConfig; engine: RolloutEngine; locks: DeployLocks; follow?: FollowStarterDeps }): JobProcessor<RolloutJobData> {
  return async (data, attempt, reporter) => {
    try {
      const env = environmentOf(deps.config, data.env);
      // Checked again here: the lock may have been taken while the job waited in the queue.
      if (!data.dryRun) await deps.locks.assertMayDeploy(env.name, data.origin.user);
      const recorded = recordingSnapshots(reporter);
      const result = await deps.engine.rollout(
        env,
        {
          service: data.service,
          pr: data.pr,
          sha: data.sha,
          tag: data.tag,
          dryRun: data.dryRun,
          requestedBy: data.origin.user,
          requestId: attempt.jobId,
          ...(data.tag && data.pr === undefined ? { title: `Roll back ${data.service} to ${data.tag} in ${env.name}` } : {}),
        },
        recorded,
      );
      const summary = rolloutSummary(result, 'mrkdwn');
      // After the push, outside the engine's lock: a job of its own follows the commit into the cluster.
      if (deps.follow && recorded.last && shouldFollow(env, result)) {
        await startFollow(deps.follow, { env, result, origin: data.origin, reporter, snapshot: recorded.last, summary: summaryWhileFollowing(summary), rollback: env.allowRollout });
        return result;
      }
      await reporter.succeed(summary);
      return result;
    } catch (error) {
      return reportFailure(error, attempt, reporter);
    }
  };
}
