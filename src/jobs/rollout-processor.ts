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
import type { FreezeGuard } from './guard/freeze-guard.js';
import { ROLLBACK_ACTION, rollbackButtonValue } from './guard-actions.js';
import type { JobReporter, ResultButton } from './job-reporter.js';
import type { RepoBatcher } from './repo-batcher.js';
import { recordingSnapshots, shouldFollow, startFollow, summaryWhileFollowing, type FollowStarterDeps } from './follow/start-follow.js';

/** Remembers whether this job's push went through (a failure after it leaves something to roll back). */
function watchPush(reporter: JobReporter): { reporter: JobReporter; pushed: () => boolean } {
  let pushed = false;
  return {
    reporter: {
      ...reporter,
      progress(snapshot) {
        if (snapshot.steps.some((s) => s.id === 'push' && s.status === 'done')) pushed = true;
        reporter.progress(snapshot);
      },
    },
    pushed: () => pushed,
  };
}

/** Runs one rollout; the job id doubles as the request id that keeps a recovered job exactly-once. */
export function rolloutProcessor(deps: {
  config: LoadedConfig;
  engine: RolloutEngine;
  locks: DeployLocks;
  freezes?: FreezeGuard;
  clock?: () => number;
  /** Applies rollouts of one repository together (one push); without it each rollout pushes alone. */
  batcher?: Pick<RepoBatcher, 'rollout'>;
  /** Follows a pushed commit into the cluster (environments with `cluster:`). */
  follow?: FollowStarterDeps;
}): JobProcessor<RolloutJobData> {
  return async (data, attempt, jobReporter) => {
    const watched = watchPush(jobReporter);
    const reporter = watched.reporter;
    try {
      const env = environmentOf(deps.config, data.env);
      // Checked again here: the lock may have been taken while the job waited in the queue.
      if (!data.dryRun) await deps.locks.assertMayDeploy(env.name, data.origin.user);
      if (!data.dryRun && !data.force) await deps.freezes?.check(env, data.origin.user, false, (deps.clock ?? Date.now)(), `rollout of ${data.service}`);
      const recorded = recordingSnapshots(reporter);
      const result = await (deps.batcher ?? deps.engine).rollout(
        env,
        {
          service: data.service,
          pr: data.pr,
          sha: data.sha,
          tag: data.tag,
          pullRequest: data.pull,
          dryRun: data.dryRun,
          requestedBy: data.origin.user,
          requestId: attempt.jobId,
          site: data.site,
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
      if (error instanceof AmbiguousImageSite) {
        const { env, service, pr, sha, dryRun, origin } = data;
        return failWithSiteChoice(error, { kind: 'rollout', env, service, pr, sha, dryRun, user: origin.user }, reporter);
      }
      // Failed after its push (e.g. following it into the cluster): offer to undo exactly that commit.
      const offer = !data.dryRun && watched.pushed();
      const buttons: ResultButton[] | undefined = offer
        ? [{ actionId: ROLLBACK_ACTION, text: `Roll back ${data.service}`, value: rollbackButtonValue(data.env, data.service, undefined, attempt.jobId), style: 'danger' }]
        : undefined;
      return reportFailure(error, attempt, reporter, buttons);
    }
  };
}
