import { UnrecoverableError } from 'bullmq';
import { isRollbotError, userMessageOf } from '../core/errors.js';
import { errorMrkdwn } from '../core/mrkdwn.js';
import type { AttemptInfo } from './job-processor.js';
import type { JobReporter, ResultButton } from './job-reporter.js';

/**
 * Reports a failure and decides whether BullMQ retries: user errors (not found, read-only, bad PR)
 * end the job at once; transient ones are retried with backoff and only the last attempt says so.
 */
export async function reportFailure(error: unknown, attempt: AttemptInfo, reporter: JobReporter, buttons?: ResultButton[]): Promise<never> {
  if (isRollbotError(error) && !error.transient) {
    await reporter.fail(errorMrkdwn(error, error.userMessage), { buttons });
    throw new UnrecoverableError(error.userMessage);
  }
  const willRetry = attempt.attempt < attempt.attempts;
  // Buttons belong to the final outcome, not to a failure that will be retried.
  await reporter.fail(errorMrkdwn(error, userMessageOf(error)), { willRetry, buttons: willRetry ? undefined : buttons });
  throw error;
}
