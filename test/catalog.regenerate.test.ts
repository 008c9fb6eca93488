import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdir, readFile } from 'node:fs/promises';
import { parseCatalog, readCatalogFile } from '../src/core/catalog/catalog-file.js';
import { regenerateCatalog, regenerateSummary, saveRegeneratedCatalog } from '../src/core/catalog/catalog-regenerate.js';
import { FluxWorkspace } from '../src/core/flux/workspace.js';
import { silentReporter } from '../src/core/progress.js';
import { BareRepo, removeDir, tempDir } from './support/git-fixtures.js';
import { makeEnv } from './support/rollout-env.js';
import { fluxcdExampleRepo } from './support/flux-layouts.js';

let root: string;
beforeEach(async () => {
  root = await tempDir();
});
afterEach(async () => {
  await removeDir(root);
});

async function regenerate(files: Record<string, string>, extra: Record<string, unknown> = {}, existing?: unknown) {
  const flux = await BareRepo.create(root, files);
  const env = makeEnv(root, flux.url, extra);
  const workspace = new FluxWorkspace(env, join(root, 'data'), { authorName: 'x', authorEmail: 'x@y' });
  return { env, result: await regenerateCatalog(env, workspace, existing ? parseCatalog(existing, 'c.json') : undefined, silentReporter) };
}

describe('regenerating the catalog from a Flux repo laid out like the fluxcd examples', () => {
  it('finds HelmReleases at any depth, with namespaces, paths and owning Kustomizations', async () => {
    const { result } = await regenerate(fluxcdExampleRepo());
    expect(result.catalog.services).toEqual({
      'cert-manager': {
        description: '',
        namespace: 'cert-manager',
        fluxPath: 'infrastructure/controllers/',
        helmRelease: 'cert-manager',
        kustomization: 'infra-controllers',
      },
      'ingress-nginx': {
        description: '',
        namespace: 'ingress-nginx',
        fluxPath: 'infrastructure/controllers/',
        helmRelease: 'ingress-nginx',
        kustomization: 'infra-controllers',
      },
      podinfo: {
        description: '',
        namespace: 'podinfo',
        fluxPath: 'apps/production/',
        helmRelease: 'podinfo',
        kustomization: 'apps',
        image: { site: 'apps/production/podinfo-values.yaml:spec.values.image.tag', file: 'apps/production/podinfo-values.yaml', path: 'spec.values.image.tag', tag: '6.5.0' },
      },
      weave: {
        description: '',
        namespace: 'monitoring',
        fluxPath: 'apps/base/weave/',
        helmRelease: 'weave',
        kustomization: 'apps',
        image: { site: 'apps/base/weave/release.yaml:spec.values.image.tag', file: 'apps/base/weave/release.yaml', path: 'spec.values.image.tag', tag: 'v0.38.0' },
      },
    });
    expect(result.duplicates).toEqual([{ name: 'podinfo', files: ['apps/base/podinfo/release.yaml', 'apps/production/podinfo-values.yaml'], chosen: 'apps/production/podinfo-values.yaml' }]);
  });

  it('prefers spec.targetNamespace over metadata.namespace, and falls back to the kustomize namespace', async () => {
    const files = fluxcdExampleRepo();
    const { result } = await regenerate(files);
    expect(result.catalog.services['ingress-nginx']!.namespace).toBe('ingress-nginx'); // targetNamespace
    expect(result.catalog.services.weave!.namespace).toBe('monitoring'); // kustomization.yaml namespace:
  });

  it('reports a malformed YAML file by path, skips it and still indexes the rest', async () => {
    const { result } = await regenerate({ ...fluxcdExampleRepo(), 'apps/base/broken/release.yaml': 'kind: HelmRelease\nmetadata: [unclosed\n' });
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]!.file).toBe('apps/base/broken/release.yaml');
    expect(Object.keys(result.catalog.services)).toHaveLength(4);
    expect(regenerateSummary(result)).toContain('⚠️ Skipped `apps/base/broken/release.yaml`');
  });

  it('keeps hand-written descriptions and reports added, removed and changed', async () => {
    const existing = {
      version: '1.0',
      generatedFrom: { cluster: 'prod-1' },
      services: {
        podinfo: { description: 'The demo app', namespace: 'old-ns', fluxPath: 'apps/production/', helmRelease: 'podinfo', kustomization: 'apps' },
        legacy: { description: 'gone', namespace: 'x', fluxPath: 'apps/legacy/' },
        weave: { description: 'Weave GitOps UI', namespace: 'monitoring', fluxPath: 'apps/base/weave/', helmRelease: 'weave', kustomization: 'apps' },
      },
    };
    const { result } = await regenerate(fluxcdExampleRepo(), {}, existing);
    expect(result.catalog.services.podinfo!.description).toBe('The demo app');
    expect(result.catalog.generatedFrom.cluster).toBe('prod-1');
    expect(result.diff).toEqual({
      added: ['cert-manager', 'ingress-nginx'],
      removed: ['legacy'],
      changed: [{ name: 'podinfo', fields: [{ key: 'namespace', from: 'old-ns', to: 'podinfo' }] }],
      unchanged: 1,
    });
    const summary = regenerateSummary(result);
    expect(summary).toContain('➕ Added (2): `cert-manager`, `ingress-nginx`');
    expect(summary).toContain('➖ Removed (1): `legacy`');
    expect(summary).toContain('`podinfo`: namespace old-ns → podinfo');
  });

  it('reads multi-document files', async () => {
    const { result } = await regenerate(fluxcdExampleRepo());
    // ingress-nginx and cert-manager live in multi-document files next to their repositories and namespaces.
    expect(result.catalog.services['cert-manager']).toBeDefined();
  });

  it('saves atomically to the configured file, and a read-only environment may only look', async () => {
    const file = join(root, 'catalog', 'services-catalog.json');
    const { env, result } = await regenerate(fluxcdExampleRepo(), { catalog: file });
    expect(await saveRegeneratedCatalog(env, result.catalog)).toEqual([file]);
    expect(readCatalogFile(file).services.podinfo!.namespace).toBe('podinfo');
    expect(JSON.parse(await readFile(file, 'utf8')).version).toBe('1.0');
    await expect(saveRegeneratedCatalog({ ...env, readOnly: true }, result.catalog)).rejects.toThrow(
      "rwenv 'rdebug' is read-only. Cannot modify Flux repo or trigger reconciliation.",
    );
  });
});

describe('saving to a config repo (GitOps)', () => {
  it('commits the catalog to the configured repo and path, once, and says unchanged the second time', async () => {
    await mkdir(join(root, 'cfg'));
    const configRepo = await BareRepo.create(join(root, 'cfg'), { 'README.md': '# config\n' });
    const { env, result } = await regenerate(fluxcdExampleRepo(), { catalogRepo: { url: configRepo.url, path: 'catalogs/prod.json' } });
    const workspaceFor = (e: typeof env) => new FluxWorkspace(e, join(root, 'data'), { authorName: 'rollbot', authorEmail: 'rollbot@example.com' });
    const [place] = await saveRegeneratedCatalog(env, result.catalog, workspaceFor);
    expect(place).toMatch(/catalogs\/prod\.json @ [0-9a-f]{7}$/);
    expect(JSON.parse(await configRepo.show('catalogs/prod.json')).services.podinfo.fluxPath).toBe('apps/production/');
    expect((await configRepo.log())[0]).toBe('chore(catalog): regenerate services catalog of rdebug');
    const [again] = await saveRegeneratedCatalog(env, result.catalog, workspaceFor);
    expect(again).toMatch(/\(unchanged\)$/);
    expect(await configRepo.commitCount()).toBe(2);
  });
});

describe('catalog file validation', () => {
  it('names the entry and the key that is wrong', () => {
    expect(() => parseCatalog({ services: { papi: { fluxPath: 'x/' } } }, 'c.json')).toThrow("Catalog c.json: service 'papi' key 'namespace' required.");
  });
});

describe('the catalog learns every image form a rollout knows', () => {
  it('adds services only workloads or setter markers declare, each with where its image is set', async () => {
    const { result } = await regenerate({
      'apps/papi/deployment.yaml': readFileSync(new URL('./fixtures/image-sites/workloads.yaml', import.meta.url), 'utf8'),
      'apps/papi/kustomization.yaml': 'namespace: papi\nresources:\n  - deployment.yaml\n',
      'apps/batch/cronjob.yaml': readFileSync(new URL('./fixtures/image-sites/cronjob-setters.yaml', import.meta.url), 'utf8'),
    });
    expect(result.catalog.services.papi).toEqual({
      description: '',
      namespace: 'papi',
      fluxPath: 'apps/papi/deployment.yaml',
      image: { site: 'apps/papi/deployment.yaml:spec.template.spec.containers[0].image', file: 'apps/papi/deployment.yaml', path: 'spec.template.spec.containers[0].image', tag: '1.0.0' },
    });
    expect(result.catalog.services['papi-cache']?.image?.path).toBe('spec.template.spec.containers[0].image');
    expect(result.catalog.services.uploader?.image).toEqual({
      site: 'apps/batch/cronjob.yaml:spec.jobTemplate.spec.template.spec.containers[1].image',
      file: 'apps/batch/cronjob.yaml',
      path: 'spec.jobTemplate.spec.template.spec.containers[1].image',
      tag: 'v2.0.0',
    });
    expect(result.catalog.services.uploader?.imagePolicy).toBe('flux-system:uploader');
    expect(Object.keys(result.catalog.services).sort()).toEqual(['papi', 'papi-cache', 'reports', 'uploader']);
  });
});
