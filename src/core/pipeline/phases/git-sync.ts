import type { PhaseOf, StepOf } from '../definition-schema.js';
import { PhaseFailed } from '../errors.js';
import { lastLines } from '../output.js';
import { succeeded } from '../process.js';
import type { PhaseContext, PhaseOutcome, Templates } from './context.js';
import { runGit } from './git.js';

type GitSyncStep = PhaseOf<'git-sync'> | StepOf<'git-sync'>;

/**
 * Fast-forward pull of each listed repository (the seed's pull-all.sh). Fast-forward only: a repo
 * with local commits or a diverged branch stops the redeploy instead of merging on a worker.
 */
export async function executeGitSync(step: GitSyncStep, ctx: PhaseContext): Promise<PhaseOutcome> {
  const timeoutMs = step.timeoutSeconds * 1000;
  const outputs: string[] = [];
  const log: string[] = [];
  for (const template of step.repos) {
    const repo = ctx.templates.path(template);
    const outcome = await runGit(ctx, ['-C', repo, 'pull', '--ff-only'], timeoutMs, { allowFailure: true });
    outputs.push(`$ git -C ${repo} pull --ff-only\n${outcome.all}`);
    if (!succeeded(outcome)) {
      const why = outcome.timedOut ? `timed out after ${step.timeoutSeconds}s` : outcome.startError ?? (lastLines(outcome.stderr) || `exit ${outcome.exitCode}`);
      throw new PhaseFailed(
        `git pull --ff-only failed in ${repo}: ${why}. Make the repository fast-forwardable (commit, stash or reset local changes; check the remote), then resume.`,
        { output: outputs.join('\n'), log },
      );
    }
    log.push(`SYNC: ${repo}: ${lastLines(outcome.stdout, 1, 120) || 'done'}`);
  }
  return { output: outputs.join('\n'), log, detail: `${step.repos.length} repositor${step.repos.length === 1 ? 'y' : 'ies'} up to date` };
}

export function describeGitSync(step: GitSyncStep, templates: Templates): string {
  return `git pull --ff-only in ${step.repos.map((r) => templates.path(r)).join(', ')}`;
}
