/**
 * Job payloads are plain JSON: a job can be retried by any worker, after any restart. Each carries
 * where to report (channel, thread, message) and who asked.
 */
export interface JobOrigin {
  channel: string;
  /** Reply in this thread (mentions), or top-level when absent (slash commands). */
  threadTs?: string;
  user: string;
  /** The progress message, once posted: a retried job updates it instead of posting another. */
  messageTs?: string;
}

export interface RolloutJobData {
  kind: 'rollout';
  origin: JobOrigin;
  env: string;
  service: string;
  pr: number;
  sha?: string;
  dryRun: boolean;
}

export type RollbotJobData = RolloutJobData;
export type RollbotJobKind = RollbotJobData['kind'];
