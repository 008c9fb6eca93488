import { UnrecoverableError } from 'bullmq';
import { isRollbotError, userMessageOf } from '../core/errors.js';
import { errorMrkdwn } from '../core/mrkdwn.js';
import type { AttemptInfo } from './job-processor.js';
import type { JobReporter } from './job-reporter.js';

/**
 * Reports a failure and decides whether BullMQ retries: user errors (not found, read-only, bad PR)
 * end the job at once; transient ones are retried with backoff and only the last attempt says so.
 */
export async function reportFailure(error: unknown, attempt: AttemptInfo, reporter: JobReporter): Promise<never> {
  if (isRollbotError(error) && !error.transient) {
    await reporter.fail(errorMrkdwn(error, error.userMessage));
    throw new UnrecoverableError(error.userMessage);
  }
  await reporter.fail(errorMrkdwn(error, userMessageOf(error)), { willRetry: attempt.attempt < attempt.attempts });
  throw error;
}
