import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reporter } from '../src/core/progress.js';
import { applyBatch, type BatchItemOutcome } from '../src/core/rollout/rollout-batch.js';
import type { RolloutEngine, RolloutRequest } from '../src/core/rollout/rollout-engine.js';
import { BareRepo, removeDir, run, tempDir, valuesFile } from './support/git-fixtures.js';
import { makeEngine, makeEnv, recordingReporter } from './support/rollout-env.js';

let root: string;
beforeEach(async () => {
  root = await tempDir();
});
afterEach(async () => {
  await removeDir(root);
});

const services = (n: number) => Array.from({ length: n }, (_, i) => `svc${String(i).padStart(2, '0')}`);

async function runBatch(engine: RolloutEngine, env: ReturnType<typeof makeEnv>, requests: RolloutRequest[], reporters: Reporter[]) {
  const outcomes: BatchItemOutcome[] = [];
  const prepared = requests.map((r, i) => engine.prepare(env, r, reporters[i]!));
  const report = await applyBatch(engine, prepared, (i, o) => (outcomes[i] = o));
  return { report, outcomes };
}

describe('a batch of rollouts to one repository', () => {
  it('lands every change as its own commit, in one push, and each request reports its own result', async () => {
    const names = services(20);
    const flux = await BareRepo.create(root, Object.fromEntries(names.map((s) => [`apps/${s}/values.yaml`, valuesFile(s, 'old')])));
    const pushes = await flux.countPushes();
    const env = makeEnv(root, flux.url);
    const reporters = names.map(() => recordingReporter());
    const requests = names.map((service, i) => ({ service, pr: i + 1, sha: 'abcdef1', requestedBy: `U_${i}`, requestId: `job-${i}` }));

    const { report, outcomes } = await runBatch(makeEngine(root), env, requests, reporters);

    expect(report).toEqual({ pushes: 1, rejected: 0, landed: 20 });
    expect(await pushes()).toBe(1);
    expect(await flux.commitCount()).toBe(21);
    // Oldest first: the commits are in the order the requests came.
    expect((await flux.log()).reverse()).toEqual(['initial layout', ...names.map((s, i) => `chore(${s}): update image tag to ps-${i + 1}-abcdef1`)]);
    for (const [i, service] of names.entries()) {
      expect(await flux.show(`apps/${service}/values.yaml`)).toContain(`tag: ps-${i + 1}-abcdef1`);
      const outcome = outcomes[i]!;
      expect(outcome.ok && outcome.result).toMatchObject({ status: 'updated', service, tag: `ps-${i + 1}-abcdef1`, pushAttempts: 1 });
      const commit = outcome.ok ? outcome.result.commit! : '';
      // Each commit touches only its service's file and carries its own trailers.
      expect(await run(flux.url, 'show', '--format=', '--name-only', commit)).toBe(`apps/${service}/values.yaml`);
      expect(await run(flux.url, 'log', '-1', '--format=%B', commit)).toContain(`Requested-by: U_${i}\nRollbot-Request: job-${i}`);
      const steps = reporters[i]!.last().steps;
      expect(steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
      expect(steps.find((s) => s.id === 'push')!.detail).toBe('main (attempt 1, with 19 other rollouts)');
    }
    const clone = makeEngine(root).workspace(env).dir;
    expect(await run(clone, 'rev-parse', 'refs/remotes/origin/main')).toBe(await run(flux.url, 'rev-parse', 'main'));
  });

  it('one request that cannot be applied fails alone; the rest land in the same push', async () => {
    const flux = await BareRepo.create(root, {
      'apps/papi/values.yaml': valuesFile('papi', 'old'),
      'apps/runner/values.yaml': valuesFile('runner', 'old'),
      'staging/twice/values.yaml': valuesFile('twice', 'x'),
      'prod/twice/values.yaml': valuesFile('twice', 'y'),
      'apps/same/values.yaml': valuesFile('same', 'ps-3-abcdef1'),
    });
    const pushes = await flux.countPushes();
    const requests = [
      { service: 'papi', pr: 1, sha: 'abcdef1' },
      { service: 'nope', pr: 2, sha: 'abcdef1' },
      { service: 'twice', pr: 2, sha: 'abcdef1' },
      { service: 'same', pr: 3, sha: 'abcdef1' },
      { service: 'runner', pr: 4, sha: 'abcdef1' },
    ];
    const reporters = requests.map(() => recordingReporter());

    const { outcomes } = await runBatch(makeEngine(root), makeEnv(root, flux.url), requests, reporters);

    const said = outcomes.map((o) => (o.ok ? o.result.status : (o.error as Error).message));
    expect(said).toHaveLength(5);
    expect(said[0]).toBe('updated');
    expect(said[1]).toMatch(/^Could not find flux config for 'nope'\./);
    expect(said[2]).toMatch(/^Found several flux files for 'twice', so nothing was changed/);
    expect(said[3]).toBe('unchanged');
    expect(said[4]).toBe('updated');
    expect(reporters[1]!.last().steps[0]).toMatchObject({ id: 'locate', status: 'failed' });
    expect(await pushes()).toBe(1);
    expect(await flux.log()).toEqual(['chore(runner): update image tag to ps-4-abcdef1', 'chore(papi): update image tag to ps-1-abcdef1', 'initial layout']);
  });

  it('a push rejected because someone pushed first re-applies the batch on the new head and loses nothing', async () => {
    const names = services(6);
    const flux = await BareRepo.create(root, {
      ...Object.fromEntries(names.map((s) => [`apps/${s}/values.yaml`, valuesFile(s, 'old')])),
      'apps/theirs/values.yaml': valuesFile('theirs', 'old'),
    });
    const pushes = await flux.countPushes();
    const engine = makeEngine(root);
    const original = engine.workspace.bind(engine);
    let raced = false;
    engine.workspace = (e) => {
      const ws = original(e);
      const push = ws.push.bind(ws);
      ws.push = async (branch) => {
        // Between our fetch and our first push, another writer pushes to the same branch.
        if (!raced) {
          raced = true;
          await flux.commitFiles({ 'apps/theirs/values.yaml': valuesFile('theirs', 'their-tag') }, 'their change');
        }
        return push(branch);
      };
      return ws;
    };
    const reporters = names.map(() => recordingReporter());
    const requests = names.map((service, i) => ({ service, pr: i + 1, sha: 'abcdef1', requestId: `job-${i}` }));

    const { report, outcomes } = await runBatch(engine, makeEnv(root, flux.url), requests, reporters);

    expect(report).toEqual({ pushes: 2, rejected: 1, landed: 6 });
    expect(outcomes.every((o) => o.ok && o.result.status === 'updated' && o.result.pushAttempts === 2)).toBe(true);
    expect(await pushes()).toBe(2); // theirs, then our batch
    expect(await flux.show('apps/theirs/values.yaml')).toContain('tag: their-tag');
    for (const [i, s] of names.entries()) expect(await flux.show(`apps/${s}/values.yaml`)).toContain(`tag: ps-${i + 1}-abcdef1`);
    const log = await flux.log();
    expect(log).toHaveLength(8);
    expect(log.slice(-2)).toEqual(['their change', 'initial layout']);
    expect(reporters[0]!.last().steps.find((s) => s.id === 'push')!.detail).toBe('main (attempt 2, with 5 other rollouts)');
  });

  it('a retried batch finds the commits that landed before and makes no second one', async () => {
    const names = services(4);
    const flux = await BareRepo.create(root, Object.fromEntries(names.map((s) => [`apps/${s}/values.yaml`, valuesFile(s, 'old')])));
    const env = makeEnv(root, flux.url);
    const requests = names.map((service, i) => ({ service, pr: i + 1, sha: 'abcdef1', requestId: `job-${i}` }));
    const first = await runBatch(makeEngine(root), env, requests, names.map(() => recordingReporter()));
    const again = await runBatch(makeEngine(root), env, requests, names.map(() => recordingReporter()));

    expect(again.report.pushes).toBe(0);
    expect(again.outcomes.map((o) => o.ok && o.result.commit)).toEqual(first.outcomes.map((o) => o.ok && o.result.commit));
    expect(await flux.commitCount()).toBe(5);
  });

  it('two rollouts of one service in a batch both commit, in order, and the later tag wins', async () => {
    const flux = await BareRepo.create(root, { 'apps/papi/values.yaml': valuesFile('papi', 'old') });
    const requests = [
      { service: 'papi', pr: 1, sha: 'abcdef1' },
      { service: 'papi', pr: 2, sha: 'abcdef2' },
    ];
    const { report } = await runBatch(makeEngine(root), makeEnv(root, flux.url), requests, requests.map(() => recordingReporter()));
    expect(report).toEqual({ pushes: 1, rejected: 0, landed: 2 });
    expect(await flux.log()).toEqual(['chore(papi): update image tag to ps-2-abcdef2', 'chore(papi): update image tag to ps-1-abcdef1', 'initial layout']);
    expect(await flux.changedLines('main~1')).toEqual(['-  tag: old  # updated by CI', '+  tag: ps-1-abcdef1  # updated by CI']);
    expect(await flux.changedLines()).toEqual(['-  tag: ps-1-abcdef1  # updated by CI', '+  tag: ps-2-abcdef2  # updated by CI']);
  });

  it('a batch fetches first even when this worker saw the head moments ago (re-applying a whole batch costs more than a fetch); a lone rollout does not', async () => {
    const names = services(3);
    const flux = await BareRepo.create(root, Object.fromEntries(names.map((s) => [`apps/${s}/values.yaml`, valuesFile(s, 'old')])));
    const env = makeEnv(root, flux.url);
    const engine = makeEngine(root);
    await runBatch(engine, env, [{ service: 'svc00', pr: 1, sha: 'abcdef1', requestId: 'warm' }], [recordingReporter()]);
    await flux.commitFiles({ 'apps/other/values.yaml': valuesFile('other', 'x') }, 'another worker pushed');

    const batch = await runBatch(engine, env, names.map((service, i) => ({ service, pr: 10 + i, sha: 'abcdef1', requestId: `b-${i}` })), names.map(() => recordingReporter()));
    expect(batch.report).toEqual({ pushes: 1, rejected: 0, landed: 3 });

    await flux.commitFiles({ 'apps/other/values.yaml': valuesFile('other', 'y') }, 'another worker pushed again');
    const lone = await runBatch(engine, env, [{ service: 'svc01', pr: 20, sha: 'abcdef1', requestId: 'lone' }], [recordingReporter()]);
    // Built on the head it pushed a moment ago: refused once, fetched, landed.
    expect(lone.report).toEqual({ pushes: 2, rejected: 1, landed: 1 });
    expect(await flux.log()).toEqual([
      'chore(svc01): update image tag to ps-20-abcdef1',
      'another worker pushed again',
      'chore(svc02): update image tag to ps-12-abcdef1',
      'chore(svc01): update image tag to ps-11-abcdef1',
      'chore(svc00): update image tag to ps-10-abcdef1',
      'another worker pushed',
      'chore(svc00): update image tag to ps-1-abcdef1',
      'initial layout',
    ]);
  });
});
