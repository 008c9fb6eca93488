import type { PhaseOf, StepOf } from '../definition-schema.js';
import { PhaseFailed } from '../errors.js';
import { displayCommand } from '../flags.js';
import { lastLines } from '../output.js';
import { runCommand, succeeded } from '../process.js';
import { normalizePackageName, type VersionPin } from '../versions.js';
import { commandEnv, type PhaseContext, type PhaseOutcome, type Templates } from './context.js';

type VersionCheckStep = PhaseOf<'version-check'> | StepOf<'version-check'>;

function pinsToCheck(step: VersionCheckStep, pins: readonly VersionPin[]): VersionPin[] {
  if (!step.packages) return [...pins];
  const wanted = new Set(step.packages.map(normalizePackageName));
  return pins.filter((p) => wanted.has(normalizePackageName(p.pkg)));
}

function argvFor(step: VersionCheckStep, templates: Templates, pkg: string): string[] {
  return [templates.text(step.command, pkg), ...step.args.map((a) => templates.text(a, pkg))];
}

/** The installed version from the command's stdout: the pattern's first group, or the whole output. */
function installedVersion(step: VersionCheckStep, stdout: string): string | undefined {
  if (!step.outputPattern) return stdout.trim() || undefined;
  const match = new RegExp(step.outputPattern, 'm').exec(stdout);
  if (!match) return undefined;
  return (match[1] ?? match[0]).trim();
}

/**
 * Seed 004's in-container version check: one command per requested package, its output must equal
 * the requested version. Every package is checked, and each mismatch is reported on its own:
 * "pkg: expected X, got Y".
 */
export async function executeVersionCheck(step: VersionCheckStep, ctx: PhaseContext): Promise<PhaseOutcome> {
  const failed: string[] = [];
  const log: string[] = [];
  const outputs: string[] = [];
  const cwd = step.cwd ? ctx.templates.path(step.cwd) : ctx.cwdBase;
  const timeoutMs = step.timeoutSeconds * 1000;
  const pins = pinsToCheck(step, ctx.pins);
  for (const { pkg, version: expected } of pins) {
    const argv = argvFor(step, ctx.templates, pkg);
    const outcome = await runCommand({ file: argv[0]!, args: argv.slice(1), cwd, env: commandEnv(ctx, step.env, pkg), timeoutMs, redact: ctx.redact });
    outputs.push(`$ ${displayCommand(argv.map(ctx.redact))}\n${outcome.all}`);
    if (!succeeded(outcome)) {
      const why = outcome.timedOut ? `timed out after ${step.timeoutSeconds}s` : outcome.startError ?? `exit ${outcome.exitCode}${lastLines(outcome.stderr, 1, 120) ? `: ${lastLines(outcome.stderr, 1, 120)}` : ''}`;
      failed.push(`${pkg}: check failed (${why})`);
      log.push(`VERIFY: ${pkg} check failed (${why})`);
      continue;
    }
    const actual = installedVersion(step, outcome.stdout);
    if (actual === expected) {
      log.push(`VERIFY: ${pkg} Version: ${actual} (expected ${expected}) -> OK`);
    } else {
      failed.push(`${pkg}: expected ${expected}, got ${actual ?? 'no version in the output'}`);
      log.push(`VERIFY: ${pkg} Version: ${actual ?? '?'} (expected ${expected}) -> MISMATCH`);
    }
  }
  const output = outputs.join('\n');
  if (failed.length) {
    throw new PhaseFailed(`Version mismatches: ${failed.join('; ')}. Check that the deploy picked up the new pins, then resume.`, {
      fields: { failed_versions: failed },
      log,
      output,
    });
  }
  return { log, output, detail: `${pins.length} package${pins.length === 1 ? '' : 's'} at the requested versions` };
}

export function describeVersionCheck(step: VersionCheckStep, templates: Templates, pins: readonly VersionPin[]): string {
  const checked = pinsToCheck(step, pins);
  const first = checked[0]?.pkg ?? '<pkg>';
  const command = displayCommand(argvFor(step, templates, first));
  return checked.length > 1 ? `${command} (per package: ${checked.map((p) => p.pkg).join(', ')})` : command;
}
