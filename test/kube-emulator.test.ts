import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeEmulator, KubeObject } from '../src/kube-emulator/index.js';
import { BareRepo, helmRelease, removeDir, tempDir } from './support/git-fixtures.js';
import { clusterFiles, startCluster } from './support/kube-cluster.js';
import { pushImage, startRegistry, type RegistryServer } from './support/registry-server.js';

// The emulator's certificate is trusted through the kubeconfig; raw requests here skip the check.
async function insecureFetch(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const { request } = await import('node:https');
  return new Promise<{ status: number; text(): Promise<string>; json(): Promise<unknown> }>((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, text: async () => text, json: async () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const conditionOf = (o: KubeObject | undefined, type: string) => (o?.status?.conditions as Array<{ type: string; status: string; reason: string; message: string }> | undefined)?.find((c) => c.type === type);
const containerState = (pod: KubeObject) => (pod.status?.containerStatuses as Array<{ state: Record<string, { reason?: string }>; lastState?: { terminated?: { reason: string } } }>)[0]!;

describe('the Kubernetes API emulator', () => {
  let root: string;
  let flux: BareRepo;
  let registry: RegistryServer;
  let kube: KubeEmulator;
  let config: k8s.KubeConfig;

  beforeAll(async () => {
    root = await tempDir('rollbot-kube-');
    registry = await startRegistry(join(root, 'registry'));
    await pushImage(registry.url, 'acme/papi', 'ps-1-0000000', { content: 'one' });
    await pushImage(registry.url, 'acme/papi', 'ps-2-1111111', { content: 'two' });
    flux = await BareRepo.create(root, clusterFiles('rdebug', { papi: helmRelease('papi', 'ps-1-0000000') }));
    kube = await startCluster(root, flux.url, 'rdebug', { registryUrl: registry.url });
    await kube.writeKubeconfig(join(root, 'kubeconfig'));
    config = new k8s.KubeConfig();
    config.loadFromFile(join(root, 'kubeconfig'));
  }, 30_000);

  afterAll(async () => {
    await kube?.stop();
    await registry?.stop();
    await removeDir(root);
  });

  it('reconciles the bootstrap into a running release: source, Kustomizations, HelmRelease, Deployment, pods', async () => {
    const head = (await flux.log('main', '%H'))[0]!;
    await kube.waitFor('Deployment', 'apps', 'papi', (d) => d.status?.availableReplicas === 2);
    const custom = config.makeApiClient(k8s.CustomObjectsApi);
    const source = (await custom.getNamespacedCustomObject({ group: 'source.toolkit.fluxcd.io', version: 'v1', namespace: 'flux-system', plural: 'gitrepositories', name: 'flux-system' })) as KubeObject;
    expect((source.status?.artifact as { revision: string }).revision).toBe(`main@sha1:${head}`);
    expect(conditionOf(source, 'Ready')).toMatchObject({ status: 'True', reason: 'Succeeded', message: `stored artifact for revision 'main@sha1:${head}'` });
    const ks = (await custom.getNamespacedCustomObject({ group: 'kustomize.toolkit.fluxcd.io', version: 'v1', namespace: 'flux-system', plural: 'kustomizations', name: 'apps-papi' })) as KubeObject;
    expect(ks.status?.lastAppliedRevision).toBe(`main@sha1:${head}`);
    expect(conditionOf(ks, 'Ready')).toMatchObject({ status: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: main@sha1:${head}` });
    const hr = await kube.waitFor('HelmRelease', 'apps', 'papi', (o) => conditionOf(o, 'Ready')?.status === 'True');
    expect(conditionOf(hr, 'Ready')!.message).toBe('Helm install succeeded for release apps/papi.v1 with chart papi@1.0.0');
    expect((hr.status?.history as Array<{ status: string; version: number }>)[0]).toMatchObject({ status: 'deployed', version: 1 });
    const apps = config.makeApiClient(k8s.AppsV1Api);
    const deployment = await apps.readNamespacedDeployment({ namespace: 'apps', name: 'papi' });
    expect(deployment.spec?.template.spec?.containers[0]?.image).toBe('ghcr.io/acme/papi:ps-1-0000000');
    expect(deployment.metadata?.labels?.['helm.toolkit.fluxcd.io/name']).toBe('papi');
    const pods = await config.makeApiClient(k8s.CoreV1Api).listNamespacedPod({ namespace: 'apps', labelSelector: 'app.kubernetes.io/instance=papi' });
    expect(pods.items).toHaveLength(2);
    expect(pods.items.every((p) => p.status?.phase === 'Running' && p.status.containerStatuses?.[0]?.ready)).toBe(true);
  });

  it('streams watch events from a resourceVersion and acts on the reconcile request annotation at once', async () => {
    const custom = config.makeApiClient(k8s.CustomObjectsApi);
    const list = (await custom.listNamespacedCustomObject({ group: 'source.toolkit.fluxcd.io', version: 'v1', namespace: 'flux-system', plural: 'gitrepositories' })) as { metadata: { resourceVersion: string } };
    const commit = await flux.commitFiles({ 'clusters/rdebug/apps/papi/helmrelease.yaml': helmRelease('papi', 'ps-2-1111111') }, 'papi to ps-2');
    const revisions: string[] = [];
    const seen = new Promise<void>((resolve, reject) => {
      void new k8s.Watch(config).watch(
        '/apis/source.toolkit.fluxcd.io/v1/namespaces/flux-system/gitrepositories',
        { resourceVersion: list.metadata.resourceVersion, fieldSelector: 'metadata.name=flux-system' },
        (type, object: KubeObject) => {
          const revision = (object.status?.artifact as { revision?: string } | undefined)?.revision;
          if (revision) revisions.push(revision);
          if (revision === `main@sha1:${commit}`) resolve();
        },
        (error) => (error ? reject(error) : undefined),
      );
    });
    const requestedAt = new Date().toISOString();
    await custom.patchNamespacedCustomObject(
      { group: 'source.toolkit.fluxcd.io', version: 'v1', namespace: 'flux-system', plural: 'gitrepositories', name: 'flux-system', body: { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': requestedAt } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await seen;
    const source = kube.get('GitRepository', 'flux-system', 'flux-system')!;
    expect(source.status?.lastHandledReconcileAt).toBe(requestedAt);
    // kustomize-controller follows the new artifact, helm-controller upgrades, pods roll.
    await kube.waitFor('Deployment', 'apps', 'papi', (d) => (d.spec?.template as { spec: { containers: Array<{ image: string }> } }).spec.containers[0]!.image.endsWith('ps-2-1111111') && d.status?.updatedReplicas === 2 && d.status?.availableReplicas === 2 && d.status?.replicas === 2);
    const hr = await kube.waitFor('HelmRelease', 'apps', 'papi', (o) => conditionOf(o, 'Ready')?.reason === 'UpgradeSucceeded');
    expect((hr.status?.history as Array<{ status: string; version: number }>).map((h) => [h.version, h.status])).toEqual([[2, 'deployed'], [1, 'superseded']]);
  });

  it('leaves a tag the registry does not have in ErrImagePull, then ImagePullBackOff', async () => {
    await flux.commitFiles({ 'clusters/rdebug/apps/papi/helmrelease.yaml': helmRelease('papi', 'ps-3-2222222') }, 'papi to a tag never built');
    kube.get('GitRepository', 'flux-system', 'flux-system');
    kube.apply([{ ...kube.get('GitRepository', 'flux-system', 'flux-system')!, metadata: { ...kube.get('GitRepository', 'flux-system', 'flux-system')!.metadata, annotations: { 'reconcile.fluxcd.io/requestedAt': 'now-3' } } }]);
    const backOff = async () => {
      for (let i = 0; i < 400; i++) {
        const pod = kube.list('Pod', 'apps').find((p) => containerState(p).state.waiting?.reason === 'ImagePullBackOff');
        if (pod) return pod;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('no pod reached ImagePullBackOff');
    };
    const pod = await backOff();
    expect((pod.spec?.containers as Array<{ image: string }>)[0]!.image).toBe('ghcr.io/acme/papi:ps-3-2222222');
    // The old pods keep serving: the rollout is stuck, not down.
    const deployment = kube.get('Deployment', 'apps', 'papi')!;
    expect(deployment.status).toMatchObject({ updatedReplicas: 2, availableReplicas: 2, replicas: 4 });
  });

  it('crash-loops a container that exits, with its last termination reason', async () => {
    await pushImage(registry.url, 'acme/papi', 'ps-4-3333333', { content: 'crashes' });
    kube.crashImage('ps-4-3333333', { reason: 'OOMKilled', exitCode: 137 });
    await flux.commitFiles({ 'clusters/rdebug/apps/papi/helmrelease.yaml': helmRelease('papi', 'ps-4-3333333') }, 'papi to a crashing build');
    kube.apply([{ ...kube.get('GitRepository', 'flux-system', 'flux-system')!, metadata: { ...kube.get('GitRepository', 'flux-system', 'flux-system')!.metadata, annotations: { 'reconcile.fluxcd.io/requestedAt': 'now-4' } } }]);
    for (let i = 0; ; i++) {
      const pod = kube.list('Pod', 'apps').find((p) => containerState(p).state.waiting?.reason === 'CrashLoopBackOff');
      if (pod) {
        expect(containerState(pod).lastState?.terminated?.reason).toBe('OOMKilled');
        break;
      }
      if (i > 400) throw new Error('no pod reached CrashLoopBackOff');
      await new Promise((r) => setTimeout(r, 25));
    }
  });

  it('answers as strictly as an API server: 401 without the token, 404 Status, 415 for strategic merge on a CRD, 410 for a compacted resourceVersion', async () => {
    const anonymous = await insecureFetch(`${kube.url}/apis/apps/v1/namespaces/apps/deployments`);
    expect(anonymous.status).toBe(401);
    const headers = { Authorization: `Bearer ${kube.token}` };
    const missing = await insecureFetch(`${kube.url}/apis/apps/v1/namespaces/apps/deployments/nope`, { headers });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'deployments.apps "nope" not found', code: 404 });
    const strategic = await insecureFetch(`${kube.url}/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps-papi`, {
      method: 'PATCH', headers: { ...headers, 'Content-Type': 'application/strategic-merge-patch+json' }, body: '{}',
    });
    expect(strategic.status).toBe(415);
    const old = await insecureFetch(`${kube.url}/apis/apps/v1/namespaces/apps/deployments?watch=true&resourceVersion=1`, { headers });
    expect(JSON.parse((await old.text()).trim())).toMatchObject({ type: 'ERROR', object: { code: 410, reason: 'Expired' } });
  });
});
