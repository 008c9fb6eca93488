import { readFile, writeFile, chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitObjectStore } from '../src/core/flux/git-object-store.js';
import { GitPipe, lineAnswer } from '../src/core/flux/git-pipe.js';
import { FluxWorkspace } from '../src/core/flux/workspace.js';
import { BareRepo, removeDir, run, tempDir, valuesFile } from './support/git-fixtures.js';
import { makeEngine, makeEnv, recordingReporter } from './support/rollout-env.js';

let root: string;
beforeEach(async () => {
  root = await tempDir();
});
afterEach(async () => {
  GitObjectStore.closeAll();
  await removeDir(root);
});

/** Top-level git processes started while `work` runs (git trace2; children of a push are not counted). */
async function gitProcessesDuring(work: () => Promise<unknown>): Promise<string[]> {
  const trace = join(root, `trace-${Date.now()}.json`);
  process.env.GIT_TRACE2_EVENT = trace;
  try {
    await work();
  } finally {
    delete process.env.GIT_TRACE2_EVENT;
  }
  const events = (await readFile(trace, 'utf8').catch(() => '')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; sid: string; name?: string });
  return events.filter((e) => e.event === 'cmd_name' && !e.sid.includes('/')).map((e) => e.name!);
}

/** papi and runner in a Flux repo, and a clone warmed by one rollout of runner (its head just seen). */
async function warmClone() {
  const flux = await BareRepo.create(root, {
    'apps/papi/values.yaml': valuesFile('papi', 'old'),
    'apps/runner/values.yaml': valuesFile('runner', 'old'),
  });
  const engine = makeEngine(root);
  const env = makeEnv(root, flux.url);
  await engine.rollout(env, { service: 'runner', pr: 1, sha: 'abcdef1' }, recordingReporter());
  return { flux, engine, env };
}

describe('commits written with git plumbing on a bare clone', () => {
  it('change only the files given: every other entry, an executable bit and a submodule entry stay the parent’s', async () => {
    const flux = await BareRepo.create(root, { 'apps/papi/values.yaml': valuesFile('papi', 'old'), 'apps/other/values.yaml': valuesFile('other', 'x') });
    // Someone adds an executable script and a submodule (gitlink) by hand.
    const work = join(root, 'hand');
    await run(root, 'clone', '--quiet', flux.url, work);
    await mkdir(join(work, 'scripts'));
    await writeFile(join(work, 'scripts/check.sh'), '#!/bin/sh\necho ok\n');
    await chmod(join(work, 'scripts/check.sh'), 0o755);
    await run(work, 'add', 'scripts/check.sh');
    await run(work, 'update-index', '--add', '--cacheinfo', `160000,${await run(work, 'rev-parse', 'HEAD')},apps/vendored`);
    await run(work, '-c', 'user.name=x', '-c', 'user.email=x@y', 'commit', '--quiet', '-m', 'tooling');
    await run(work, 'push', '--quiet', 'origin', 'HEAD:main');

    const workspace = new FluxWorkspace(makeEnv(root, flux.url), join(root, 'data'), { authorName: 'rollbot', authorEmail: 'rollbot@example.com' });
    const head = await workspace.exclusive(() => workspace.sync());
    const commit = await workspace.commitFiles(
      [
        { file: 'apps/papi/values.yaml', content: valuesFile('papi', 'new') },
        { file: 'scripts/check.sh', content: '#!/bin/sh\necho better\n' },
        { file: 'docs/new/notes.yaml', content: 'a: 1\n' },
      ],
      'chore(papi): three files',
      { 'Rollbot-Request': 'req-1' },
      head,
    );
    expect(await workspace.push(commit)).toEqual({ ok: true });

    expect(await run(flux.url, 'rev-parse', 'main')).toBe(commit);
    expect(await run(flux.url, 'rev-parse', 'main^')).toBe(head);
    expect((await run(flux.url, 'diff-tree', '-r', '--name-only', '--no-commit-id', 'main')).split('\n').sort()).toEqual([
      'apps/papi/values.yaml',
      'docs/new/notes.yaml',
      'scripts/check.sh',
    ]);
    const entries = await run(flux.url, 'ls-tree', '-r', 'main');
    expect(entries).toMatch(/^100755 blob \S+\tscripts\/check\.sh$/m);
    expect(entries).toMatch(/^160000 commit \S+\tapps\/vendored$/m);
    expect(entries).toMatch(/^100644 blob \S+\tdocs\/new\/notes\.yaml$/m);
    expect(await run(flux.url, 'show', 'main:apps/other/values.yaml')).toBe(valuesFile('other', 'x').trim());
    expect(await run(flux.url, 'log', '-1', '--format=%an <%ae>%n%B', 'main')).toBe('rollbot <rollbot@example.com>\nchore(papi): three files\n\nRollbot-Request: req-1');
    // Objects git itself accepts: the remote's fsck finds nothing wrong.
    expect(await run(flux.url, 'fsck', '--no-dangling', '--no-progress')).toBe('');
  });

  it('keep every name byte for byte: a sibling named in Latin-1 (not UTF-8) and a file with non-ASCII letters', async () => {
    const flux = await BareRepo.create(root, { 'apps/papi/values.yaml': valuesFile('papi', 'old'), 'apps/café/values.yaml': valuesFile('cafe', 'x') });
    // A file whose name is the single byte 0xE9 ('é' in Latin-1), next to the one rollbot edits.
    const work = join(root, 'hand');
    await run(root, 'clone', '--quiet', flux.url, work);
    const blob = await run(work, 'hash-object', '-w', join(work, 'apps/papi/values.yaml'));
    await execa('git', ['update-index', '--add', '--cacheinfo', `100644,${blob},apps/papi/\xe9.yaml`], { cwd: work });
    await run(work, '-c', 'user.name=x', '-c', 'user.email=x@y', 'commit', '--quiet', '-m', 'latin-1 name');
    await run(work, 'push', '--quiet', 'origin', 'HEAD:main');
    const before = await execa('git', ['ls-tree', '-z', 'main', 'apps/papi/'], { cwd: flux.url, encoding: 'buffer' });

    const workspace = new FluxWorkspace(makeEnv(root, flux.url), join(root, 'data'), { authorName: 'rollbot', authorEmail: 'rollbot@example.com' });
    const head = await workspace.exclusive(() => workspace.sync());
    const commit = await workspace.commitFiles(
      [
        { file: 'apps/papi/values.yaml', content: valuesFile('papi', 'new') },
        { file: 'apps/café/values.yaml', content: valuesFile('cafe', 'y') },
      ],
      'chore: two files',
      {},
      head,
    );
    expect(await workspace.push(commit)).toEqual({ ok: true });
    const after = await execa('git', ['ls-tree', '-z', 'main', 'apps/papi/'], { cwd: flux.url, encoding: 'buffer' });
    const latin1Entry = (out: Uint8Array) => Buffer.from(out).toString('latin1').split('\0').find((e) => e.endsWith('\xe9.yaml'));
    expect(latin1Entry(after.stdout)).toBe(latin1Entry(before.stdout));
    expect(await flux.show('apps/café/values.yaml')).toContain('tag: y');
    expect(await run(flux.url, 'fsck', '--no-dangling', '--no-progress')).toBe('');
  });

  it('a rollout on a warm clone starts no git process but its push (reads and writes go through long-lived ones)', async () => {
    const { flux, engine, env } = await warmClone();

    const started = await gitProcessesDuring(() => engine.rollout(env, { service: 'papi', pr: 2, sha: 'abcdef1' }, recordingReporter()));
    expect(started).toEqual(['push']);
    expect(await flux.show('apps/papi/values.yaml')).toContain('tag: ps-2-abcdef1');
  });

  it('a long-lived git process that died is started again for the next request', async () => {
    const flux = await BareRepo.create(root, { 'a.yaml': 'a: 1\n' });
    const pipe = new GitPipe(['cat-file', '--batch-check'], flux.url);
    expect(await pipe.request('main:a.yaml\n', lineAnswer)).toMatch(/^[0-9a-f]{40} blob 5$/);
    const killed = await run(flux.url, 'rev-parse', 'main');
    // Closing stdin ends the process, as a crash would; the next request gets a new one.
    pipe.close();
    expect(await pipe.request(`${killed}\n`, lineAnswer)).toMatch(/ commit \d+$/);
    pipe.close();
  });

  it('a process asked nothing for a while ends, and the next request starts one again', async () => {
    const flux = await BareRepo.create(root, { 'a.yaml': 'a: 1\n' });
    const pipe = new GitPipe(['cat-file', '--batch-check'], flux.url, 100);
    await pipe.request('main:a.yaml\n', lineAnswer);
    const first = pipe.pid;
    expect(first).toBeDefined();
    await new Promise((r) => setTimeout(r, 300));
    expect(pipe.pid).toBeUndefined();
    expect(await pipe.request('main:a.yaml\n', lineAnswer)).toMatch(/ blob 5$/);
    expect(pipe.pid).not.toBe(first);
    pipe.close();
  });

  it('a git process that fails rejects what it was asked with git’s reason, and the next request gets a new one', async () => {
    const flux = await BareRepo.create(root, { 'a.yaml': 'a: 1\n' });
    const pipe = new GitPipe(['hash-object', '-w', '--stdin-paths'], flux.url);
    await expect(pipe.request(`${join(root, 'no-such-file')}\n`, lineAnswer)).rejects.toThrow(/hash-object failed.*no-such-file/);
    await writeFile(join(root, 'blob.txt'), 'hello\n');
    expect(await pipe.request(`${join(root, 'blob.txt')}\n`, lineAnswer)).toBe(await run(flux.url, 'hash-object', join(root, 'blob.txt')));
    pipe.close();
  });
});

describe('building on the head seen moments ago (no fetch before a rollout in a burst)', () => {
  it('someone pushed in between: the refused push fetches, applies again, and both changes land', async () => {
    const { flux, engine, env } = await warmClone();
    await flux.commitFiles({ 'apps/other/values.yaml': valuesFile('other', 'theirs') }, 'someone else');

    const reporter = recordingReporter();
    const result = await engine.rollout(env, { service: 'papi', pr: 2, sha: 'abcdef1' }, reporter);
    expect(result).toMatchObject({ status: 'updated', pushAttempts: 2 });
    expect(await flux.log()).toEqual(['chore(papi): update image tag to ps-2-abcdef1', 'someone else', 'chore(runner): update image tag to ps-1-abcdef1', 'initial layout']);
    expect(reporter.snapshots.some((s) => s.steps.some((st) => st.id === 'push' && st.detail === 'rejected: someone pushed first (attempt 1)'))).toBe(true);
    expect(reporter.last().steps.find((s) => s.id === 'push')!.detail).toBe('main (attempt 2)');
  });

  it('“not found” and “already at” are only said of a fetched head', async () => {
    const flux = await BareRepo.create(root, { 'apps/runner/values.yaml': valuesFile('runner', 'old') });
    const engine = makeEngine(root);
    const env = makeEnv(root, flux.url);
    await engine.rollout(env, { service: 'runner', pr: 1, sha: 'abcdef1' }, recordingReporter());
    // A service added a moment ago by someone else: our clone has not fetched it.
    await flux.commitFiles({ 'apps/fresh/values.yaml': valuesFile('fresh', 'old') }, 'someone adds fresh');
    expect(await engine.rollout(env, { service: 'fresh', pr: 3, sha: 'abcdef1' }, recordingReporter())).toMatchObject({ status: 'updated', pushAttempts: 1 });
    // The runner moved on after our last push: the head we saw says "already at ps-1", the remote does not.
    await flux.commitFiles({ 'apps/runner/values.yaml': valuesFile('runner', 'hotfix') }, 'someone sets a hotfix');
    expect(await engine.rollout(env, { service: 'runner', pr: 1, sha: 'abcdef1' }, recordingReporter())).toMatchObject({ status: 'updated', previousTag: 'hotfix', pushAttempts: 1 });
    expect(await flux.log()).toEqual([
      'chore(runner): update image tag to ps-1-abcdef1',
      'someone sets a hotfix',
      'chore(fresh): update image tag to ps-3-abcdef1',
      'someone adds fresh',
      'chore(runner): update image tag to ps-1-abcdef1',
      'initial layout',
    ]);
  });
});
