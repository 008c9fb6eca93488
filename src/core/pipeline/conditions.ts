import { existsSync } from 'node:fs';
import type { Condition } from './definition-schema.js';
import type { RedeployFlags } from './flags.js';

export interface ConditionInputs {
  flags: RedeployFlags;
  env: Readonly<Record<string, string | undefined>>;
  /** Resolves a path template (placeholders, relative to cwdBase); undefined when it cannot yet be known (dry-run). */
  resolvePath: (template: string) => string | undefined;
}

export interface ConditionVerdict {
  holds: boolean;
  /** Why it does not hold, e.g. "INFISICAL_ADDR is not set". */
  unmet?: string;
}

/** Set means set and not empty, like the seed's `os.environ.get(var)`. */
export function isSet(env: Readonly<Record<string, string | undefined>>, name: string): boolean {
  const value = env[name];
  return value !== undefined && value !== '';
}

/** All parts of a condition must hold; the first one that does not is named. */
export function evaluateCondition(condition: Condition, inputs: ConditionInputs): ConditionVerdict {
  const { flags, env } = inputs;
  if (condition.flag !== undefined && flags[condition.flag] === undefined) return { holds: false, unmet: `--${condition.flag} was not given` };
  if (condition.notFlag !== undefined && flags[condition.notFlag] !== undefined) return { holds: false, unmet: `--${condition.notFlag} was given` };
  if (condition.envSet !== undefined && !isSet(env, condition.envSet)) return { holds: false, unmet: `${condition.envSet} is not set` };
  if (condition.envUnset !== undefined && isSet(env, condition.envUnset)) return { holds: false, unmet: `${condition.envUnset} is set` };
  for (const [template, wantExists] of [
    [condition.fileExists, true],
    [condition.fileMissing, false],
  ] as const) {
    if (template === undefined) continue;
    const path = inputs.resolvePath(template);
    if (path === undefined) return { holds: false, unmet: `${template} cannot be checked yet` };
    if (existsSync(path) !== wantExists) return { holds: false, unmet: `${path} ${wantExists ? 'does not exist' : 'exists'}` };
  }
  return { holds: true };
}

/** "INFISICAL_ADDR is set and --skip-infisical is not given", for messages and the dry-run plan. */
export function describeCondition(condition: Condition): string {
  const parts: string[] = [];
  if (condition.envSet !== undefined) parts.push(`${condition.envSet} is set`);
  if (condition.envUnset !== undefined) parts.push(`${condition.envUnset} is not set`);
  if (condition.fileExists !== undefined) parts.push(`${condition.fileExists} exists`);
  if (condition.fileMissing !== undefined) parts.push(`${condition.fileMissing} does not exist`);
  if (condition.flag !== undefined) parts.push(`--${condition.flag} is given`);
  if (condition.notFlag !== undefined) parts.push(`--${condition.notFlag} is not given`);
  return parts.join(' and ');
}

/** Env names a condition mentions (they count as named by an env-check, for redaction). */
export function conditionEnvNames(condition: Condition | undefined): string[] {
  if (!condition) return [];
  return [condition.envSet, condition.envUnset].filter((n): n is string => n !== undefined);
}

/** Flags a condition mentions: they are known flags of the pipeline. */
export function conditionFlags(condition: Condition | undefined): string[] {
  if (!condition) return [];
  return [condition.flag, condition.notFlag].filter((n): n is string => n !== undefined);
}
