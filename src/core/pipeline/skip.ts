import { evaluateCondition } from './conditions.js';
import type { PhaseDefinition } from './definition-schema.js';
import { givenSkipFlag, type RedeployFlags } from './flags.js';
import type { PhaseStatus } from './state.js';

export interface SkipInputs {
  verifyOnly: boolean;
  flags: RedeployFlags;
  env: Readonly<Record<string, string | undefined>>;
  resolvePath: (template: string) => string | undefined;
}

export interface SkipDecision {
  status: PhaseStatus;
  detail: string;
}

/**
 * Whether a phase is skipped, in the seed's order: verify-only mode, then its skip flag
 * (`skipped_by_flag`), then its condition (`skipped_<reason>`). Used by the runner and the
 * dry-run plan, so the plan shows exactly what a run would do.
 */
export function decideSkip(phase: PhaseDefinition, inputs: SkipInputs): SkipDecision | undefined {
  if (inputs.verifyOnly && !phase.verify) return { status: 'skipped_verify_only', detail: 'skipped: verify-only run' };
  const flag = givenSkipFlag(phase, inputs.flags);
  if (flag) return { status: 'skipped_by_flag', detail: `skipped by --${flag}` };
  if (phase.when) {
    const verdict = evaluateCondition(phase.when, inputs);
    if (!verdict.holds) return { status: `skipped_${phase.when.skipReason ?? 'condition'}`, detail: `skipped: ${verdict.unmet}` };
  }
  return undefined;
}
