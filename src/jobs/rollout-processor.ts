import { UnrecoverableError } from 'bullmq';
import type { LoadedConfig } from '../core/config/load.js';
import { environmentOf } from '../core/config/load.js';
import { isRollbotError, userMessageOf } from '../core/errors.js';
import type { RolloutEngine, RolloutResult } from '../core/rollout/rollout-engine.js';
import { rolloutSummary } from '../core/rollout/rollout-summary.js';
import type { RolloutJobData } from './job-data.js';
import type { JobReporter } from './job-reporter.js';

export interface AttemptInfo {
  jobId: string;
  /** 1-based attempt number and the total allowed. */
  attempt: number;
  attempts: number;
}

/**
 * Runs one rollout job. User errors (not found, read-only, bad PR) end the job at once
 * (UnrecoverableError: no retries); transient ones (push, network) are retried with backoff and
 * only the last attempt reports failure.
 */
export async function processRollout(
  data: RolloutJobData,
  attempt: AttemptInfo,
  deps: { config: LoadedConfig; engine: RolloutEngine; reporter: JobReporter },
): Promise<RolloutResult> {
  const { reporter } = deps;
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
    if (isRollbotError(error) && !error.transient) {
      await reporter.fail(error.userMessage);
      throw new UnrecoverableError(error.userMessage);
    }
    const willRetry = attempt.attempt < attempt.attempts;
    await reporter.fail(userMessageOf(error), { willRetry });
    throw error;
  }
}
