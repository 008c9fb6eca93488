import type { RollbotJobData } from './job-data.js';
import type { JobReporter } from './job-reporter.js';

export interface AttemptInfo {
  jobId: string;
  /** 1-based attempt number and the total allowed. */
  attempt: number;
  attempts: number;
}

/** Runs one kind of job; throws UnrecoverableError for user errors so BullMQ does not retry them. */
export type JobProcessor<T extends RollbotJobData = RollbotJobData> = (data: T, attempt: AttemptInfo, reporter: JobReporter) => Promise<unknown>;

/** One processor per job kind. */
export type ProcessorTable = { [K in RollbotJobData['kind']]: JobProcessor<Extract<RollbotJobData, { kind: K }>> };
