import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { git, PipelineFixture } from './fixtures/pipeline/fixture.js';

let fx: PipelineFixture;
beforeEach(async () => {
  fx = await PipelineFixture.create();
});
afterEach(async () => {
  await fx.close();
});

describe('WORKTREE (seed 004 idempotency)', () => {
  it('reuses an existing worktree that is on the expected branch', async () => {
    const first = await fx.run({ flags: { 'worktree-ticket': 'OPS-7' } });
    expect((await fx.store.get(first.run_id))?.phases.WORKTREE).toMatchObject({ status: 'completed', reused: false });
    const second = await fx.run({ flags: { 'worktree-ticket': 'OPS-7' } });
    expect(second.status).toBe('success');
    const path = join(fx.root, 'worktrees', 'OPS-7', 'omnibase_infra');
    expect((await fx.store.get(second.run_id))?.phases.WORKTREE).toMatchObject({ status: 'completed', reused: true, path, detail: `reused ${path}` });
    expect(second.log).toContain(`Reusing existing worktree at ${path}`);
  });

  it('refuses a worktree on another branch and says how to get out', async () => {
    const path = join(fx.root, 'worktrees', 'OPS-8', 'omnibase_infra');
    await git(fx.clone, 'worktree', 'add', path, '-b', 'someone-else');
    const result = await fx.run({ flags: { 'worktree-ticket': 'OPS-8' } });
    expect(result.failed_phase).toBe('WORKTREE');
    expect(result.error).toBe(
      `Worktree at ${path} is on branch 'someone-else', expected 'OPS-8'. It belongs to another run: remove it (\`git -C ${fx.clone} worktree remove ${path}\`) or pass a different --worktree-ticket.`,
    );
    expect(await fx.calls()).toEqual([]);
  });

  it('refuses a folder that is not a worktree', async () => {
    const path = join(fx.root, 'worktrees', 'OPS-9', 'omnibase_infra');
    await (await import('node:fs/promises')).mkdir(path, { recursive: true });
    await writeFile(join(path, 'stray.txt'), 'x');
    const result = await fx.run({ flags: { 'worktree-ticket': 'OPS-9' } });
    expect(result.error).toBe(`${path} exists but is not a git worktree. Move it away, or pass a different --worktree-ticket.`);
  });

  it('uses an existing branch when its worktree folder was deleted by hand', async () => {
    await fx.run({ flags: { 'worktree-ticket': 'OPS-10' } });
    const path = join(fx.root, 'worktrees', 'OPS-10', 'omnibase_infra');
    await (await import('node:fs/promises')).rm(path, { recursive: true, force: true });
    const again = await fx.run({ flags: { 'worktree-ticket': 'OPS-10' } });
    expect(again.phases.WORKTREE).toBe('completed');
    expect(await git(path, 'branch', '--show-current')).toBe('OPS-10');
  });
});

describe('SYNC (git-sync)', () => {
  it('refuses to merge a diverged repository and says what to do', async () => {
    await appendFile(join(fx.clone, 'README.md'), 'local change\n');
    await git(fx.clone, 'commit', '-am', 'local');
    const result = await fx.run();
    expect(result.failed_phase).toBe('SYNC');
    expect(result.error).toMatch(
      new RegExp(`^git pull --ff-only failed in ${fx.clone.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*\\. Make the repository fast-forwardable \\(commit, stash or reset local changes; check the remote\\), then resume\\.$`),
    );
    expect(result.resume_command).toBeDefined();
  });
});
