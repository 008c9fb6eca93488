import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historyTable } from '../src/core/history/history-format.js';
import { readTagHistory } from '../src/core/history/tag-history.js';
import { rollback, rollbackSummary } from '../src/core/rollout/rollback.js';
import type { RolloutEngine } from '../src/core/rollout/rollout-engine.js';
import type { EnvironmentConfig } from '../src/core/config/schema.js';
import { BareRepo, removeDir, tempDir, valuesFile } from './support/git-fixtures.js';
import { makeEngine, makeEnv, recordingReporter } from './support/rollout-env.js';

let root: string;
let flux: BareRepo;
let env: EnvironmentConfig;
let engine: RolloutEngine;

const history = (limit = 20) => engine.inspect(env, 'papi', (_ws, located, tree) => readTagHistory(tree, located, 'papi', { limit }));

beforeAll(async () => {
  root = await tempDir();
  flux = await BareRepo.create(root, { 'apps/papi/values.yaml': valuesFile('papi', 'ps-1-aaaaaaa'), 'apps/web/values.yaml': valuesFile('web', 'old') });
  env = makeEnv(root, flux.url);
  engine = makeEngine(root);
  await engine.rollout(env, { service: 'papi', pr: 2, sha: 'bbbbbbb', requestedBy: 'U_ALICE' }, recordingReporter());
  // A hand-made commit that touches the file but not the tag is not a deploy.
  await flux.commitFiles({ 'apps/papi/values.yaml': valuesFile('papi', 'ps-2-bbbbbbb').replace('cpu: 500m', 'cpu: 600m') }, 'papi: more cpu');
  await engine.rollout(env, { service: 'web', pr: 9, sha: 'fffffff' }, recordingReporter());
  await engine.rollout(env, { service: 'papi', tag: 'main-ccccccc-1700000000', sha: 'ccccccc', subject: 'release(papi): main-ccccccc-1700000000 to rdebug', requestedBy: 'U_BOB' }, recordingReporter());
  await engine.rollout(env, { service: 'papi', pr: 4, sha: 'ddddddd', requestedBy: 'U_CAROL' }, recordingReporter());
});
afterAll(async () => {
  await removeDir(root);
});

describe('/history: the tags a service had, from the Flux repo history of its file', () => {
  it('lists one entry per tag change, newest first, with who asked, how, the PR and the commit', async () => {
    const h = await history();
    expect(h.file).toBe('apps/papi/values.yaml');
    expect(h.changes.map((c) => c.tag)).toEqual(['ps-4-ddddddd', 'main-ccccccc-1700000000', 'ps-2-bbbbbbb', 'ps-1-aaaaaaa']);
    expect(h.changes.map((c) => c.kind)).toEqual(['rollout', 'release', 'rollout', 'manual']);
    expect(h.changes.map((c) => c.requestedBy)).toEqual(['U_CAROL', 'U_BOB', 'U_ALICE', undefined]);
    expect(h.changes.map((c) => c.current)).toEqual([true, false, false, false]);
    expect(h.changes[0]!.pr).toBe(4);
    expect(h.changes[0]!.commit).toBe((await flux.log('main', '%H'))[0]);
    expect(h.changes[3]!.author).toBe('Fixture');
  });

  it('honours the limit and prints an aligned table for the terminal', async () => {
    const h = await history(2);
    expect(h.changes).toHaveLength(2);
    const table = historyTable(h.changes).split('\n');
    expect(table[0]).toMatch(/^TAG\s+WHEN\s+REQUESTED BY\s+COMMIT\s+HOW$/);
    expect(table[1]).toMatch(/^ps-4-ddddddd \*\s+\d{4}-\d\d-\d\d \d\d:\d\d UTC\s+U_CAROL\s+[0-9a-f]{7}\s+rollout of PR #4$/);
    expect(table[2]).toContain('release');
  });
});

describe('/rollback through the rollout engine', () => {
  it('goes back to the previous tag with the revert subject, a one-line diff and the requester trailer', async () => {
    const reporter = recordingReporter();
    const result = await rollback(engine, env, { service: 'papi', requestedBy: 'U_DAVE', requestId: 'rb-1' }, reporter);
    expect(result).toMatchObject({ status: 'updated', tag: 'main-ccccccc-1700000000', fromTag: 'ps-4-ddddddd', pushAttempts: 1 });
    expect((await flux.log())[0]).toBe('revert(papi): roll back to main-ccccccc-1700000000 (was ps-4-ddddddd)');
    expect(await flux.changedLines()).toEqual(['-  tag: ps-4-ddddddd  # updated by CI', '+  tag: main-ccccccc-1700000000  # updated by CI']);
    expect(await flux.headMessage()).toContain('Requested-by: U_DAVE');
    // One progress message: the target step, then the engine's steps.
    const last = reporter.last();
    expect(last.title).toBe('Rollback of papi in rdebug to main-ccccccc-1700000000');
    expect(last.steps.map((s) => `${s.id}:${s.status}`)).toEqual(['target:done', 'locate:done', 'resolve:done', 'edit:done', 'commit:done', 'push:done']);
    expect(rollbackSummary(result)).toContain('Rolled back papi in rdebug to main-ccccccc-1700000000 (was ps-4-ddddddd)');
    const h = await history();
    expect(h.changes[0]).toMatchObject({ tag: 'main-ccccccc-1700000000', kind: 'rollback', requestedBy: 'U_DAVE', current: true });
  });

  it('a retried rollback job lands once and does not step back a second time', async () => {
    const commits = await flux.commitCount();
    const again = await rollback(engine, env, { service: 'papi', requestedBy: 'U_DAVE', requestId: 'rb-1' }, recordingReporter());
    expect(again).toMatchObject({ status: 'updated', tag: 'main-ccccccc-1700000000', fromTag: 'ps-4-ddddddd' });
    expect(await flux.commitCount()).toBe(commits);
  });

  it('--to goes back to a named older tag; a tag without a commit in it skips the resolve step', async () => {
    const reporter = recordingReporter();
    const result = await rollback(engine, env, { service: 'papi', to: 'ps-1-aaaaaaa', requestId: 'rb-2' }, reporter);
    expect(result).toMatchObject({ tag: 'ps-1-aaaaaaa', fromTag: 'main-ccccccc-1700000000' });
    expect((await flux.log())[0]).toBe('revert(papi): roll back to ps-1-aaaaaaa (was main-ccccccc-1700000000)');
    const web = recordingReporter();
    await rollback(engine, env, { service: 'web' }, web);
    expect(web.last().steps.find((s) => s.id === 'resolve')).toMatchObject({ status: 'skipped', detail: 'tag given' });
    expect((await flux.log())[0]).toBe('revert(web): roll back to old (was ps-9-fffffff)');
  });

  it('refuses tags it never had, the tag it has, read-only environments, and says what to do', async () => {
    await expect(rollback(engine, env, { service: 'papi', to: 'ps-99-9999999' }, recordingReporter())).rejects.toThrow(
      "papi never had `ps-99-9999999` in `rdebug` (searched its last 200 tag changes). See `/history papi --env rdebug`",
    );
    await expect(rollback(engine, env, { service: 'papi', to: 'ps-1-aaaaaaa' }, recordingReporter())).rejects.toThrow('papi already runs `ps-1-aaaaaaa` in `rdebug`');
    await expect(rollback(engine, makeEnv(root, flux.url, { readOnly: true }), { service: 'papi' }, recordingReporter())).rejects.toThrow("rwenv 'rdebug' is read-only.");
    await expect(rollback(engine, env, { service: 'nope' }, recordingReporter())).rejects.toThrow("Could not find flux config for 'nope'.");
  });

  it('undo: rolls back what one request committed, or says it committed nothing', async () => {
    await engine.rollout(env, { service: 'papi', pr: 5, sha: 'eeeeeee', requestId: 'job-bad' }, recordingReporter());
    const result = await rollback(engine, env, { service: 'papi', undo: 'job-bad', requestId: 'rb-3' }, recordingReporter());
    expect(result).toMatchObject({ tag: 'ps-1-aaaaaaa', fromTag: 'ps-5-eeeeeee' });
    await expect(rollback(engine, env, { service: 'papi', undo: 'job-never-pushed' }, recordingReporter())).rejects.toThrow(
      'That rollout changed nothing in the Flux repo, so there is nothing to roll back: papi still runs `ps-1-aaaaaaa` in `rdebug`.',
    );
  });

  it('a service that only ever had one tag has nothing to roll back to', async () => {
    const lonely = await BareRepo.create(await tempDir(), { 'apps/solo/values.yaml': valuesFile('solo', 'v1') });
    const soloEnv = makeEnv(lonely.root, lonely.url);
    await expect(rollback(makeEngine(lonely.root), soloEnv, { service: 'solo' }, recordingReporter())).rejects.toThrow(
      'solo has only ever had `v1` in `rdebug`, so there is no earlier tag to roll back to.',
    );
    await removeDir(lonely.root);
  });
});
