import type { ObjectRef, WatchTarget } from '../../core/cluster/cluster-port.js';
import type { StepState } from '../../core/progress.js';
import type { JobOrigin } from '../job-data.js';

/**
 * Following one pushed commit into the cluster: a job of its own, so the rollout's lock and push are
 * not held up and a worker crash does not lose it (BullMQ recovers the job; it picks up the watch).
 */
export interface FollowJobData {
  kind: 'follow';
  /** The rollout's message (messageTs set): the follow-up keeps updating it. */
  origin: JobOrigin;
  env: string;
  service: string;
  tag: string;
  /** What to offer rolling back to. */
  previousTag: string | null;
  commit: string;
  /** ms since epoch. */
  pushedAt: number;
  kustomization: ObjectRef;
  helmRelease?: ObjectRef;
  workload?: WatchTarget['workload'];
  /** The message so far (rollout or release apply): title, steps, summary. */
  title: string;
  steps: StepState[];
  summary: string;
  /** Whether a Roll back button may be offered (environments that take rollouts). */
  rollback: boolean;
  /** Set for a release apply: its approval card shows the live state when following ends. */
  approvalId?: string;
}
