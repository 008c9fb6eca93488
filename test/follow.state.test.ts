import { describe, expect, it } from 'vitest';
import type { PodView, WorkloadView } from '../src/core/cluster/cluster-port.js';
import { evaluate, type FollowGoal, type Observed } from '../src/core/cluster/follow-state.js';
import { parseConfig } from '../src/core/config/load.js';

const C = 'c'.repeat(40);
const goal: FollowGoal = { service: 'papi', environment: 'rdebug', commit: C, tag: 'ps-42-ccccccc', reconcile: 'requested', usesHelmRelease: true };
const rev = (sha: string) => `main@sha1:${sha}`;
const ready = { type: 'Ready', status: 'True' as const, reason: 'Succeeded', message: '' };
const workload = (over: Partial<WorkloadView> = {}): WorkloadView => ({
  kind: 'Deployment', ref: { namespace: 'apps', name: 'papi' }, generation: 2, observedGeneration: 2, desired: 3, total: 3, updated: 3, available: 3,
  images: ['ghcr.io/acme/papi:ps-42-ccccccc'], selector: { app: 'papi' }, ...over,
});
const pod = (name: string, tag: string, isReady: boolean, waiting?: PodView['containers'][0]['waiting']): PodView => ({
  name, ready: isReady, containers: [{ name: 'papi', image: `ghcr.io/acme/papi:${tag}`, ready: isReady, restartCount: 0, waiting }],
});
const seen = (over: Partial<Observed> = {}): Observed => ({
  source: { ref: { namespace: 'flux-system', name: 'flux-system' }, revision: rev(C), ready },
  kustomization: { ref: { namespace: 'flux-system', name: 'apps-papi' }, sourceRef: { kind: 'GitRepository', namespace: 'flux-system', name: 'flux-system' }, lastAppliedRevision: rev(C), lastAttemptedRevision: rev(C), ready },
  helmRelease: { ref: { namespace: 'apps', name: 'papi' }, generation: 3, observedGeneration: 3, ready, latest: { version: 3, status: 'deployed' }, targetNamespace: 'apps' },
  workloads: [workload()],
  pods: { papi: [pod('a', 'ps-42-ccccccc', true), pod('b', 'ps-42-ccccccc', true), pod('c', 'ps-42-ccccccc', true)] },
  containsCommit: (r) => r === rev(C),
  ...over,
});
const statuses = (v: ReturnType<typeof evaluate>) => Object.fromEntries(v.steps.map((s) => [s.id, s.status]));

describe('the follow state machine', () => {
  it('is live when every replica runs the new tag and is ready', () => {
    const verdict = evaluate(goal, seen(), 48_000, 600_000);
    expect(verdict.outcome).toEqual({ ok: true, workload: 'Deployment papi', ready: 3, desired: 3 });
    expect(statuses(verdict)).toEqual({ reconcile: 'done', source: 'done', applied: 'done', live: 'done' });
  });

  it('waits while old pods are still running beside the new ones', () => {
    const verdict = evaluate(goal, seen({ workloads: [workload({ total: 4, available: 3 })] }), 1_000, 600_000);
    expect(verdict.outcome).toBeUndefined();
    expect(statuses(verdict).live).toBe('running');
  });

  it('waits for the source before anything else, and asks for the Kustomization once the source has the commit', () => {
    const old = 'a'.repeat(40);
    const before = evaluate(goal, seen({ source: { ref: { namespace: 'flux-system', name: 'flux-system' }, revision: rev(old), ready }, kustomization: { ...seen().kustomization!, lastAppliedRevision: rev(old), lastAttemptedRevision: rev(old) }, workloads: [] }), 1_000, 600_000);
    expect(statuses(before)).toMatchObject({ source: 'running', applied: 'pending', live: 'pending' });
    expect(before.requestKustomization).toBe(false);
    const after = evaluate(goal, seen({ kustomization: { ...seen().kustomization!, lastAppliedRevision: rev(old), lastAttemptedRevision: rev(old) }, workloads: [] }), 1_000, 600_000);
    expect(after.requestKustomization).toBe(true);
  });

  it('counts a later revision that contains the commit as having it', () => {
    const later = 'd'.repeat(40);
    const verdict = evaluate(goal, seen({ source: { ref: { namespace: 'flux-system', name: 'flux-system' }, revision: rev(later), ready }, containsCommit: (r) => r === rev(C) || r === rev(later) }), 1_000, 600_000);
    expect(statuses(verdict).source).toBe('done');
  });

  it('fails on ImagePullBackOff of a new pod, naming the missing tag', () => {
    const verdict = evaluate(goal, seen({ workloads: [workload({ available: 0 })], pods: { papi: [pod('papi-x', 'ps-42-ccccccc', false, { reason: 'ImagePullBackOff', message: 'Back-off pulling image "ghcr.io/acme/papi:ps-42-ccccccc": not found' })] } }), 1_000, 600_000);
    expect(verdict.outcome).toMatchObject({ ok: false, code: 'image-pull' });
    expect(!verdict.outcome!.ok && verdict.outcome!.reason).toBe('pod papi-x cannot pull ghcr.io/acme/papi:ps-42-ccccccc: ImagePullBackOff — the tag ps-42-ccccccc is not in the registry');
  });

  it('ignores a failing pod of another tag', () => {
    const verdict = evaluate(goal, seen({ pods: { papi: [...seen().pods.papi!, pod('old', 'ps-41-bbbbbbb', false, { reason: 'CrashLoopBackOff' })] } }), 1_000, 600_000);
    expect(verdict.outcome).toMatchObject({ ok: true });
  });
});

describe('cluster settings', () => {
  const parse = (cluster: unknown) => parseConfig({ environments: { rdebug: { fluxGitRepo: '/tmp/flux.git', cluster } } }, '/etc/rollbot/rollbot.yaml');

  it('default to following with a reconcile request and a 10 minute timeout, resolving the kubeconfig against the config file', () => {
    expect(parse({ kubeconfig: 'kube/rdebug.yaml', context: 'rdebug' }).environments.rdebug!.cluster).toEqual({
      kubeconfig: '/etc/rollbot/kube/rdebug.yaml', context: 'rdebug', inCluster: false, follow: true, reconcile: true, timeoutMinutes: 10,
    });
  });

  it('need either a kubeconfig or inCluster, and say so', () => {
    expect(() => parse({ follow: true })).toThrow(/environments\.rdebug\.cluster' needs either `kubeconfig: <file>`.*or `inCluster: true`/);
    expect(() => parse({ inCluster: true, kubeconfig: 'x' })).toThrow(/not both/);
    expect(() => parse({ inCluster: true, timeout: 3 })).toThrow(/unknown key 'timeout'/);
  });
});

describe('a HelmRelease failure that belongs to an earlier change', () => {
  const failedUpgrade = { type: 'Ready', status: 'False' as const, reason: 'UpgradeFailed', message: 'Helm upgrade failed for release apps/papi: context deadline exceeded' };
  const stillUpgrading = (digest: string): Partial<Observed> => ({
    helmRelease: { ref: { namespace: 'apps', name: 'papi' }, generation: 3, observedGeneration: 3, ready: failedUpgrade, latest: { version: 3, status: 'failed' }, lastAttemptedConfigDigest: digest, targetNamespace: 'apps' },
    workloads: [workload({ images: ['ghcr.io/acme/papi:ps-43-bbbbbbb'] })],
    pods: { papi: [pod('a', 'ps-43-bbbbbbb', false)] },
  });

  it('is not this rollout\'s failure when the attempt started before the commit was applied (valuesFrom keeps the generation)', () => {
    const verdict = evaluate(goal, seen({ ...stillUpgrading('sha256:previous'), staleHelmAttempts: new Set(['sha256:previous']) }), 20_000, 600_000);
    expect(verdict.outcome).toBeUndefined();
    expect(statuses(verdict).applied).toBe('running');
  });

  it('is this rollout\'s failure when helm-controller attempted new values after the commit was applied', () => {
    const verdict = evaluate(goal, seen({ ...stillUpgrading('sha256:ours'), staleHelmAttempts: new Set(['sha256:previous']) }), 20_000, 600_000);
    expect(verdict.outcome).toMatchObject({ ok: false, code: 'helmrelease-failed' });
    expect(verdict.outcome && !verdict.outcome.ok && verdict.outcome.reason).toContain('UpgradeFailed');
  });
});
