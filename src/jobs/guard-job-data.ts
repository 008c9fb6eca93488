import type { JobOrigin } from './job-data.js';

/** `/history`: read from the Flux repo's git history by a worker (the bot never touches git). */
export interface HistoryJobData {
  kind: 'history';
  origin: JobOrigin;
  env: string;
  service: string;
  limit: number;
}

/** `/rollback` and the Roll back buttons. */
export interface RollbackJobData {
  kind: 'rollback';
  origin: JobOrigin;
  env: string;
  service: string;
  to?: string;
  /** Undo what this earlier request (a failed rollout's job id) committed. */
  undo?: string;
  /** Set only after the bot checked the requester may break the glass. */
  force?: boolean;
}

/** A timed `/lock`: a delayed job that unlocks at the deadline (it survives restarts in Redis). */
export interface LockJobData {
  kind: 'lock';
  origin: JobOrigin;
  env: string;
  action: 'expire';
  holder: string;
  since: number;
}
