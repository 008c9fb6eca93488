import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KubernetesCluster } from '../src/adapters/kubernetes/kubernetes-cluster.js';
import { followRollout, type FollowRequest } from '../src/core/cluster/rollout-follower.js';
import type { KubeEmulator } from '../src/kube-emulator/index.js';
import { BareRepo, helmRelease, removeDir, tempDir } from './support/git-fixtures.js';
import { clusterFiles, startCluster } from './support/kube-cluster.js';

// The follower against the emulated cluster, without Slack: each way a change can fail to go live.
let root: string;
let flux: BareRepo;
let kube: KubeEmulator | undefined;

async function cluster(options: Parameters<typeof startCluster>[3] = {}) {
  kube = await startCluster(root, flux.url, 'rdebug', options);
  await kube.writeKubeconfig(join(root, 'kubeconfig'));
  const config = new KubeConfig();
  config.loadFromFile(join(root, 'kubeconfig'));
  await kube.waitFor('Kustomization', 'flux-system', 'apps-papi', (k) => Boolean(k.status?.lastAppliedRevision));
  return new KubernetesCluster(config);
}

async function follow(port: KubernetesCluster, commit: string, tag: string, overrides: Partial<FollowRequest> = {}) {
  return followRollout(
    {
      service: 'papi', environment: 'rdebug', commit, tag, reconcile: true, timeoutMs: 20_000, pushedAt: Date.now(),
      kustomization: { namespace: 'flux-system', name: 'apps-papi' }, helmRelease: { namespace: 'apps', name: 'papi' }, ...overrides,
    },
    { cluster: port, contains: async (c, sha) => c === sha, clock: Date.now },
    () => undefined,
  );
}

beforeEach(async () => {
  root = await tempDir('rollbot-follow-fail-');
  flux = await BareRepo.create(root, clusterFiles('rdebug', { papi: helmRelease('papi', 'ps-1-0000000') }));
});

afterEach(async () => {
  await kube?.stop();
  kube = undefined;
  await removeDir(root);
});

describe('a followed change that does not go live', () => {
  it('fails with the Kustomization\'s Ready=False reason when the build breaks', async () => {
    const port = await cluster();
    const commit = await flux.commitFiles({
      'clusters/rdebug/apps/papi/helmrelease.yaml': helmRelease('papi', 'ps-2-1111111'),
      'clusters/rdebug/apps/papi/kustomization.yaml': 'resources:\n  - helmrelease.yaml\n  - missing.yaml\n',
    }, 'break the build');
    const result = await follow(port, commit, 'ps-2-1111111');
    expect(result.outcome).toMatchObject({ ok: false, code: 'kustomization-failed' });
    expect(!result.outcome.ok && result.outcome.reason).toMatch(/^Kustomization apps-papi did not apply \w{7} — BuildFailed: kustomize build failed: accumulating resources/);
    expect(result.steps.find((s) => s.id === 'applied')?.status).toBe('failed');
  });

  it('fails with the HelmRelease\'s Ready=False message when its values cannot be composed', async () => {
    const port = await cluster();
    const broken = helmRelease('papi', 'ps-2-1111111').replace('  values:', '  valuesFrom:\n    - kind: ConfigMap\n      name: papi-extra\n  values:');
    const commit = await flux.commitFiles({ 'clusters/rdebug/apps/papi/helmrelease.yaml': broken }, 'values from a ConfigMap nobody made');
    const result = await follow(port, commit, 'ps-2-1111111');
    expect(result.outcome).toMatchObject({ ok: false, code: 'helmrelease-failed' });
    expect(!result.outcome.ok && result.outcome.reason).toBe(
      "HelmRelease apps/papi is not ready — InitFailed: could not resolve ConfigMap chart values reference 'apps/papi-extra' with key 'values.yaml': configmaps \"papi-extra\" not found",
    );
  });

  it('fails with progress deadline exceeded when pods never become ready', async () => {
    // Fast clock: helm's 5 min wait for the first install (which never gets ready either) passes quickly.
    const port = await cluster({ readyMs: 10_000_000, timeScale: 300 });
    const commit = await flux.commitFiles({ 'clusters/rdebug/apps/papi/helmrelease.yaml': helmRelease('papi', 'ps-2-1111111', '\n    progressDeadlineSeconds: 30') }, 'slow pods');
    const result = await follow(port, commit, 'ps-2-1111111');
    expect(result.outcome).toMatchObject({ ok: false, code: 'progress-deadline' });
    expect(!result.outcome.ok && result.outcome.reason).toMatch(/^Deployment papi — ProgressDeadlineExceeded: ReplicaSet "papi-\w+" has timed out progressing\.$/);
  });

  it('times out, naming the step it waited for, when Flux never applies the commit', async () => {
    const port = await cluster();
    // Both: the parent would otherwise re-apply apps-papi from git, unsuspended.
    for (const name of ['flux-system', 'apps-papi']) {
      const ks = kube!.get('Kustomization', 'flux-system', name)!;
      kube!.apply([{ ...ks, spec: { ...ks.spec, suspend: true } }]);
    }
    const commit = await flux.commitFiles({ 'clusters/rdebug/apps/papi/helmrelease.yaml': helmRelease('papi', 'ps-2-1111111') }, 'while suspended');
    const result = await follow(port, commit, 'ps-2-1111111', { timeoutMs: 1_500 });
    expect(result.outcome).toEqual({ ok: false, code: 'timeout', reason: 'Timed out after 2 s waiting for Applied (Kustomization apps-papi applying)' });
    expect(result.steps.find((s) => s.id === 'source')?.status).toBe('done');
  });

  it('stops with the API server\'s refusal when RBAC does not allow the reconcile patch', async () => {
    const port = await cluster({ rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }] });
    const commit = await flux.commitFiles({ 'clusters/rdebug/apps/papi/helmrelease.yaml': helmRelease('papi', 'ps-2-1111111') }, 'no patch rights');
    const result = await follow(port, commit, 'ps-2-1111111');
    expect(result.outcome).toMatchObject({ ok: false, code: 'cluster-error' });
    expect(!result.outcome.ok && result.outcome.reason).toMatch(/^the reconcile request was refused/);
  });
});
