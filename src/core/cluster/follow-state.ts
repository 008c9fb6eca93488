import type { StepState } from '../progress.js';
import type { Condition, HelmReleaseView, KustomizationView, PodView, SourceView, WorkloadView } from './cluster-port.js';

/** What was pushed, and how to tell it is live. */
export interface FollowGoal {
  service: string;
  environment: string;
  commit: string;
  tag: string;
  /** The reconcile request was made (or is not wanted). */
  reconcile: 'off' | 'pending' | 'requested';
  usesHelmRelease: boolean;
}

/** Everything the watches have reported so far. */
export interface Observed {
  source?: SourceView;
  kustomization?: KustomizationView;
  helmRelease?: HelmReleaseView | null;
  workloads?: WorkloadView[];
  pods: Record<string, PodView[]>;
  /** Revisions known to contain the commit (the revision itself or a later one on the branch). */
  containsCommit: (revision: string) => boolean | undefined;
  /**
   * HelmRelease attempts (config digests) seen before the Kustomization applied the commit: their
   * outcome is an earlier change's, not this one's. With `valuesFrom` new values do not bump the
   * generation, so a failure still arriving from the previous rollout would otherwise look like ours.
   */
  staleHelmAttempts?: ReadonlySet<string>;
}

export type FailureCode = 'cluster-error' | 'not-found' | 'source-failed' | 'kustomization-failed' | 'helmrelease-failed' | 'image-pull' | 'crash-loop' | 'progress-deadline' | 'timeout' | 'superseded';

export type FollowOutcome =
  | { ok: true; workload: string; ready: number; desired: number }
  | { ok: false; code: FailureCode; reason: string };

export interface FollowVerdict {
  steps: StepState[];
  outcome?: FollowOutcome;
  /** The source has the commit: time to ask the Kustomization to apply it (flux's order). */
  requestKustomization: boolean;
}

export const FOLLOW_STEPS = [
  ['reconcile', 'Reconcile'],
  ['source', 'Source'],
  ['applied', 'Applied'],
  ['live', 'Live'],
] as const;

export const revisionSha = (revision: string | undefined) => revision?.split('sha1:')[1];
const short = (sha: string | undefined) => (sha ? sha.slice(0, 7) : '?');
const tagOf = (image: string) => {
  const at = image.split('@')[0]!;
  const slash = at.lastIndexOf('/');
  const colon = at.lastIndexOf(':');
  return colon > slash ? at.slice(colon + 1) : 'latest';
};
const runsTag = (images: string[], tag: string) => images.some((i) => tagOf(i) === tag);
const failed = (c: Condition | undefined) => c?.status === 'False';
const because = (c: Condition) => `${c.reason}: ${c.message}`;

/**
 * The pure heart of following: from what the cluster shows, which of Reconcile / Source / Applied /
 * Live are done, and whether it has ended (live, or failed with Flux's or Kubernetes' own reason).
 */
export function evaluate(goal: FollowGoal, seen: Observed, elapsedMs: number, timeoutMs: number): FollowVerdict {
  const step = (id: string, label: string, status: StepState['status'], detail?: string): StepState => ({ id, label, status, ...(detail ? { detail } : {}) });
  const steps: StepState[] = [];
  const c7 = short(goal.commit);

  steps.push(
    goal.reconcile === 'off'
      ? step('reconcile', 'Reconcile', 'skipped', 'waiting for Flux\'s interval')
      : goal.reconcile === 'requested'
        ? step('reconcile', 'Reconcile', 'done', 'requested (flux reconcile --with-source)')
        : step('reconcile', 'Reconcile', 'running'),
  );

  // Source: the GitRepository's artifact has the commit.
  const sourceRevision = seen.source?.revision;
  const sourceHas = sourceRevision ? seen.containsCommit(sourceRevision) === true : false;
  const sourceName = seen.source ? `GitRepository ${seen.source.ref.name}` : 'GitRepository';
  let outcome: FollowOutcome | undefined;
  if (sourceHas) steps.push(step('source', 'Source', 'done', `${sourceName} at ${short(revisionSha(sourceRevision))}`));
  else if (failed(seen.source?.ready)) {
    steps.push(step('source', 'Source', 'failed', because(seen.source!.ready!)));
    outcome = { ok: false, code: 'source-failed', reason: `${sourceName} is not ready — ${because(seen.source!.ready!)}` };
  } else steps.push(step('source', 'Source', 'running', sourceRevision ? `${sourceName} at ${short(revisionSha(sourceRevision))}, waiting for ${c7}` : undefined));

  // Applied: the Kustomization applied a revision with the commit, and the HelmRelease took it.
  const ks = seen.kustomization;
  const ksName = ks ? `Kustomization ${ks.ref.name}` : 'Kustomization';
  const applied = ks?.lastAppliedRevision ? seen.containsCommit(ks.lastAppliedRevision) === true : false;
  const attempted = ks?.lastAttemptedRevision ? seen.containsCommit(ks.lastAttemptedRevision) === true : false;
  const hr = seen.helmRelease ?? undefined;
  const workload = (seen.workloads ?? []).find((w) => runsTag(w.images, goal.tag));
  let appliedDone = false;
  if (!outcome) {
    if (!sourceHas && !applied) steps.push(step('applied', 'Applied', 'pending'));
    else if (!applied && attempted && failed(ks?.ready)) {
      steps.push(step('applied', 'Applied', 'failed', because(ks!.ready!)));
      outcome = { ok: false, code: 'kustomization-failed', reason: `${ksName} did not apply ${c7} — ${because(ks!.ready!)}` };
    } else if (!applied) steps.push(step('applied', 'Applied', 'running', `${ksName} applying`));
    else if (
      goal.usesHelmRelease &&
      hr &&
      hr.observedGeneration === hr.generation &&
      failed(hr.ready) &&
      hr.ready!.reason !== 'Progressing' &&
      !staleAttemptFailure(hr, seen.staleHelmAttempts)
    ) {
      steps.push(step('applied', 'Applied', 'failed', because(hr.ready!)));
      outcome = { ok: false, code: 'helmrelease-failed', reason: `HelmRelease ${hr.ref.namespace}/${hr.ref.name} is not ready — ${because(hr.ready!)}` };
    } else if (!goal.usesHelmRelease || workload || (hr && hr.ready?.status === 'True' && hr.observedGeneration === hr.generation && workload)) {
      appliedDone = true;
      const helm = goal.usesHelmRelease && hr ? (hr.ready?.status === 'True' && hr.observedGeneration === hr.generation ? `, HelmRelease ${hr.ref.name} v${hr.latest?.version ?? '?'}` : `, HelmRelease ${hr.ref.name} rendered the new tag`) : '';
      steps.push(step('applied', 'Applied', 'done', `${ksName} at ${short(revisionSha(ks!.lastAppliedRevision))}${helm}`));
    } else steps.push(step('applied', 'Applied', 'running', `${ksName} at ${short(revisionSha(ks!.lastAppliedRevision))}, HelmRelease upgrading`));
  } else steps.push(step('applied', 'Applied', 'pending'));

  // Live: the workload with the new tag rolled out, its pods running the tag and ready.
  if (!outcome && appliedDone && workload) {
    const pods = seen.pods[workload.ref.name] ?? [];
    const fresh = pods.filter((p) => runsTag(p.containers.map((c) => c.image), goal.tag));
    const ready = fresh.filter((p) => p.ready).length;
    const problem = liveProblem(fresh, goal.tag);
    const name = `${workload.kind} ${workload.ref.name}`;
    if (problem) {
      steps.push(step('live', 'Live', 'failed', problem.reason));
      outcome = problem;
    } else if (workload.progressing?.status === 'False' && workload.progressing.reason === 'ProgressDeadlineExceeded') {
      steps.push(step('live', 'Live', 'failed', because(workload.progressing)));
      outcome = { ok: false, code: 'progress-deadline', reason: `${name} — ${because(workload.progressing)}` };
    } else if (workload.observedGeneration >= workload.generation && workload.updated === workload.desired && workload.total === workload.desired && workload.available === workload.desired && ready >= workload.desired) {
      steps.push(step('live', 'Live', 'done', `${name}: ${ready}/${workload.desired} pods ready`));
      outcome = { ok: true, workload: name, ready, desired: workload.desired };
    } else steps.push(step('live', 'Live', 'running', `${name}: ${ready}/${workload.desired} pods ready, ${workload.updated} updated`));
  } else if (!outcome && appliedDone && !workload) {
    steps.push(step('live', 'Live', 'running', 'waiting for a workload running the tag'));
  } else steps.push(step('live', 'Live', 'pending'));

  if (!outcome && elapsedMs >= timeoutMs) {
    const waiting = steps.find((s) => s.status === 'running' || s.status === 'pending');
    const after = timeoutMs >= 60_000 ? `${Math.round(timeoutMs / 60_000)} min` : `${Math.round(timeoutMs / 1000)} s`;
    outcome = { ok: false, code: 'timeout', reason: `Timed out after ${after} waiting for ${waiting?.label ?? 'the cluster'}${waiting?.detail ? ` (${waiting.detail})` : ''}` };
    if (waiting) waiting.status = 'failed';
  }
  return { steps, outcome, requestKustomization: goal.reconcile === 'requested' && sourceHas && !applied };
}

/** A pod of the new tag that cannot run: the image is missing, or the container keeps crashing. */
function liveProblem(pods: PodView[], tag: string): Extract<FollowOutcome, { ok: false }> | undefined {
  for (const pod of pods) {
    for (const c of pod.containers) {
      if (tagOf(c.image) !== tag) continue;
      const reason = c.waiting?.reason;
      if (reason === 'ErrImagePull' || reason === 'ImagePullBackOff' || reason === 'InvalidImageName') {
        // A missing tag says so plainly; any other pull error keeps the kubelet's message.
        const missing = /not found|manifest unknown/i.test(c.waiting?.message ?? '');
        const why = missing ? ` — the tag ${tag} is not in the registry` : c.waiting?.message ? ` (${c.waiting.message})` : '';
        return { ok: false, code: 'image-pull', reason: `pod ${pod.name} cannot pull ${c.image}: ${reason}${why}` };
      }
      if (reason === 'CrashLoopBackOff') {
        const last = c.lastTerminated ? `, last exit: ${c.lastTerminated.reason} (exit code ${c.lastTerminated.exitCode})` : '';
        return { ok: false, code: 'crash-loop', reason: `container ${c.name} in pod ${pod.name} is in CrashLoopBackOff after ${c.restartCount} restart${c.restartCount === 1 ? '' : 's'}${last}` };
      }
    }
  }
  return undefined;
}

/**
 * A failed Helm action (install, upgrade, test, rollback) of values attempted before the commit was
 * applied: an earlier change's outcome. Failures that are not an attempt's (values that cannot be
 * composed, a missing chart) describe the release as it is now and always count.
 */
function staleAttemptFailure(hr: HelmReleaseView, stale: ReadonlySet<string> | undefined): boolean {
  const attemptBound = /^(Install|Upgrade|Test|Rollback|Uninstall)Failed$/.test(hr.ready?.reason ?? '');
  return attemptBound && Boolean(hr.lastAttemptedConfigDigest && stale?.has(hr.lastAttemptedConfigDigest));
}
