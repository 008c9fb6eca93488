import type { LoadedConfig } from '../core/config/load.js';
import { environmentOf } from '../core/config/load.js';
import type { RolloutEngine } from '../core/rollout/rollout-engine.js';
import { rolloutSummary } from '../core/rollout/rollout-summary.js';
import type { RolloutJobData } from './job-data.js';
import type { JobProcessor } from './job-processor.js';
import { reportFailure } from './user-errors.js';

/** Runs one rollout; the job id doubles as the request id that keeps a recovered job exactly-once. */
export function rolloutProcessor(deps: { config: LoadedConfig; engine: RolloutEngine }): JobProcessor<RolloutJobData> {
  return async (data, attempt, reporter) => {
    try {
      const env = environmentOf(deps.config, data.env);
      const result = await deps.engine.rollout(
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
