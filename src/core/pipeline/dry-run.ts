import type { PipelineDefinition } from './definition-schema.js';
import { describePhase } from './phases/index.js';
import { makeTemplates, type TemplateValues } from './phases/context.js';
import type { ResolvedRequest } from './request.js';
import { decideSkip } from './skip.js';
import type { PhaseStatus } from './state.js';

export interface DryRunPlan {
  text: string;
  /** What each phase would be: `pending` (would run), `completed` (kept on resume) or a skip status. */
  phases: Record<string, PhaseStatus>;
}

/**
 * Seed 004's dry-run output: `[DRY RUN] redeploy run_id=…`, then one line per phase with the
 * command it would run, names padded to one column, `[conditional]` on phases with a condition.
 * Nothing is executed and nothing is written.
 */
export function planDryRun(definition: PipelineDefinition, request: ResolvedRequest, env: Readonly<Record<string, string | undefined>>, cwdBase: string): DryRunPlan {
  const values: TemplateValues = {
    runId: request.runId,
    ticket: request.ticket,
    versionsText: request.versionsText,
    pins: request.pins,
    env,
    worktreePath: request.existing?.worktree_path ?? null,
    cwdBase,
  };
  const templates = makeTemplates(() => values, 'display');
  // `{worktree}` is known before the worktree phase runs: it is where that phase will put it.
  const worktreePhase = definition.phases.find((p) => p.type === 'worktree');
  if (values.worktreePath === null && worktreePhase?.type === 'worktree') values.worktreePath = templates.path(worktreePhase.path);

  const width = Math.max(...definition.phases.map((p) => p.name.length)) + 2;
  const lines = [`[DRY RUN] redeploy run_id=${request.runId}${request.verifyOnly ? ' (verify only)' : ''}${request.existing ? ' (resume)' : ''}`];
  const phases: Record<string, PhaseStatus> = {};
  for (const phase of definition.phases) {
    const kept = request.existing?.phases[phase.name]?.status === 'completed';
    const skip = kept
      ? undefined
      : decideSkip(phase, { verifyOnly: request.verifyOnly, flags: request.flags, env, resolvePath: (t) => templates.path(t) });
    phases[phase.name] = kept ? 'completed' : (skip?.status ?? 'pending');
    const markers: string[] = [];
    if (kept) markers.push('[completed earlier, skipped on resume]');
    else if (skip?.status === 'skipped_verify_only') markers.push('[skipped: verify-only]');
    else if (skip?.status === 'skipped_by_flag') markers.push(`[${skip.detail}]`);
    if (phase.when) markers.push('[conditional]');
    const note = !kept && skip && skip.status !== 'skipped_by_flag' && skip.status !== 'skipped_verify_only' ? `  (would be ${skip.status}: ${skip.detail.replace(/^skipped: /, '')})` : '';
    const label = `${phase.name}:`.padEnd(width);
    lines.push(`  ${label}${markers.map((m) => `${m} `).join('')}${describePhase(phase, templates, request.pins)}${note}`);
  }
  return { text: lines.join('\n'), phases };
}
