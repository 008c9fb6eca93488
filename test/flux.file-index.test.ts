import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { locateServiceFile } from '../src/core/flux/locate.js';
import { FluxWorkspace } from '../src/core/flux/workspace.js';
import { BareRepo, helmRelease, removeDir, tempDir, valuesFile } from './support/git-fixtures.js';
import { makeEnv } from './support/rollout-env.js';

let root: string;
beforeEach(async () => {
  root = await tempDir();
});
afterEach(async () => {
  await removeDir(root);
});

/** Sync the worker's clone to the remote head and locate, as a job does. */
async function locateAfterSync(workspace: FluxWorkspace, service: string) {
  return locateServiceFile(workspace.tree(await workspace.sync()), service);
}

describe('the clone’s file index follows the repository as others change it', () => {
  it('sees HelmReleases that move, appear twice or disappear, and values files that are added', async () => {
    const flux = await BareRepo.create(root, { 'apps/papi/release.yaml': helmRelease('papi', 'a') });
    const env = makeEnv(root, flux.url);
    const workspace = new FluxWorkspace(env, `${root}/data`, { authorName: 'x', authorEmail: 'x@y' });
    expect((await locateAfterSync(workspace, 'papi')).file).toBe('apps/papi/release.yaml');

    // Someone moves the release into a multi-document file elsewhere.
    await flux.commitFiles({ 'apps/papi/release.yaml': 'kind: ConfigMap\nmetadata:\n  name: x\n', 'releases/all.yaml': `${helmRelease('papi', 'b')}---\n${helmRelease('runner', 'c')}` }, 'move');
    expect((await locateAfterSync(workspace, 'papi')).file).toBe('releases/all.yaml');
    expect((await locateAfterSync(workspace, 'runner')).file).toBe('releases/all.yaml');

    // …and then declares papi a second time: ambiguous again, nothing guessed.
    await flux.commitFiles({ 'clusters/prod/papi.yaml': helmRelease('papi', 'd') }, 'duplicate');
    await expect(locateAfterSync(workspace, 'papi')).rejects.toThrow(/Found several flux files for 'papi'/);

    // A values file for a new service shows up by its folder name.
    await flux.commitFiles({ 'apps/search/values.yaml': valuesFile('search', 'e') }, 'add search');
    expect((await locateAfterSync(workspace, 'search')).file).toBe('apps/search/values.yaml');
  });

  it('a rebuilt clone (unknown old commit) rebuilds the index instead of trusting it', async () => {
    const flux = await BareRepo.create(root, { 'apps/papi/release.yaml': helmRelease('papi', 'a') });
    const env = makeEnv(root, flux.url);
    const workspace = new FluxWorkspace(env, `${root}/data`, { authorName: 'x', authorEmail: 'x@y' });
    await locateAfterSync(workspace, 'papi');
    // The remote is replaced by an unrelated history (force-pushed), under the same path.
    await removeDir(flux.url);
    const other = await BareRepo.create(root, { 'apps/runner/release.yaml': helmRelease('runner', 'z') });
    expect(other.url).toBe(flux.url);
    await removeDir(workspace.dir);
    expect((await locateAfterSync(workspace, 'runner')).file).toBe('apps/runner/release.yaml');
    await expect(locateAfterSync(workspace, 'papi')).rejects.toThrow(/Could not find flux config for 'papi'/);
  });
});
