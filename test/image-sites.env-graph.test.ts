import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EnvironmentGraph } from '../src/core/flux/env-graph.js';
import { FluxWorkspace } from '../src/core/flux/workspace.js';
import { BareRepo, removeDir, tempDir } from './support/git-fixtures.js';
import { makeEnv } from './support/rollout-env.js';

let root: string;
beforeEach(async () => {
  root = await tempDir();
});
afterEach(async () => {
  await removeDir(root);
});

const release = (name: string) => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\nspec:\n  values:\n    replicaCount: 1\n`;
const patch = (name: string, host: string) => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\nspec:\n  values:\n    host: ${host}\n`;

async function graphOf(files: Record<string, string>, fluxRoot: string) {
  const flux = await BareRepo.create(root, files);
  const workspace = new FluxWorkspace(makeEnv(root, flux.url), `${root}/data`, { authorName: 'x', authorEmail: 'x@y' });
  return EnvironmentGraph.build(workspace.tree(await workspace.sync()), fluxRoot);
}

describe('the kustomize graph from an environment’s root', () => {
  it('hub and spoke: kustomizations below the root are followed to their bases and patches', async () => {
    const graph = await graphOf(
      {
        'hub/staging.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\nspec:\n  path: ./clusters/staging/apps\n',
        'clusters/staging/apps/kustomization.yaml': 'resources:\n  - ../../../deploy/apps\npatches:\n  - path: podinfo-values.yaml\n    target:\n      kind: HelmRelease\n',
        'clusters/staging/apps/podinfo-values.yaml': patch('podinfo', 'podinfo.staging'),
        'deploy/apps/kustomization.yaml': 'resources:\n  - podinfo.yaml\n',
        'deploy/apps/podinfo.yaml': release('podinfo'),
        'deploy/other/unused.yaml': release('unused'),
      },
      'clusters/staging',
    );
    expect(Object.fromEntries([...graph.files].map(([f, r]) => [f, r.via]))).toEqual({
      'clusters/staging/apps/kustomization.yaml': 'resource',
      'clusters/staging/apps/podinfo-values.yaml': 'patch',
      'deploy/apps/kustomization.yaml': 'resource',
      'deploy/apps/podinfo.yaml': 'resource',
    });
    expect(graph.ancestors('deploy/apps/podinfo.yaml')).toEqual(['deploy/apps/kustomization.yaml', 'clusters/staging/apps/kustomization.yaml']);
  });

  it('Flux 2.7 ArtifactGenerator: an ExternalArtifact path maps back to the folders it copies', async () => {
    const graph = await graphOf(
      {
        'clusters/staging/apps.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\nspec:\n  sourceRef:\n    kind: ExternalArtifact\n    name: apps\n  path: ./staging\n',
        'clusters/staging/artifacts.yaml':
          'apiVersion: source.extensions.fluxcd.io/v1beta1\nkind: ArtifactGenerator\nmetadata:\n  name: flux-system\nspec:\n  artifacts:\n    - name: apps\n      copy:\n        - from: "@monorepo/apps/base/**"\n          to: "@artifact/base/"\n        - from: "@monorepo/apps/staging/**"\n          to: "@artifact/staging/"\n',
        'apps/staging/kustomization.yaml': 'resources:\n  - ../base/podinfo\npatches:\n  - path: podinfo-values.yaml\n',
        'apps/staging/podinfo-values.yaml': patch('podinfo', 'podinfo.staging'),
        'apps/base/podinfo/kustomization.yaml': 'resources:\n  - release.yaml\n',
        'apps/base/podinfo/release.yaml': release('podinfo'),
        'apps/production/podinfo-values.yaml': patch('podinfo', 'podinfo.prod'),
      },
      'clusters/staging',
    );
    expect(graph.files.get('apps/staging/podinfo-values.yaml')?.via).toBe('patch');
    expect(graph.files.get('apps/base/podinfo/release.yaml')?.via).toBe('resource');
    expect(graph.has('apps/production/podinfo-values.yaml')).toBe(false);
  });
});
