import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AmbiguousImageSite } from '../src/core/errors.js';
import { BareRepo, removeDir, tempDir } from './support/git-fixtures.js';
import { makeEngine, makeEnv, recordingReporter } from './support/rollout-env.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/image-sites/${name}`, import.meta.url), 'utf8');
const TAG = 'ps-7-abcdef1';
const request = (service: string, extra: Record<string, unknown> = {}) => ({ service, pr: 7, sha: 'abcdef1234', ...extra });

let root: string;
beforeEach(async () => {
  root = await tempDir();
});
afterEach(async () => {
  await removeDir(root);
});

async function rollout(files: Record<string, string>, service: string, env: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const flux = await BareRepo.create(root, files);
  const result = await makeEngine(root).rollout(makeEnv(root, flux.url, env), request(service, extra), recordingReporter());
  return { flux, result, lines: await flux.changedLines() };
}

describe('every way a Flux repo writes an image tag', () => {
  it('app-template: the main container of the controller named by the release anchor; digest dropped, anchor and comment kept', async () => {
    const { result, lines } = await rollout({ 'kubernetes/apps/default/papi/app/helmrelease.yaml': fixture('app-template.yaml') }, 'papi');
    expect(result.sites).toEqual(['kubernetes/apps/default/papi/app/helmrelease.yaml:spec.values.controllers.papi.containers.app.image.tag']);
    expect(lines).toEqual([
      '-              tag: &papi-image 2.3.1@sha256:2222222222222222222222222222222222222222222222222222222222222222 # pinned by renovate',
      `+              tag: &papi-image ${TAG} # pinned by renovate`,
    ]);
  });

  it('workloads: the container named after the Deployment, registry host with a port, quotes kept; init, sidecar and the papi-cache prefix untouched', async () => {
    const { lines } = await rollout({ 'deploy/papi.yaml': fixture('workloads.yaml') }, 'papi');
    expect(lines).toEqual(['-          image: "10.0.0.1:5000/acme/papi:1.0.0" # the API', `+          image: "10.0.0.1:5000/acme/papi:${TAG}" # the API`]);
  });

  it('a StatefulSet whose only container is not named after it still gets its image set', async () => {
    const { lines } = await rollout({ 'deploy/papi.yaml': fixture('workloads.yaml') }, 'papi-cache');
    expect(lines).toEqual(['-          image: redis:7.2', `+          image: redis:${TAG}`]);
  });

  it('Flux setter markers: the line whose policy is the service wins, the marker stays, the other policy is untouched', async () => {
    const { lines } = await rollout({ 'apps/batch/cronjob.yaml': fixture('cronjob-setters.yaml') }, 'uploader');
    expect(lines).toEqual([
      '-            image: ghcr.io/acme/uploader:v2.0.0 # {"$imagepolicy": "flux-system:uploader"}',
      `+            image: ghcr.io/acme/uploader:${TAG} # {"$imagepolicy": "flux-system:uploader"}`,
    ]);
  });

  it('the policy a service names (imagePolicy) picks the marked lines', async () => {
    const { lines } = await rollout({ 'apps/batch/cronjob.yaml': fixture('cronjob-setters.yaml') }, 'report-gen', { services: { 'report-gen': { imagePolicy: 'flux-system:reports' } } });
    expect(lines).toEqual([
      '-            image: ghcr.io/acme/reports:v1.0.0 # {"$imagepolicy": "flux-system:reports"}',
      `+            image: ghcr.io/acme/reports:${TAG} # {"$imagepolicy": "flux-system:reports"}`,
    ]);
  });

  it('kustomize images: the :tag marker line changes, the :name line does not', async () => {
    const { lines } = await rollout({ 'apps/frontend/kustomization.yaml': fixture('kustomization.yaml'), 'apps/frontend/deployment.yaml': 'kind: ConfigMap\n' }, 'frontend');
    expect(lines).toEqual(['-    newTag: 3.1.0 # {"$imagepolicy": "flux-system:frontend:tag"}', `+    newTag: ${TAG} # {"$imagepolicy": "flux-system:frontend:tag"}`]);
  });

  it('kustomize images by the image name, double quotes kept', async () => {
    const { lines } = await rollout({ 'apps/frontend/kustomization.yaml': fixture('kustomization.yaml') }, 'nginx');
    expect(lines).toEqual(['-    newTag: "1.27"', `+    newTag: "${TAG}"`]);
  });

  it('Flux Kustomization spec.images[].newTag', async () => {
    const { lines } = await rollout({ 'clusters/prod/billing.yaml': fixture('flux-kustomization.yaml') }, 'billing');
    expect(lines).toEqual(['-      newTag: 0.9.0', `+      newTag: ${TAG}`]);
  });

  it('an image string inside values: digest-pinned, replaced whole; the exporter pair beside it untouched', async () => {
    const { lines } = await rollout({ 'apps/worker/values.yaml': fixture('values-strings.yaml') }, 'worker');
    expect(lines).toEqual([
      '-image: ghcr.io/acme/worker:1.0.0@sha256:3333333333333333333333333333333333333333333333333333333333333333',
      `+image: ghcr.io/acme/worker:${TAG}`,
    ]);
  });

  it('imagePath names a custom resource field (CloudNativePG spec.imageName)', async () => {
    const { lines } = await rollout({ 'apps/db/cluster.yaml': fixture('cnpg-cluster.yaml') }, 'pgdb', { services: { pgdb: { imagePath: 'spec.imageName' } } });
    expect(lines).toEqual(['-  imageName: ghcr.io/cloudnative-pg/postgresql:16.3', `+  imageName: ghcr.io/cloudnative-pg/postgresql:${TAG}`]);
  });
});

describe('choosing, and asking when an expert would ask', () => {
  it('two nested image.tag fields: nothing changes, the candidates come back as data', async () => {
    const flux = await BareRepo.create(root, { 'apps/dns/values.yaml': fixture('nested-values.yaml') });
    const error = await makeEngine(root).rollout(makeEnv(root, flux.url), request('dns'), recordingReporter()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AmbiguousImageSite);
    expect((error as AmbiguousImageSite).candidates).toEqual([
      { ref: 'apps/dns/values.yaml:provider.webhook.image.tag', file: 'apps/dns/values.yaml', path: 'provider.webhook.image.tag', current: 'v0.4.0', container: undefined, role: 'unknown' },
      { ref: 'apps/dns/values.yaml:app.image.tag', file: 'apps/dns/values.yaml', path: 'app.image.tag', current: 'v1.14.0', container: undefined, role: 'unknown' },
    ]);
    expect(await flux.commitCount()).toBe(1);
  });

  it('the picked site (a button, --site) is written', async () => {
    const { lines } = await rollout({ 'apps/dns/values.yaml': fixture('nested-values.yaml') }, 'dns', {}, { site: 'apps/dns/values.yaml:app.image.tag' });
    expect(lines).toEqual(['-    tag: v1.14.0', `+    tag: ${TAG}`]);
  });

  it('the container override settles it for good', async () => {
    const { lines } = await rollout({ 'apps/dns/values.yaml': fixture('nested-values.yaml') }, 'dns', { services: { dns: { container: 'webhook' } } });
    expect(lines).toEqual(['-      tag: v0.4.0', `+      tag: ${TAG}`]);
  });

  it('a name prefix is never a match (plex vs plex-off-deck)', async () => {
    const release = (name: string, tag: string) =>
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: ${name}\nspec:\n  values:\n    image:\n      repository: ghcr.io/acme/${name}\n      tag: ${tag}\n`;
    const files = { 'media/plex/helmrelease.yaml': release('plex', '1.0.0'), 'media/plex-off-deck/helmrelease.yaml': release('plex-off-deck', '2.0.0') };
    const { lines } = await rollout(files, 'plex');
    expect(lines).toEqual(['-      tag: 1.0.0', `+      tag: ${TAG}`]);
    await expect(makeEngine(root).rollout(makeEnv(root, `${root}/remote.git`), request('plex-off'), recordingReporter())).rejects.toThrow(/Could not find flux config for 'plex-off'/);
  });

  it('init containers and sidecars are never the default: with only those left, it asks', async () => {
    const text = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: backup
spec:
  values:
    controllers:
      backup:
        initContainers:
          wait:
            image:
              repository: busybox
              tag: "1.36"
        containers:
          restic:
            image:
              repository: restic/restic
              tag: 0.17.0
          rclone:
            image:
              repository: rclone/rclone
              tag: 1.68.0
`;
    const flux = await BareRepo.create(root, { 'apps/backup/helmrelease.yaml': text });
    const error = await makeEngine(root).rollout(makeEnv(root, flux.url), request('backup'), recordingReporter()).catch((e: unknown) => e);
    expect((error as AmbiguousImageSite).candidates.map((c) => c.path)).toEqual([
      'spec.values.controllers.backup.containers.restic.image.tag',
      'spec.values.controllers.backup.containers.rclone.image.tag',
    ]);
    expect(await flux.commitCount()).toBe(1);
  });
});

describe('editing byte-exact outside the value', () => {
  it('CRLF and the other documents of the file stay', async () => {
    const text = fixture('workloads.yaml').replace(/\n/g, '\r\n');
    const flux = await BareRepo.create(root, { 'deploy/all.yaml': text });
    await makeEngine(root).rollout(makeEnv(root, flux.url), { service: 'papi-cache', tag: '1.20', sha: 'abcdef1' }, recordingReporter());
    const after = await flux.show('deploy/all.yaml');
    expect(after).toBe(text.replace('image: redis:7.2\r\n', 'image: redis:1.20\r\n').trimEnd());
    expect((await flux.changedLines()).map((l) => l.replace(/\r$/, ''))).toEqual(['-          image: redis:7.2', '+          image: redis:1.20']);
  });

  it('an aliased tag is written at its anchor, so every alias follows', async () => {
    const text = `base:\n  tag: &v 1.0.0 # shared\nimage:\n  repository: ghcr.io/acme/shop\n  tag: *v\n`;
    const { lines } = await rollout({ 'apps/shop/values.yaml': text }, 'shop');
    expect(lines).toEqual(['-  tag: &v 1.0.0 # shared', `+  tag: &v ${TAG} # shared`]);
  });

  it('a plain tag that would read as a number is written quoted', async () => {
    const { lines } = await rollout({ 'apps/shop/values.yaml': 'image:\n  repository: ghcr.io/acme/shop\n  tag: old\n' }, 'shop', {}, { tag: '1.20', pr: undefined });
    expect(lines).toEqual(['-  tag: old', '+  tag: "1.20"']);
  });
});

describe('an image with no tag yet', () => {
  it('gets a tag beside its repository (a values file for valuesFrom, in the service’s folder)', async () => {
    const values = '# Default values\nimage:\n  repository: bitnamilegacy/redis\n\nusePassword: false\n';
    const { lines } = await rollout({ 'infrastructure/redis/values.yaml': values, 'infrastructure/redis/release.yaml': '---\n# the release\n---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: redis\nspec:\n  valuesFrom:\n    - kind: ConfigMap\n      name: redis-values\n' }, 'redis');
    expect(lines).toEqual([`+  tag: ${TAG}`]);
  });
});
