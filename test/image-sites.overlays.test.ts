import type { RepoTree } from '../src/core/flux/repo-tree.js';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { environmentOf, parseConfig } from '../src/core/config/load.js';
import { RolloutEngine } from '../src/core/rollout/rollout-engine.js';
import { readCurrentTag } from '../src/core/release/release-plan.js';
import { BareRepo, removeDir, run, tempDir } from './support/git-fixtures.js';
import { recordingReporter } from './support/rollout-env.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/overlays', import.meta.url));
function tree(dir: string, prefix = ''): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? Object.entries(tree(path, `${prefix}${name}/`)) : [[`${prefix}${name}`, readFileSync(path, 'utf8')]];
    }),
  );
}

let root: string;
let flux: BareRepo;
beforeEach(async () => {
  root = await tempDir();
  flux = await BareRepo.create(root, tree(FIXTURE));
});
afterEach(async () => {
  await removeDir(root);
});

function setup(services: Record<string, unknown> = {}) {
  const config = parseConfig(
    {
      dataDir: join(root, 'data'),
      environments: {
        staging: { fluxGitRepo: flux.url, fluxRoot: 'clusters/staging', services },
        production: { fluxGitRepo: flux.url, fluxRoot: 'clusters/production', services },
      },
    },
    join(root, 'rollbot.yaml'),
  );
  const engine = new RolloutEngine({
    dataDir: config.dataDir,
    identity: { authorName: 'rollbot', authorEmail: 'rollbot@example.com' },
    pushAttempts: 3,
    backoffMs: () => 5,
    environments: () => ['staging', 'production'].map((n) => environmentOf(config, n)),
  });
  return { engine, env: (name: string) => environmentOf(config, name) };
}

/** Files the last commit touched. */
const touched = async () => (await run(flux.url, 'show', '--name-only', '--format=', 'main')).split('\n').filter(Boolean);
const TAG = 'ps-9-abcdef1';

describe('environments and overlays: the tag goes into the environment’s own file', () => {
  it('inserts image.tag under spec.values of the environment’s patch, never into the shared base', async () => {
    const { engine, env } = setup();
    const result = await engine.rollout(env('staging'), { service: 'papi', pr: 9, sha: 'abcdef1234' }, recordingReporter());
    expect(result).toMatchObject({ status: 'updated', file: 'apps/staging/papi-values.yaml', previousTag: null });
    expect(await touched()).toEqual(['apps/staging/papi-values.yaml']);
    expect(await flux.changedLines()).toEqual(['+    image:', `+      tag: ${TAG}`]);
    expect(await flux.show('apps/staging/papi-values.yaml')).toContain(`        - papi.staging.acme.test\n    image:\n      tag: ${TAG}`);
  });

  it('edits the tag an environment’s patch already has', async () => {
    const { engine, env } = setup();
    await engine.rollout(env('production'), { service: 'papi', pr: 9, sha: 'abcdef1234' }, recordingReporter());
    expect(await touched()).toEqual(['apps/production/papi-values.yaml']);
    expect(await flux.changedLines()).toEqual(['-      tag: 0.9.0 # production pins', `+      tag: ${TAG} # production pins`]);
  });

  it('a values file turned into the valuesFrom ConfigMap by configMapGenerator: edited, or given an image.tag', async () => {
    const { engine, env } = setup();
    await engine.rollout(env('staging'), { service: 'redis', pr: 9, sha: 'abcdef1234' }, recordingReporter());
    expect(await touched()).toEqual(['apps/staging/redis-values.yaml']);
    expect(await flux.changedLines()).toEqual(['-  tag: 7.2.4', `+  tag: ${TAG}`]);

    await engine.rollout(env('production'), { service: 'redis', pr: 9, sha: 'abcdef1234' }, recordingReporter());
    expect(await touched()).toEqual(['apps/production/redis-values.yaml']);
    expect(await flux.changedLines()).toEqual(['+image:', `+  tag: ${TAG}`]);
  });

  it('a workload of a shared base gets its tag from the overlay kustomization’s images:', async () => {
    const { engine, env } = setup();
    await engine.rollout(env('staging'), { service: 'shop', pr: 9, sha: 'abcdef1234' }, recordingReporter());
    expect(await touched()).toEqual(['apps/staging/kustomization.yaml']);
    expect(await flux.changedLines()).toEqual(['+images:', '+  - name: ghcr.io/acme/shop', `+    newTag: ${TAG}`]);
    // …and the next rollout edits that entry in place.
    await engine.rollout(env('staging'), { service: 'shop', pr: 10, sha: 'bcdef12345' }, recordingReporter());
    expect(await flux.changedLines()).toEqual([`-    newTag: ${TAG}`, '+    newTag: ps-10-bcdef12']);
  });

  it('refuses to write a shared base when the environment has no overlay for it', async () => {
    const { engine, env } = setup();
    await expect(engine.rollout(env('staging'), { service: 'papi-worker', pr: 9, sha: 'abcdef1234' }, recordingReporter())).rejects.toThrow(
      "'papi-worker' gets its image from `apps/base/papi/worker.yaml` (`spec.values.image.tag`), which production also deploys, so nothing was changed for staging alone.",
    );
    expect(await flux.commitCount()).toBe(1);
  });

  it('a base only one environment deploys is that environment’s own', async () => {
    const config = parseConfig({ dataDir: join(root, 'data'), environments: { staging: { fluxGitRepo: flux.url, fluxRoot: 'clusters/staging' } } }, join(root, 'r.yaml'));
    const engine = new RolloutEngine({
      dataDir: config.dataDir,
      identity: { authorName: 'rollbot', authorEmail: 'rollbot@example.com' },
      pushAttempts: 3,
      environments: () => [environmentOf(config, 'staging')],
    });
    await engine.rollout(environmentOf(config, 'staging'), { service: 'shop', pr: 9, sha: 'abcdef1234' }, recordingReporter());
    expect(await flux.changedLines()).toEqual(['-          image: ghcr.io/acme/shop:2.0.0', `+          image: ghcr.io/acme/shop:${TAG}`]);
  });
});

describe('a request that names no environment, for a service several deploy', () => {
  it('asks which environment: each candidate says whose it is, nothing changes', async () => {
    const config = parseConfig(
      {
        dataDir: join(root, 'data'),
        environments: {
          everything: { fluxGitRepo: flux.url },
          staging: { fluxGitRepo: flux.url, fluxRoot: 'clusters/staging' },
          production: { fluxGitRepo: flux.url, fluxRoot: 'clusters/production' },
        },
      },
      join(root, 'rollbot.yaml'),
    );
    await flux.commitFiles({ 'clusters/staging/web/values.yaml': 'image:\n  tag: a\n', 'clusters/production/web/values.yaml': 'image:\n  tag: b\n' }, 'web');
    const engine = new RolloutEngine({
      dataDir: config.dataDir,
      identity: { authorName: 'rollbot', authorEmail: 'rollbot@example.com' },
      pushAttempts: 3,
      environments: () => ['everything', 'staging', 'production'].map((n) => environmentOf(config, n)),
    });
    const error = await engine.rollout(environmentOf(config, 'everything'), { service: 'web', pr: 9, sha: 'abcdef1234' }, recordingReporter()).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "Found several flux files for 'web', so nothing was changed:\n• *production*: `clusters/production/web/values.yaml` `image.tag` (now `b`)\n• *staging*: `clusters/staging/web/values.yaml` `image.tag` (now `a`)\n'web' is deployed by several environments (production, staging). Say which with `--env <name>`, or pick one below: it runs there.",
    );
    expect(await flux.commitCount()).toBe(2);
  });
});

describe('a release reads the tag where it will write it', () => {
  it('through the environment’s overlay, and at a picked site', async () => {
    const { engine, env } = setup();
    const scopeOf = (name: string) => (tree: RepoTree) => engine.scopeOf(env(name), tree);
    const production = await readCurrentTag(engine.workspace(env('production')), 'papi', undefined, 'clusters/production', { scopeOf: scopeOf('production') });
    expect(production).toMatchObject({ file: 'apps/production/papi-values.yaml', tag: '0.9.0' });
    const staging = await readCurrentTag(engine.workspace(env('staging')), 'papi', undefined, 'clusters/staging', { scopeOf: scopeOf('staging') });
    expect(staging).toMatchObject({ file: 'apps/staging/papi-values.yaml', tag: null });
    const picked = await readCurrentTag(engine.workspace(env('staging')), 'papi', undefined, 'clusters/staging', { site: 'apps/base/papi/release.yaml:spec.values.redis.tag' });
    expect(picked).toMatchObject({ file: 'apps/base/papi/release.yaml', tag: '8.6.2' });
  });
});

describe('what counts as shared', () => {
  it('another environment on the same fluxRoot (a read-only view of it) does not make its files shared', async () => {
    const config = parseConfig(
      {
        dataDir: join(root, 'data'),
        environments: {
          staging: { fluxGitRepo: flux.url, fluxRoot: 'clusters/staging' },
          'staging-audit': { fluxGitRepo: flux.url, fluxRoot: './clusters/staging/', readOnly: true },
        },
      },
      join(root, 'rollbot.yaml'),
    );
    const engine = new RolloutEngine({
      dataDir: config.dataDir,
      identity: { authorName: 'rollbot', authorEmail: 'rollbot@example.com' },
      pushAttempts: 3,
      environments: () => ['staging', 'staging-audit'].map((n) => environmentOf(config, n)),
    });
    await engine.rollout(environmentOf(config, 'staging'), { service: 'shop', pr: 9, sha: 'abcdef1234' }, recordingReporter());
    expect(await touched()).toEqual(['apps/base/shop/deployment.yaml']);
  });
});
