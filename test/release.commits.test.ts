import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInput } from '../src/core/errors.js';
import { commitsWithPrefix, redactUrl, resolveCommitIn, SourceMirror } from '../src/core/release/commit-lookup.js';
import { commitRange } from '../src/core/release/commit-range.js';
import { AmbiguousCommit, CommitNotFound, SourceRepoUnavailable } from '../src/core/release/errors.js';
import { commitOfTag } from '../src/core/release/tag-commit.js';
import { parseTagTemplate, SORTABLE_TAG_TEMPLATE } from '../src/core/release/tag-template.js';
import { removeDir, run, tempDir } from './support/git-fixtures.js';

const identity = ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com'];

interface History {
  url: string;
  work: string;
  /** main's commits, oldest first: main[0] is "change 1". */
  main: string[];
  /** A branch off main[9] with two commits of its own. */
  side: string[];
  /** Two commits whose ids share their first 7 hex characters. */
  twins: [string, string];
}

/**
 * Two commits with the same 7-hex prefix, made for real: hash candidate commit objects in-process
 * until two collide (a birthday search over 28 bits: ~20k tries, milliseconds), then store both.
 */
async function addTwins(work: string, parent: string): Promise<[string, string]> {
  const tree = await run(work, 'rev-parse', `${parent}^{tree}`);
  const body = (n: number) =>
    `tree ${tree}\nparent ${parent}\nauthor Dev <dev@example.com> 1700000000 +0000\ncommitter Dev <dev@example.com> 1700000000 +0000\n\ntwin candidate ${n}\n`;
  const seen = new Map<string, number>();
  for (let n = 0; n < 2_000_000; n++) {
    const text = body(n);
    const id = createHash('sha1').update(`commit ${Buffer.byteLength(text)}\0${text}`).digest('hex');
    const earlier = seen.get(id.slice(0, 7));
    if (earlier !== undefined) {
      const write = async (m: number) => (await execa('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], { cwd: work, input: body(m) })).stdout.trim();
      return [await write(earlier), await write(n)];
    }
    seen.set(id.slice(0, 7), n);
  }
  throw new Error('no 7-hex collision found');
}

async function createHistory(root: string): Promise<History> {
  const url = join(root, 'papi.git');
  const work = join(root, 'papi-work');
  await run(root, 'init', '--quiet', '--bare', '--initial-branch=main', url);
  await run(root, 'init', '--quiet', '--initial-branch=main', work);
  const main: string[] = [];
  for (let i = 1; i <= 30; i++) {
    await run(work, ...identity, 'commit', '--quiet', '--allow-empty', '-m', `AAP-${100 + i}: change ${i}`);
    main.push(await run(work, 'rev-parse', 'HEAD'));
  }
  await run(work, 'checkout', '--quiet', '-b', 'side', main[9]!);
  const side: string[] = [];
  for (let i = 1; i <= 2; i++) {
    await run(work, ...identity, 'commit', '--quiet', '--allow-empty', '-m', `side ${i}`);
    side.push(await run(work, 'rev-parse', 'HEAD'));
  }
  await run(work, 'checkout', '--quiet', 'main');
  const twins = await addTwins(work, main[0]!);
  await run(work, 'branch', 'twin-a', twins[0]);
  await run(work, 'branch', 'twin-b', twins[1]);
  await run(work, 'push', '--quiet', url, 'main', 'side', 'twin-a', 'twin-b');
  return { url, work, main, side, twins };
}

describe('looking up a commit in the source repository', () => {
  let root: string;
  let history: History;
  let mirror: SourceMirror;

  beforeAll(async () => {
    root = await tempDir('rollbot-commits-');
    history = await createHistory(root);
    mirror = new SourceMirror(history.url, join(root, 'data'));
  });
  afterAll(() => removeDir(root));

  it('resolves a 7-character prefix to the full SHA', async () => {
    const sha = history.main[4]!;
    expect(await mirror.resolveCommit(sha.slice(0, 7))).toBe(sha);
  });

  it('accepts a full SHA, in any case', async () => {
    const sha = history.main[29]!;
    expect(await mirror.resolveCommit(sha.toUpperCase())).toBe(sha);
  });

  it('keeps a bare mirror under the data dir and fetches new commits into it', async () => {
    expect(mirror.dir.startsWith(join(root, 'data', 'source-mirrors'))).toBe(true);
    expect(await run(mirror.dir, 'rev-parse', '--is-bare-repository')).toBe('true');
    await run(history.work, ...identity, 'commit', '--quiet', '--allow-empty', '-m', 'pushed later');
    const later = await run(history.work, 'rev-parse', 'HEAD');
    await run(history.work, 'push', '--quiet', history.url, 'main');
    expect(await mirror.resolveCommit(later.slice(0, 10))).toBe(later);
    await run(history.work, 'reset', '--quiet', '--hard', 'HEAD~1');
    await run(history.work, 'push', '--quiet', '--force', history.url, 'main');
  });

  it('says a commit is unknown with the sentence to check or push it', async () => {
    const error = await mirror.resolveCommit('1234567').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommitNotFound);
    expect((error as CommitNotFound).userMessage).toBe(`Commit 1234567 was not found in ${history.url}. Check the SHA or push it first.`);
  });

  it('lists the candidates of an ambiguous 7-character prefix', async () => {
    const [a, b] = history.twins;
    const prefix = a.slice(0, 7);
    expect(b.startsWith(prefix)).toBe(true);
    const error = (await mirror.resolveCommit(prefix).catch((e: unknown) => e)) as AmbiguousCommit;
    expect(error).toBeInstanceOf(AmbiguousCommit);
    expect(error.candidates).toEqual([a, b].sort());
    expect(error.userMessage).toMatch(new RegExp(`^Commit prefix ${prefix} matches several commits in .*papi\\.git: \`[0-9a-f]{12}\`, \`[0-9a-f]{12}\`\\. Give more characters of the SHA\\.$`));
    // One more distinguishing character settles it.
    let common = 7;
    while (a[common] === b[common]) common++;
    expect(await mirror.resolveCommit(a.slice(0, common + 1))).toBe(a);
  });

  it('finds prefix candidates below 7 characters through the lower-level function only', async () => {
    const prefix = history.main[0]!.slice(0, 4);
    expect(await commitsWithPrefix(mirror.dir, prefix)).toContain(history.main[0]);
    await expect(mirror.resolveCommit(prefix)).rejects.toThrow(InvalidInput);
    await expect(resolveCommitIn(mirror.dir, '12', 'repo', 4)).rejects.toThrow(/at least 4 hex characters/);
  });

  it('says which repository it could not clone, without credentials', async () => {
    const broken = new SourceMirror(join(root, 'missing.git'), join(root, 'data'));
    const error = await broken.resolveCommit('1234567').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceRepoUnavailable);
    expect((error as SourceRepoUnavailable).userMessage).toMatch(/^Could not clone the source repository .*missing\.git \(.*\)\. Check the service's sourceRepo/);
    expect(redactUrl('https://x-access-token:ghs_abc@github.com/acme/papi.git')).toBe('https://github.com/acme/papi.git');
  });
});

describe('the commits between prod and a release', () => {
  let root: string;
  let history: History;
  let dir: string;

  beforeAll(async () => {
    root = await tempDir('rollbot-range-');
    history = await createHistory(root);
    const mirror = new SourceMirror(history.url, join(root, 'data'));
    await mirror.sync();
    dir = mirror.dir;
  });
  afterAll(() => removeDir(root));

  it('going forward lists the new commits, newest first, capped with a count of the rest', async () => {
    const range = await commitRange(dir, history.main[4]!, history.main[29]!, 10);
    expect(range.direction).toBe('forward');
    expect(range.included.commits.map((c) => c.subject)).toEqual(Array.from({ length: 10 }, (_, i) => `AAP-${130 - i}: change ${30 - i}`));
    expect(range.included.moreCount).toBe(15);
    expect(range.included.commits[0]).toMatchObject({ sha: history.main[29], author: 'Dev' });
    expect(range.removed).toEqual({ commits: [], moreCount: 0 });
  });

  it('flags a release that goes backwards and lists what it rolls back', async () => {
    const range = await commitRange(dir, history.main[29]!, history.main[26]!, 10);
    expect(range.direction).toBe('backwards');
    expect(range.included.commits).toEqual([]);
    expect(range.removed.commits.map((c) => c.subject)).toEqual(['AAP-130: change 30', 'AAP-129: change 29', 'AAP-128: change 28']);
    expect(range.removed.moreCount).toBe(0);
  });

  it('flags a release from another line of history', async () => {
    const range = await commitRange(dir, history.main[29]!, history.side[1]!, 5);
    expect(range.direction).toBe('unrelated');
    expect(range.included.commits.map((c) => c.subject)).toEqual(['side 2', 'side 1']);
    expect(range.removed.commits).toHaveLength(5);
    expect(range.removed.moreCount).toBe(15);
  });

  it('knows when prod already runs the commit', async () => {
    expect((await commitRange(dir, history.main[3]!, history.main[3]!, 5)).direction).toBe('same');
  });

  it("reads prod's commit back out of ps- and main- tags", async () => {
    const template = parseTagTemplate(SORTABLE_TAG_TEMPLATE);
    const sha = history.main[7]!;
    expect(await commitOfTag(dir, 'papi', `main-${sha.slice(0, 7)}-1707300000`, template)).toEqual({ sha });
    expect(await commitOfTag(dir, 'papi', `ps-12-${sha.slice(0, 7)}`, template)).toEqual({ sha });
    expect((await commitOfTag(dir, 'papi', 'v1.2.3', template)).note).toBe(
      "Prod's tag v1.2.3 does not follow main-{sha7}-{ts} or ps-{pr}-{sha7}, so its commit is unknown and no commit list is shown.",
    );
    expect((await commitOfTag(dir, 'papi', 'ps-12-1234567', template)).note).toMatch(/names commit 1234567, but: Commit 1234567 was not found in papi/);
  });
});
