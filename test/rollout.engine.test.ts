import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BareRepo, createSourceRepo, helmRelease, removeDir, run, tempDir, valuesFile } from './support/git-fixtures.js';
import { makeEngine, makeEnv, recordingReporter } from './support/rollout-env.js';

let root: string;
beforeEach(async () => {
  root = await tempDir();
});
afterEach(async () => {
  await removeDir(root);
});

describe('rollout into a real bare Flux repo', () => {
  it('pushes one commit with the exact message and a one-line diff (HelmRelease layout)', async () => {
    const flux = await BareRepo.create(root, { 'apps/papi/helmrelease.yaml': helmRelease('papi', 'ps-1-0000000') });
    const source = await createSourceRepo(root, 'papi', { 42: 2 });
    const env = makeEnv(root, flux.url, { sourceRepo: `${root}/{service}.git` });
    const reporter = recordingReporter();

    const result = await makeEngine(root).rollout(env, { service: 'papi', pr: 42, requestedBy: 'U_ALICE' }, reporter);

    const tag = `ps-42-${source.heads[42]!.slice(0, 7)}`;
    expect(result).toMatchObject({ status: 'updated', tag, file: 'apps/papi/helmrelease.yaml', previousTag: 'ps-1-0000000', pushAttempts: 1 });
    expect(await flux.log()).toEqual([`chore(papi): update image tag to ${tag}`, 'initial layout']);
    expect(await flux.changedLines()).toEqual(['-      tag: "ps-1-0000000"', `+      tag: "${tag}"`]);
    expect(await flux.headMessage()).toContain('Requested-by: U_ALICE');
    expect(reporter.last().steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
    // The clone is bare (no work tree to refresh or leave half-edited) and knows the pushed commit.
    const clone = makeEngine(root).workspace(env).dir;
    expect(await run(clone, 'rev-parse', '--is-bare-repository')).toBe('true');
    expect(await run(clone, 'rev-parse', 'refs/remotes/origin/main')).toBe(await run(flux.url, 'rev-parse', 'main'));
  });

  it('edits .image.tag of values.yaml in a folder named after the service', async () => {
    const flux = await BareRepo.create(root, {
      'clusters/rdebug/apps/frontend/values.yaml': valuesFile('frontend', 'old'),
      'clusters/rdebug/apps/frontend/kustomization.yaml': 'resources: []\n',
    });
    const result = await makeEngine(root).rollout(makeEnv(root, flux.url), { service: 'frontend', pr: 7, sha: 'abcdef1234' }, recordingReporter());
    expect(result.file).toBe('clusters/rdebug/apps/frontend/values.yaml');
    expect(await flux.changedLines()).toEqual(['-  tag: old  # updated by CI', '+  tag: ps-7-abcdef1  # updated by CI']);
  });

  it('finds a HelmRelease in a multi-document file by metadata.name', async () => {
    const flux = await BareRepo.create(root, {
      'releases/all.yaml': `${helmRelease('papi', 'a')}---\n${helmRelease('runner', 'b')}`,
    });
    await makeEngine(root).rollout(makeEnv(root, flux.url), { service: 'runner', pr: 3, sha: '1234567' }, recordingReporter());
    expect(await flux.changedLines()).toEqual(['-      tag: "b"', '+      tag: "ps-3-1234567"']);
  });

  it('uses the catalog fluxPath first', async () => {
    const flux = await BareRepo.create(root, {
      'a/papi/values.yaml': valuesFile('papi', 'x'),
      'b/papi/values.yaml': valuesFile('papi', 'y'),
    });
    const env = makeEnv(root, flux.url, { services: { papi: { fluxPath: 'b/papi/' } } });
    const result = await makeEngine(root).rollout(env, { service: 'papi', pr: 1, sha: 'aaaaaaa' }, recordingReporter());
    expect(result.file).toBe('b/papi/values.yaml');
  });

  it('refuses an ambiguous service, lists the candidates and changes nothing', async () => {
    const flux = await BareRepo.create(root, {
      'clusters/staging/papi/values.yaml': valuesFile('papi', 'x'),
      'clusters/prod/papi/values.yaml': valuesFile('papi', 'y'),
    });
    await expect(makeEngine(root).rollout(makeEnv(root, flux.url), { service: 'papi', pr: 1, sha: 'aaaaaaa' }, recordingReporter())).rejects.toThrow(
      "Found several flux files for 'papi', so nothing was changed:\n• `clusters/prod/papi/values.yaml` `image.tag` (now `y`)\n• `clusters/staging/papi/values.yaml` `image.tag` (now `x`)\n",
    );
    expect(await flux.commitCount()).toBe(1);
  });

  it('narrows discovery to the environment fluxRoot', async () => {
    const flux = await BareRepo.create(root, {
      'clusters/staging/papi/values.yaml': valuesFile('papi', 'x'),
      'clusters/prod/papi/values.yaml': valuesFile('papi', 'y'),
    });
    const result = await makeEngine(root).rollout(makeEnv(root, flux.url, { fluxRoot: 'clusters/prod' }), { service: 'papi', pr: 1, sha: 'aaaaaaa' }, recordingReporter());
    expect(result.file).toBe('clusters/prod/papi/values.yaml');
  });

  it("says the seed's not-found sentence for an unknown service", async () => {
    const flux = await BareRepo.create(root, { 'apps/papi/values.yaml': valuesFile('papi', 'x') });
    await expect(makeEngine(root).rollout(makeEnv(root, flux.url), { service: 'nope', pr: 1, sha: 'aaaaaaa' }, recordingReporter())).rejects.toThrow(
      "Could not find flux config for 'nope'. Searched for HelmRelease and values.yaml.",
    );
  });

  it('refuses a read-only environment before anything is written', async () => {
    const flux = await BareRepo.create(root, { 'apps/papi/values.yaml': valuesFile('papi', 'x') });
    const reporter = recordingReporter();
    await expect(makeEngine(root).rollout(makeEnv(root, flux.url, { readOnly: true }), { service: 'papi', pr: 1, sha: 'aaaaaaa' }, reporter)).rejects.toThrow(
      "rwenv 'rdebug' is read-only. Cannot modify Flux repo or trigger reconciliation.",
    );
    expect(reporter.snapshots).toHaveLength(0);
    expect(await flux.commitCount()).toBe(1);
  });

  it('reports "No PR found" when the source repo has no refs/pull/<pr>/head', async () => {
    const flux = await BareRepo.create(root, { 'apps/papi/values.yaml': valuesFile('papi', 'x') });
    await createSourceRepo(root, 'papi', { 42: 1 });
    const env = makeEnv(root, flux.url, { sourceRepo: `${root}/{service}.git` });
    await expect(makeEngine(root).rollout(env, { service: 'papi', pr: 99 }, recordingReporter())).rejects.toThrow(/^No PR found for papi #99/);
  });

  it('says "already at <tag>" and makes no commit when the tag is equal', async () => {
    const flux = await BareRepo.create(root, { 'apps/papi/values.yaml': valuesFile('papi', 'ps-1-aaaaaaa') });
    const result = await makeEngine(root).rollout(makeEnv(root, flux.url), { service: 'papi', pr: 1, sha: 'aaaaaaa' }, recordingReporter());
    expect(result.status).toBe('unchanged');
    expect(await flux.commitCount()).toBe(1);
  });

  it('dry run returns the exact diff and changes nothing', async () => {
    const flux = await BareRepo.create(root, { 'apps/papi/values.yaml': valuesFile('papi', 'old') });
    const result = await makeEngine(root).rollout(makeEnv(root, flux.url), { service: 'papi', pr: 5, sha: 'bbbbbbb', dryRun: true }, recordingReporter());
    expect(result.status).toBe('dry-run');
    expect(result.diff).toContain('-  tag: old  # updated by CI\n+  tag: ps-5-bbbbbbb  # updated by CI');
    expect(await flux.commitCount()).toBe(1);
  });

  it('a retried request finds its own earlier commit instead of committing twice', async () => {
    const flux = await BareRepo.create(root, { 'apps/papi/values.yaml': valuesFile('papi', 'old') });
    const engine = makeEngine(root);
    const request = { service: 'papi', pr: 5, sha: 'bbbbbbb', requestId: 'job-123' };
    const first = await engine.rollout(makeEnv(root, flux.url), request, recordingReporter());
    const again = await engine.rollout(makeEnv(root, flux.url), request, recordingReporter());
    expect(again).toMatchObject({ status: 'updated', commit: first.commit });
    expect(await flux.commitCount()).toBe(2);
  });
});

describe('rollouts racing for the same repo', () => {
  it('a push race (someone pushed between our fetch and our push) ends with both changes on the remote', async () => {
    const flux = await BareRepo.create(root, {
      'apps/papi/values.yaml': valuesFile('papi', 'old'),
      'apps/frontend/values.yaml': valuesFile('frontend', 'old'),
    });
    const env = makeEnv(root, flux.url);
    let raced = false;
    const reporter = {
      progress: (s: { steps: Array<{ id: string; status: string }> }) => {
        // The moment our commit is made locally, someone else pushes first.
        const commit = s.steps.find((x) => x.id === 'commit');
        if (!raced && commit?.status === 'running') {
          raced = true;
          pending = flux.commitFiles({ 'apps/frontend/values.yaml': valuesFile('frontend', 'theirs') }, 'their change');
        }
      },
    };
    let pending: Promise<string> | undefined;
    const engine = makeEngine(root);
    const original = engine.workspace.bind(engine);
    engine.workspace = (e) => {
      const ws = original(e);
      const push = ws.push.bind(ws);
      ws.push = async (commit, branch) => {
        await pending;
        return push(commit, branch);
      };
      return ws;
    };
    const result = await engine.rollout(env, { service: 'papi', pr: 9, sha: 'ccccccc' }, reporter);
    expect(result.pushAttempts).toBe(2);
    expect(await flux.show('apps/frontend/values.yaml')).toContain('tag: theirs');
    expect(await flux.show('apps/papi/values.yaml')).toContain('tag: ps-9-ccccccc');
    expect(await flux.log()).toEqual(['chore(papi): update image tag to ps-9-ccccccc', 'their change', 'initial layout']);
  });

  it('10 rollouts of different services started at once all land, from separate clones', async () => {
    const services = Array.from({ length: 10 }, (_, i) => `svc${i}`);
    const flux = await BareRepo.create(root, Object.fromEntries(services.map((s) => [`apps/${s}/values.yaml`, valuesFile(s, 'old')])));
    // Separate data dirs: ten independent workers pushing to one remote.
    const results = await Promise.all(
      services.map(async (service, i) => {
        const dir = `${root}/w${i}`;
        const env = makeEnv(dir, flux.url);
        return makeEngine(dir, 20).rollout(env, { service, pr: i + 1, sha: 'ddddddd' }, recordingReporter());
      }),
    );
    expect(results.every((r) => r.status === 'updated')).toBe(true);
    expect(await flux.commitCount()).toBe(11);
    for (const [i, service] of services.entries()) {
      expect(await flux.show(`apps/${service}/values.yaml`)).toContain(`tag: ps-${i + 1}-ddddddd`);
    }
  });

  it('10 rollouts in one process share one clone safely', async () => {
    const services = Array.from({ length: 10 }, (_, i) => `svc${i}`);
    const flux = await BareRepo.create(root, Object.fromEntries(services.map((s) => [`apps/${s}/values.yaml`, valuesFile(s, 'old')])));
    const env = makeEnv(root, flux.url);
    const engine = makeEngine(root);
    await Promise.all(services.map((service, i) => engine.rollout(env, { service, pr: i + 1, sha: 'eeeeeee' }, recordingReporter())));
    expect(await flux.commitCount()).toBe(11);
  });
});
