import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { PhaseOf } from '../definition-schema.js';
import { PhaseFailed } from '../errors.js';
import type { PhaseContext, PhaseOutcome, Templates } from './context.js';
import { runGit } from './git.js';

type WorktreeStep = PhaseOf<'worktree'>;

/**
 * Seed 004's WORKTREE with its idempotency rule: an existing worktree on the expected branch is
 * reused (a resumed or retried run finds its own), one on another branch is an error (it belongs
 * to someone else's run), otherwise a new worktree is created on the branch.
 */
export async function executeWorktree(step: WorktreeStep, ctx: PhaseContext): Promise<PhaseOutcome> {
  const repo = ctx.templates.path(step.repo);
  const path = ctx.templates.path(step.path);
  const branch = ctx.templates.text(step.branch);
  const timeoutMs = step.timeoutSeconds * 1000;

  const format = await runGit(ctx, ['check-ref-format', '--branch', branch], timeoutMs, { allowFailure: true });
  if (format.exitCode !== 0) {
    throw new PhaseFailed(`'${branch}' is not a valid branch name. Pass a different --worktree-ticket (letters, digits, '.', '_' or '-').`);
  }

  if (existsSync(path)) {
    const current = await runGit(ctx, ['-C', path, 'branch', '--show-current'], timeoutMs, { allowFailure: true });
    if (current.exitCode !== 0) {
      throw new PhaseFailed(`${path} exists but is not a git worktree. Move it away, or pass a different --worktree-ticket.`, { output: current.all });
    }
    const onBranch = current.stdout.trim();
    if (onBranch === branch) {
      return {
        fields: { path, reused: true },
        worktreePath: path,
        log: [`Reusing existing worktree at ${path}`],
        detail: `reused ${path}`,
      };
    }
    throw new PhaseFailed(
      `Worktree at ${path} is on ${onBranch ? `branch '${onBranch}'` : 'a detached HEAD'}, expected '${branch}'. It belongs to another run: remove it (\`git -C ${repo} worktree remove ${path}\`) or pass a different --worktree-ticket.`,
    );
  }

  const outputs: string[] = [];
  if (step.pull) outputs.push((await runGit(ctx, ['-C', repo, 'pull', '--ff-only'], timeoutMs)).all);
  await mkdir(dirname(path), { recursive: true });
  // A worktree folder deleted by hand stays registered and blocks its branch; forget such entries.
  await runGit(ctx, ['-C', repo, 'worktree', 'prune'], timeoutMs);
  const exists = await runGit(ctx, ['-C', repo, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], timeoutMs, { allowFailure: true });
  const add = exists.exitCode === 0 ? ['worktree', 'add', path, branch] : ['worktree', 'add', path, '-b', branch];
  outputs.push((await runGit(ctx, ['-C', repo, ...add], timeoutMs)).all);
  return {
    fields: { path, reused: false },
    worktreePath: path,
    output: outputs.join('\n'),
    log: [`Created worktree at ${path} on branch '${branch}'`],
    detail: `created ${path}`,
  };
}

export function describeWorktree(step: WorktreeStep, templates: Templates): string {
  return `git worktree add ${templates.path(step.path)} -b ${templates.text(step.branch)}`;
}
