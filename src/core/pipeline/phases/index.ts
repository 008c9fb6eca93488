import type { PhaseDefinition } from '../definition-schema.js';
import type { VersionPin } from '../versions.js';
import type { PhaseContext, PhaseOutcome, Templates } from './context.js';
import { describeEnvCheck, executeEnvCheck } from './env-check.js';
import { describeFluxReady, executeFluxReady } from './flux-ready.js';
import { describeGitSync, executeGitSync } from './git-sync.js';
import { describeHealth, executeHealth } from './health.js';
import { describeNotify, executeNotify } from './notify.js';
import { describeRun, executeRun } from './run.js';
import { describeSequence, executeSequence } from './sequence.js';
import { describeVersionCheck, executeVersionCheck } from './version-check.js';
import { describeWorktree, executeWorktree } from './worktree.js';

/** Runs one phase. Resolves on success; throws PhaseFailed (or an unexpected error) on failure. */
export async function executePhase(phase: PhaseDefinition, ctx: PhaseContext): Promise<PhaseOutcome> {
  switch (phase.type) {
    case 'run':
      return executeRun(phase, ctx);
    case 'env-check':
      return executeEnvCheck(phase, ctx);
    case 'git-sync':
      return executeGitSync(phase, ctx);
    case 'worktree':
      return executeWorktree(phase, ctx);
    case 'health':
      return executeHealth(phase, ctx);
    case 'version-check':
      return executeVersionCheck(phase, ctx);
    case 'notify':
      return executeNotify(phase, ctx, phase.name);
    case 'sequence':
      return executeSequence(phase, ctx);
    case 'flux-ready':
      return executeFluxReady(phase, ctx);
  }
}

/** What a phase would do, as one line of the dry-run plan. */
export function describePhase(phase: PhaseDefinition, templates: Templates, pins: readonly VersionPin[]): string {
  switch (phase.type) {
    case 'run':
      return describeRun(phase, templates);
    case 'env-check':
      return describeEnvCheck(phase);
    case 'git-sync':
      return describeGitSync(phase, templates);
    case 'worktree':
      return describeWorktree(phase, templates);
    case 'health':
      return describeHealth(phase, templates);
    case 'version-check':
      return describeVersionCheck(phase, templates, pins);
    case 'notify':
      return describeNotify(phase, templates, pins);
    case 'sequence':
      return describeSequence(phase, templates, pins);
    case 'flux-ready':
      return describeFluxReady(phase, templates);
  }
}

export type { PhaseContext, PhaseOutcome, Templates } from './context.js';
