import type { Clock, StepState } from '../progress.js';
import type { ClusterPort, ObjectRef, WatchTarget } from './cluster-port.js';
import { evaluate, revisionSha, type FollowGoal, type FollowOutcome, type Observed } from './follow-state.js';

export interface FollowRequest {
  service: string;
  environment: string;
  commit: string;
  tag: string;
  kustomization: ObjectRef;
  helmRelease?: ObjectRef;
  workload?: WatchTarget['workload'];
  reconcile: boolean;
  timeoutMs: number;
  /** When the push happened (the clock's ms); the timeout and "48 s after the push" count from it. */
  pushedAt: number;
}

export interface FollowDeps {
  cluster: ClusterPort;
  /** Does `sha` (a revision the cluster has) contain `commit`? The commit itself, or a later one on the branch. */
  contains: (commit: string, sha: string) => Promise<boolean>;
  clock: Clock;
}

export interface FollowResult {
  outcome: FollowOutcome;
  steps: StepState[];
  /** ms from the push to the outcome. */
  afterPushMs: number;
  watchRequests: number;
}

/**
 * Follows one pushed commit into the cluster: asks Flux to reconcile (source first, then the
 * Kustomization once the source has the commit, as the flux CLI does), watches the objects, and
 * reports each new state of the Reconcile / Source / Applied / Live steps until live or failed.
 */
export async function followRollout(request: FollowRequest, deps: FollowDeps, onSteps: (steps: StepState[]) => void): Promise<FollowResult> {
  const { cluster, clock } = deps;
  const goal: FollowGoal = {
    service: request.service,
    environment: request.environment,
    commit: request.commit,
    tag: request.tag,
    reconcile: request.reconcile ? 'pending' : 'off',
    usesHelmRelease: request.helmRelease !== undefined,
  };
  const finish = (outcome: FollowOutcome, steps: StepState[], watchRequests = 0): FollowResult => ({ outcome, steps, afterPushMs: clock() - request.pushedAt, watchRequests });

  let ks;
  try {
    ks = await cluster.getKustomization(request.kustomization);
  } catch (error) {
    const steps = evaluate(goal, { pods: {}, containsCommit: () => undefined }, 0, request.timeoutMs).steps;
    return finish({ ok: false, code: 'cluster-error', reason: `the cluster could not be read: ${(error as Error).message}` }, steps);
  }
  if (!ks) {
    const steps = evaluate(goal, { pods: {}, containsCommit: () => undefined }, 0, request.timeoutMs).steps;
    return finish({ ok: false, code: 'not-found', reason: `Kustomization ${request.kustomization.namespace}/${request.kustomization.name} is not in the cluster. Set the service's kustomization in the catalog (or the environment's \`kustomization\`) to the one that applies it.` }, steps);
  }
  const source: ObjectRef = { namespace: ks.sourceRef.namespace, name: ks.sourceRef.name };

  const known = new Map<string, boolean>();
  let update: () => void = () => undefined;
  const seen: Observed = {
    kustomization: ks,
    pods: {},
    containsCommit: (revision) => {
      const sha = revisionSha(revision);
      if (!sha) return false;
      if (sha === request.commit) return true;
      if (!known.has(sha)) {
        known.set(sha, false);
        deps.contains(request.commit, sha).then(
          (yes) => {
            known.set(sha, yes);
            if (yes) update();
          },
          () => known.delete(sha),
        );
        return undefined;
      }
      return known.get(sha);
    },
  };

  return new Promise<FollowResult>((resolve) => {
    let done = false;
    let last = '';
    let kustomizationRequested = false;
    const staleAttempts = new Set<string>();
    let fatal: string | undefined;
    const watch = cluster.watch({ kustomization: request.kustomization, helmRelease: request.helmRelease, workload: request.workload }, source, (event) => {
      switch (event.kind) {
        case 'source':
          seen.source = event.view;
          break;
        case 'kustomization':
          seen.kustomization = event.view;
          break;
        case 'helmrelease':
          seen.helmRelease = event.view;
          break;
        case 'workloads':
          seen.workloads = event.views;
          break;
        case 'pods':
          seen.pods = { ...seen.pods, [event.workload]: event.pods };
          break;
        case 'error':
          if (event.fatal) fatal = event.message;
          break;
      }
      update();
    });
    const timer = setTimeout(() => update(), Math.max(0, request.pushedAt + request.timeoutMs - clock()) + 5);

    update = () => {
      if (done) return;
      // Attempts helm-controller started before the commit was applied belong to an earlier change.
      const attempt = seen.helmRelease?.lastAttemptedConfigDigest;
      const appliedRevision = seen.kustomization?.lastAppliedRevision;
      if (attempt && !(appliedRevision && seen.containsCommit(appliedRevision) === true)) staleAttempts.add(attempt);
      const verdict = evaluate(goal, { ...seen, staleHelmAttempts: staleAttempts }, clock() - request.pushedAt, request.timeoutMs);
      let outcome = verdict.outcome;
      if (!outcome && fatal) outcome = { ok: false, code: 'cluster-error', reason: fatal };
      if (verdict.requestKustomization && !kustomizationRequested) {
        kustomizationRequested = true;
        cluster.requestReconcile('Kustomization', request.kustomization, new Date(clock()).toISOString()).catch((error: Error) => {
          fatal = `the reconcile request was refused: ${error.message}`;
          update();
        });
      }
      const key = JSON.stringify(verdict.steps);
      if (key !== last || outcome) {
        last = key;
        onSteps(verdict.steps);
      }
      if (outcome) {
        done = true;
        clearTimeout(timer);
        watch.stop();
        resolve(finish(outcome, verdict.steps, watch.requests));
      }
    };

    if (request.reconcile) {
      cluster.requestReconcile('GitRepository', source, new Date(clock()).toISOString()).then(
        () => {
          goal.reconcile = 'requested';
          update();
        },
        (error: Error) => {
          fatal = `the reconcile request was refused: ${error.message}`;
          update();
        },
      );
    }
    update();
  });
}
