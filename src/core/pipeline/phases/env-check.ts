import { describeCondition, evaluateCondition, isSet } from '../conditions.js';
import type { PhaseOf, StepOf } from '../definition-schema.js';
import { PhaseFailed } from '../errors.js';
import type { PhaseContext, PhaseOutcome } from './context.js';

type EnvCheckStep = PhaseOf<'env-check'> | StepOf<'env-check'>;

const DEFAULT_HINT = 'Set it in the environment the redeploy worker runs with, then resume.';

function listed(names: string[]): string {
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * Seed 004's ENV_CHECK: required variables, then conditional groups (INFISICAL_ADDR set ->
 * client id and secret required). Messages name variables, never their values.
 */
export async function executeEnvCheck(step: EnvCheckStep, ctx: PhaseContext): Promise<PhaseOutcome> {
  const log: string[] = [];
  const hint = step.hint ?? DEFAULT_HINT;
  const missing = step.require.filter((name) => !isSet(ctx.env, name));
  for (const name of step.require) if (isSet(ctx.env, name)) log.push(`ENV_CHECK: ${name} OK`);
  if (missing.length) {
    throw new PhaseFailed(`${listed(missing)} ${missing.length === 1 ? 'is' : 'are'} not set. ${hint}`, { fields: { missing }, log });
  }
  for (const group of step.groups) {
    const verdict = evaluateCondition(group.when, { flags: ctx.flags, env: ctx.env, resolvePath: (t) => ctx.templates.path(t) });
    if (!verdict.holds) continue;
    const groupMissing = group.require.filter((name) => !isSet(ctx.env, name));
    for (const name of group.require) if (isSet(ctx.env, name)) log.push(`ENV_CHECK: ${name} OK`);
    if (groupMissing.length) {
      // A group gated by "--x not given" can be bypassed by giving --x: say so.
      const bypass = group.when.notFlag ? ` or pass --${group.when.notFlag}` : '';
      throw new PhaseFailed(
        `${describeCondition({ ...group.when, notFlag: undefined }) || 'A required condition holds'} but ${listed(groupMissing)} ${groupMissing.length === 1 ? 'is' : 'are'} missing. ${hint.replace(/\.?\s*$/, '')}${bypass}.`,
        { fields: { missing: groupMissing }, log },
      );
    }
  }
  log.push('ENV_CHECK: completed');
  return { log, detail: 'all required variables set' };
}

export function describeEnvCheck(step: EnvCheckStep): string {
  const parts = [`verify ${step.require.join(', ') || '(nothing)'}`];
  for (const g of step.groups) parts.push(`if ${describeCondition(g.when)}: ${g.require.join(', ')}`);
  return parts.join('; ');
}
