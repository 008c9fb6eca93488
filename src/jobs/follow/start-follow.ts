import { execa } from 'execa';
import type { CatalogEntry } from '../../core/catalog/catalog-file.js';
import { followTargetOf } from '../../core/cluster/follow-target.js';
import type { EnvironmentConfig } from '../../core/config/schema.js';
import type { ProgressSnapshot } from '../../core/progress.js';
import type { RolloutEngine, RolloutResult } from '../../core/rollout/rollout-engine.js';
import type { EnqueueResult } from '../job-enqueuer.js';
import type { JobOrigin, RollbotJobData } from '../job-data.js';
import type { JobReporter } from '../job-reporter.js';
import { pendingFollowSteps } from './follow-messages.js';

export interface FollowStarterDeps {
  engine: RolloutEngine;
  catalogEntry: (env: EnvironmentConfig, service: string) => CatalogEntry | undefined;
  enqueue: (data: RollbotJobData, idempotencyKey: string) => Promise<EnqueueResult>;
  clock?: () => number;
}

export interface FollowHandoff {
  env: EnvironmentConfig;
  result: RolloutResult;
  origin: JobOrigin;
  reporter: JobReporter;
  /** The message's title and steps so far. */
  snapshot: ProgressSnapshot;
  summary: string;
  rollback: boolean;
  /** A release's approval: its card shows the live state too. */
  approvalId?: string;
}

/** Would this change be followed into the cluster? A pushed commit on the environment's branch, with a cluster set. */
export function shouldFollow(env: EnvironmentConfig, result: RolloutResult): boolean {
  return Boolean(env.cluster?.follow && result.status === 'updated' && result.commit && (!result.branch || result.branch === env.branch));
}

/** Records the snapshots a reporter is given, so the follow-up can continue the same message. */
export function recordingSnapshots(reporter: JobReporter): JobReporter & { last?: ProgressSnapshot } {
  const wrapped: JobReporter & { last?: ProgressSnapshot } = {
    ...reporter,
    progress(snapshot) {
      wrapped.last = snapshot;
      reporter.progress(snapshot);
    },
  };
  return wrapped;
}

/**
 * Hands a pushed commit to a follow job: the message gains the pending cluster steps at once, and
 * the job (queued once per commit and service) does the waiting, outside the rollout's lock.
 */
export async function startFollow(deps: FollowStarterDeps, handoff: FollowHandoff): Promise<string> {
  const { env, result } = handoff;
  const pushedAt = (deps.clock ?? Date.now)();
  const catalog = deps.catalogEntry(env, result.service);
  const target = followTargetOf({ service: result.service, catalog, ...(await filesAt(deps.engine.workspace(env).dir, result.commit!, result.file)) });
  const steps = [...handoff.snapshot.steps, ...pendingFollowSteps(env.cluster!.reconcile)];
  handoff.reporter.progress({ title: handoff.snapshot.title, steps });
  const messageTs = await handoff.reporter.messageTs?.();
  const { jobId } = await deps.enqueue(
    {
      kind: 'follow',
      origin: { ...handoff.origin, messageTs: messageTs ?? handoff.origin.messageTs },
      env: env.name,
      service: result.service,
      tag: result.tag,
      previousTag: result.previousTag,
      commit: result.commit!,
      pushedAt,
      kustomization: { namespace: env.fluxNamespace, name: result.kustomization },
      ...target,
      title: handoff.snapshot.title,
      steps: handoff.snapshot.steps,
      summary: handoff.summary,
      rollback: handoff.rollback,
      ...(handoff.approvalId ? { approvalId: handoff.approvalId } : {}),
    },
    `follow-${env.name}-${result.service}-${result.commit}`,
  );
  return jobId;
}

/** The edited file and the other YAML files of its folder, at the commit. */
export async function filesAt(dir: string, commit: string, file: string): Promise<{ fileText: string; siblings: string[] }> {
  const show = async (path: string) => (await execa('git', ['show', `${commit}:${path}`], { cwd: dir })).stdout;
  const folder = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
  const names = (await execa('git', ['ls-tree', '--name-only', commit, folder || '.'], { cwd: dir })).stdout.split('\n');
  const siblings = names.filter((n) => /\.ya?ml$/.test(n) && n !== file).slice(0, 20);
  return { fileText: await show(file), siblings: await Promise.all(siblings.map(show)) };
}

/** The rollout summary without seed 000's "Flux will reconcile automatically" hint: rollbot is on it. */
export function summaryWhileFollowing(summary: string): string {
  return summary.split('\n\nFlux will reconcile automatically')[0]!;
}
