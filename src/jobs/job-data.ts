import type { FluxCommand } from '../core/commands/command.js';
import type { RedeployArgs } from '../core/pipeline/args.js';
import type { HistoryJobData, LockJobData, RollbackJobData } from './guard-job-data.js';
import type { FollowJobData } from './follow/follow-job-data.js';

export type { HistoryJobData, LockJobData, RollbackJobData } from './guard-job-data.js';
export type { FollowJobData };

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
  /** Absent for a roll back, which sets `tag` (the previous one) instead. */
  pr?: number;
  sha?: string;
  tag?: string;
  dryRun: boolean;
  /** Where to write (`file:path`), picked by the requester after an ambiguous rollout. */
  site?: string;
  /** The PR as the code host's API described it when the rollout was asked for (its head is the commit). */
  pull?: { number: number; title: string; author: string; headSha: string; headRef: string };
  /** Through a freeze: set only after the bot checked the requester may break the glass. */
  force?: boolean;
}

export interface CatalogJobData {
  kind: 'catalog';
  origin: JobOrigin;
  env: string;
  action: 'regenerate' | 'save';
  /** regenerate: save right away (`--save`) instead of offering a Save button. */
  save?: boolean;
  /** save: the regenerate job whose result is saved. */
  fromJob?: string;
}

export interface FluxJobData {
  kind: 'flux';
  origin: JobOrigin;
  env: string;
  command: FluxCommand;
}

export interface ReleaseJobData {
  kind: 'release';
  origin: JobOrigin;
  env: string;
  /** prepare: check and ask for approval; apply: after approval; expire: at the deadline. */
  action: 'prepare' | 'apply' | 'expire';
  service?: string;
  sha?: string;
  tag?: string;
  pr?: number;
  approvalId?: string;
  /** prepare: where the tag is (`file:path`), picked after an ambiguous first check. */
  site?: string;
  /** Through a freeze: set only after the bot checked the requester may break the glass. */
  force?: boolean;
}

export interface RedeployJobData {
  kind: 'redeploy';
  origin: JobOrigin;
  env: string;
  /** Chosen when the request is accepted, so a retried or recovered job continues its own run. */
  runId: string;
  args: RedeployArgs;
  /** How the resume hint starts (`/redeploy --env staging`). */
  commandName: string;
}

/** `/status <service>`: git and cluster, read in a worker (the cluster may be slow to answer). */
export interface StatusJobData {
  kind: 'status';
  origin: JobOrigin;
  env: string;
  service: string;
}

export type RollbotJobData =
  | RolloutJobData
  | CatalogJobData
  | FluxJobData
  | ReleaseJobData
  | RedeployJobData
  | HistoryJobData
  | RollbackJobData
  | LockJobData
  | FollowJobData
  | StatusJobData;
export type RollbotJobKind = RollbotJobData['kind'];
