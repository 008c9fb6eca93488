import type { PhaseOf, StepOf } from '../definition-schema.js';
import { PhaseFailed } from '../errors.js';
import { displayCommand } from '../flags.js';
import { parseLastJsonLine } from '../output.js';
import { describeFailure, runCommand, succeeded } from '../process.js';
import { commandEnv, type PhaseContext, type PhaseOutcome, type Templates } from './context.js';

type RunStep = PhaseOf<'run'> | StepOf<'run'>;

/** argv after placeholders; each template stays exactly one argument. */
export function runArgv(step: RunStep, templates: Templates): string[] {
  return [templates.text(step.command), ...step.args.map((a) => templates.text(a))];
}

export async function executeRun(step: RunStep, ctx: PhaseContext): Promise<PhaseOutcome> {
  const argv = runArgv(step, ctx.templates);
  const cwd = step.cwd ? ctx.templates.path(step.cwd) : ctx.cwdBase;
  const timeoutMs = step.timeoutSeconds * 1000;
  const outcome = await runCommand({ file: argv[0]!, args: argv.slice(1), cwd, env: commandEnv(ctx, step.env), timeoutMs, redact: ctx.redact });
  const shown = argv.map(ctx.redact);
  if (!succeeded(outcome)) {
    throw new PhaseFailed(describeFailure(shown, outcome, timeoutMs, cwd), { output: outcome.all });
  }
  if (!step.parseJson) return { output: outcome.all, detail: `exit 0 in ${(outcome.durationMs / 1000).toFixed(1)}s` };
  const parsed = parseLastJsonLine(outcome.stdout);
  if (!parsed.ok) {
    throw new PhaseFailed(
      `\`${displayCommand(shown).slice(0, 160)}\` succeeded but its last stdout line is not JSON (${parsed.line ? `got '${parsed.line.slice(0, 120)}'` : 'it printed nothing'}). The command must print its result as JSON on the last line.`,
      { output: outcome.all },
    );
  }
  return { output: outcome.all, fields: { [step.resultAs]: parsed.value }, detail: 'exit 0, JSON result recorded' };
}

export function describeRun(step: RunStep, templates: Templates): string {
  return displayCommand(runArgv(step, templates));
}
