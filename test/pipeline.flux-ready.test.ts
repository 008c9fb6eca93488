import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubernetesCluster } from '../src/adapters/kubernetes/kubernetes-cluster.js';
import { MemoryRunStateStore, parsePipeline, runPipeline } from '../src/core/pipeline/index.js';
import type { KubeEmulator } from '../src/kube-emulator/index.js';
import { BareRepo, helmRelease, removeDir, tempDir } from './support/git-fixtures.js';
import { clusterFiles, startCluster } from './support/kube-cluster.js';

// A redeploy's VERIFY through Flux: the phase waits (on watches) until the Kustomizations applied the latest revision.
let root: string;
let flux: BareRepo;
let kube: KubeEmulator;
let cluster: KubernetesCluster;

beforeAll(async () => {
  root = await tempDir('rollbot-flux-ready-');
  flux = await BareRepo.create(root, clusterFiles('rdebug', { papi: helmRelease('papi', 'ps-1-0000000') }));
  kube = await startCluster(root, flux.url, 'rdebug');
  await kube.writeKubeconfig(join(root, 'kubeconfig'));
  const config = new KubeConfig();
  config.loadFromFile(join(root, 'kubeconfig'));
  cluster = new KubernetesCluster(config);
}, 30_000);

afterAll(async () => {
  await kube?.stop();
  await removeDir(root);
});

const pipeline = (kustomizations: string[], timeoutSeconds = 20) =>
  parsePipeline({ phases: [{ name: 'VERIFY', type: 'flux-ready', kustomizations, timeoutSeconds, verify: true }] }, 'test');
const run = (definition: ReturnType<typeof pipeline>) =>
  runPipeline({ definition, versions: 'papi=1.0.0', env: {}, store: new MemoryRunStateStore(), cwdBase: root, cluster });

describe('a flux-ready phase', () => {
  it('completes once the Kustomizations have applied the source\'s latest revision', async () => {
    const head = await flux.commitFiles({ 'clusters/rdebug/apps/papi/helmrelease.yaml': helmRelease('papi', 'ps-2-1111111') }, 'new tag');
    const result = await run(pipeline(['apps-papi', 'flux-system']));
    expect(result.status).toBe('success');
    expect(kube.get('Kustomization', 'flux-system', 'apps-papi')!.status?.lastAppliedRevision).toBe(`main@sha1:${head}`);
  });

  it('fails with Flux\'s reason when a Kustomization cannot apply', async () => {
    await flux.commitFiles({ 'clusters/rdebug/apps/papi/kustomization.yaml': 'resources:\n  - gone.yaml\n' }, 'break it');
    const result = await run(pipeline(['apps-papi']));
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/^Flux is not ready: apps-papi BuildFailed: kustomize build failed/);
  });

  it('fails naming the Kustomization that is not in the cluster', async () => {
    const result = await run(pipeline(['apps-nope'], 2));
    expect(result.error).toBe('Flux is not ready: Kustomization flux-system/apps-nope is not in the cluster');
  });
});
