import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvironmentConfig } from '../src/core/config/schema.js';
import { FluxWorkspace } from '../src/core/flux/workspace.js';
import { SourceMirror } from '../src/core/release/commit-lookup.js';
import { CommitNotFound, ImageNotFound } from '../src/core/release/errors.js';
import { RegistryClient } from '../src/core/release/registry-client.js';
import { prepareRelease, type PrepareReleaseInput } from '../src/core/release/release-plan.js';
import { releaseSummaryText } from '../src/core/release/release-summary.js';
import { parseTagTemplate, SORTABLE_TAG_TEMPLATE } from '../src/core/release/tag-template.js';
import { BareRepo, helmRelease, removeDir, run, tempDir } from './support/git-fixtures.js';
import { pushImage, startRegistry, type PushedImage, type RegistryServer } from './support/registry-server.js';
import { makeEnv, recordingReporter } from './support/rollout-env.js';

const identity = ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com'];

/** papi's source: 12 commits on main, oldest first. */
async function createSource(root: string): Promise<{ url: string; main: string[] }> {
  const url = join(root, 'papi.git');
  const work = join(root, 'papi-work');
  await run(root, 'init', '--quiet', '--bare', '--initial-branch=main', url);
  await run(root, 'init', '--quiet', '--initial-branch=main', work);
  const main: string[] = [];
  for (let i = 1; i <= 12; i++) {
    await run(work, ...identity, 'commit', '--quiet', '--allow-empty', '-m', `AAP-${61200 + i}: change ${i}`);
    main.push(await run(work, 'rev-parse', 'HEAD'));
  }
  await run(work, 'push', '--quiet', url, 'main');
  return { url, main };
}

describe('preparing a release end to end (real git, real registry)', () => {
  let root: string;
  let registry: RegistryServer;
  let flux: BareRepo;
  let source: { url: string; main: string[] };
  let env: EnvironmentConfig;
  let released: PushedImage;
  const sha7 = (i: number) => source.main[i]!.slice(0, 7);

  beforeAll(async () => {
    root = await tempDir('rollbot-release-');
    registry = await startRegistry(root);
    source = await createSource(root);
    // Prod runs change 3, deployed by an earlier /rollout with seed 000's tag.
    flux = await BareRepo.create(root, { 'apps/papi/helmrelease.yaml': helmRelease('papi', `ps-12-${sha7(2)}`) });
    env = makeEnv(root, flux.url);
    await pushImage(registry.url, 'acme/papi', `main-${sha7(10)}-1707200000`, { content: 'first build' });
    released = await pushImage(registry.url, 'acme/papi', `main-${sha7(10)}-1707300000`, { content: 'rebuild' });
    await pushImage(registry.url, 'acme/papi', `main-${sha7(1)}-1707000000`, { content: 'old' });
  });
  afterAll(async () => {
    await registry?.stop();
    await removeDir(root);
  });

  const input = (overrides: Partial<PrepareReleaseInput> = {}): PrepareReleaseInput => ({
    env,
    service: 'papi',
    sha: source.main[10]!.slice(0, 9),
    sourceRepo: new SourceMirror(source.url, join(root, 'data')),
    registry: new RegistryClient({ url: registry.url, repository: 'acme/{service}' }),
    workspace: new FluxWorkspace(env, join(root, 'data', 'release'), { authorName: 'rollbot', authorEmail: 'rollbot@example.com' }),
    template: parseTagTemplate(SORTABLE_TAG_TEMPLATE),
    clock: () => 1_707_400_000_000,
    commitLimit: 5,
    ...overrides,
  });

  it('verifies the commit, finds the newest image, reads prod and lists the commits', async () => {
    const reporter = recordingReporter();
    const commitsBefore = await flux.commitCount();
    const plan = await prepareRelease(input(), reporter);

    expect(plan).toMatchObject({
      service: 'papi',
      env: 'rdebug',
      file: 'apps/papi/helmrelease.yaml',
      fromTag: `ps-12-${sha7(2)}`,
      fromSha: source.main[2],
      toTag: `main-${sha7(10)}-1707300000`,
      toSha: source.main[10],
      direction: 'forward',
      moreCount: 3,
      removedCommits: [],
      image: { ref: `${new URL(registry.url).host}/acme/papi:main-${sha7(10)}-1707300000`, digest: released.digest },
    });
    expect(plan.commits.map((c) => c.subject)).toEqual([
      'AAP-61211: change 11',
      'AAP-61210: change 10',
      'AAP-61209: change 9',
      'AAP-61208: change 8',
      'AAP-61207: change 7',
    ]);
    expect(reporter.last()).toMatchObject({
      title: 'Release of papi to rdebug',
      steps: [
        { id: 'verify', label: 'Verify commit', status: 'done', detail: source.main[10]!.slice(0, 12) },
        { id: 'image', label: 'Check image', status: 'done' },
        { id: 'current', label: 'Read current prod', status: 'done', detail: `ps-12-${sha7(2)} in apps/papi/helmrelease.yaml` },
        { id: 'commits', label: 'List commits', status: 'done', detail: 'forward, 8 new' },
      ],
    });
    // Read-only: the Flux repo has no new commit.
    expect(await flux.commitCount()).toBe(commitsBefore);

    expect(releaseSummaryText(plan)).toBe(
      [
        'Release Summary: papi to rdebug',
        '',
        `From: ${source.main[2]!.slice(0, 12)} (current prod, tag ps-12-${sha7(2)})`,
        `To: ${source.main[10]!.slice(0, 12)} (tag main-${sha7(10)}-1707300000)`,
        '',
        'Commits included (8):',
        `- AAP-61211: change 11 (${sha7(10)})`,
        `- AAP-61210: change 10 (${sha7(9)})`,
        `- AAP-61209: change 9 (${sha7(8)})`,
        `- AAP-61208: change 8 (${sha7(7)})`,
        `- AAP-61207: change 7 (${sha7(6)})`,
        '- and 3 more',
        '',
        `Image: ${plan.image.ref}`,
        `Digest: ${released.digest}`,
        'File: apps/papi/helmrelease.yaml',
      ].join('\n'),
    );
  });

  it('flags a release that would go backwards', async () => {
    const plan = await prepareRelease(input({ sha: source.main[1]! }));
    expect(plan.direction).toBe('backwards');
    expect(plan.toTag).toBe(`main-${sha7(1)}-1707000000`);
    expect(plan.commits).toEqual([]);
    expect(plan.removedCommits.map((c) => c.subject)).toEqual(['AAP-61203: change 3']);
    const text = releaseSummaryText(plan);
    expect(text).toContain(`Warning: this release goes backwards. ${source.main[1]!.slice(0, 12)} is older than what prod runs, so 1 commit will be rolled back.`);
    expect(text).toContain('Commits rolled back (1):\n- AAP-61203: change 3');
  });

  it('checks an explicit --tag as given', async () => {
    const plan = await prepareRelease(input({ tag: `main-${sha7(10)}-1707200000` }));
    expect(plan.toTag).toBe(`main-${sha7(10)}-1707200000`);
    expect(plan.image.digest).not.toBe(released.digest);
  });

  it("refuses a --tag that is another commit's build", async () => {
    await expect(prepareRelease(input({ tag: `main-${sha7(1)}-1707000000` }))).rejects.toThrow(
      `Tag main-${sha7(1)}-1707000000 is the build of commit ${sha7(1)}, not ${sha7(10)}. Pass the tag of ${sha7(10)}'s build, or leave --tag out to find it.`,
    );
  });

  it('stops at the image step when the build has not pushed yet', async () => {
    const reporter = recordingReporter();
    const error = await prepareRelease(input({ sha: source.main[11]! }), reporter).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `No tag matching main-${sha7(11)}-<ts> for ${new URL(registry.url).host}/acme/papi is in the registry yet. Wait for the build to push it, then press Retry check (or pass --tag <tag>).`,
    );
    expect(reporter.last().steps.map((s) => s.status)).toEqual(['done', 'failed', 'pending', 'pending']);
    const missing = await prepareRelease(input({ sha: source.main[11]!, template: parseTagTemplate('sha-{sha}') })).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ImageNotFound);
  });

  it('stops at the first step for a commit the source repo does not have', async () => {
    await expect(prepareRelease(input({ sha: 'abcdef1' }))).rejects.toThrow(CommitNotFound);
  });

  it("says why there is no commit list when prod's tag names no commit", async () => {
    await flux.commitFiles({ 'apps/papi/helmrelease.yaml': helmRelease('papi', 'v1.0.0') }, 'manual tag');
    const plan = await prepareRelease(input());
    expect(plan).toMatchObject({ fromTag: 'v1.0.0', fromSha: undefined, direction: 'unknown', commits: [] });
    expect(releaseSummaryText(plan)).toContain("From: v1.0.0 (current prod)\nTo: ");
    expect(releaseSummaryText(plan)).toContain("Prod's tag v1.0.0 does not follow main-{sha7}-{ts} or ps-{pr}-{sha7}");
  });
});
