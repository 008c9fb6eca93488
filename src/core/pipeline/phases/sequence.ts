import { describeCondition, evaluateCondition } from '../conditions.js';
import type { PhaseOf, StepDefinition } from '../definition-schema.js';
import { PhaseFailed } from '../errors.js';
import type { VersionPin } from '../versions.js';
import type { PhaseContext, PhaseOutcome, Templates } from './context.js';
import { describeEnvCheck, executeEnvCheck } from './env-check.js';
import { describeGitSync, executeGitSync } from './git-sync.js';
import { describeHealth, executeHealth } from './health.js';
import { describeRun, executeRun } from './run.js';
import { describeVersionCheck, executeVersionCheck } from './version-check.js';

type SequenceStep = PhaseOf<'sequence'>;

export async function executeStep(step: StepDefinition, ctx: PhaseContext): Promise<PhaseOutcome> {
  switch (step.type) {
    case 'run':
      return executeRun(step, ctx);
    case 'env-check':
      return executeEnvCheck(step, ctx);
    case 'git-sync':
      return executeGitSync(step, ctx);
    case 'health':
      return executeHealth(step, ctx);
    case 'version-check':
      return executeVersionCheck(step, ctx);
  }
}

function merge(into: PhaseOutcome, from: PhaseOutcome): void {
  into.fields = { ...into.fields, ...from.fields };
  if (from.output) into.output = into.output ? `${into.output}\n${from.output}` : from.output;
  into.log = [...(into.log ?? []), ...(from.log ?? [])];
}

/**
 * Several steps as one phase, in order, stopping at the first failure (seed 004's VERIFY is health
 * then versions; its INFISICAL picks one of two scripts by which one exists).
 */
export async function executeSequence(step: SequenceStep, ctx: PhaseContext): Promise<PhaseOutcome> {
  const total: PhaseOutcome = { log: [] };
  let ran = 0;
  for (const s of step.steps) {
    if (s.when) {
      const verdict = evaluateCondition(s.when, { flags: ctx.flags, env: ctx.env, resolvePath: (t) => ctx.templates.path(t) });
      if (!verdict.holds) {
        total.log!.push(`${s.label ?? s.type}: skipped (${verdict.unmet})`);
        continue;
      }
    }
    try {
      merge(total, await executeStep(s, ctx));
      ran += 1;
    } catch (error) {
      if (error instanceof PhaseFailed) {
        const d = error.details;
        throw new PhaseFailed(error.userMessage, {
          fields: { ...total.fields, ...d.fields },
          output: [total.output, d.output].filter(Boolean).join('\n') || undefined,
          log: [...(total.log ?? []), ...(d.log ?? [])],
        });
      }
      throw error;
    }
  }
  return { ...total, detail: `${ran} of ${step.steps.length} steps ran` };
}

export function describeStep(step: StepDefinition, templates: Templates, pins: readonly VersionPin[]): string {
  const when = step.when ? `[if ${describeCondition(step.when)}] ` : '';
  switch (step.type) {
    case 'run':
      return when + describeRun(step, templates);
    case 'env-check':
      return when + describeEnvCheck(step);
    case 'git-sync':
      return when + describeGitSync(step, templates);
    case 'health':
      return when + describeHealth(step, templates);
    case 'version-check':
      return when + describeVersionCheck(step, templates, pins);
  }
}

export function describeSequence(step: SequenceStep, templates: Templates, pins: readonly VersionPin[]): string {
  return step.steps.map((s) => describeStep(s, templates, pins)).join(' + ');
}
