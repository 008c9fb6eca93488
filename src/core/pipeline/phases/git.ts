import { PhaseFailed } from '../errors.js';
import { describeFailure, runCommand, succeeded, type CommandOutcome } from '../process.js';
import { commandEnv, type PhaseContext } from './context.js';

/**
 * git with an argument array, never prompting (a credential prompt would hang the worker), in the C
 * locale so its messages are the ones we quote.
 */
export async function runGit(ctx: PhaseContext, args: string[], timeoutMs: number, options: { allowFailure?: boolean } = {}): Promise<CommandOutcome> {
  const env = { ...commandEnv(ctx), GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo', LC_ALL: 'C' };
  const outcome = await runCommand({ file: 'git', args, cwd: ctx.cwdBase, env, timeoutMs, redact: ctx.redact });
  if (!succeeded(outcome) && !options.allowFailure) {
    throw new PhaseFailed(describeFailure(['git', ...args].map(ctx.redact), outcome, timeoutMs, ctx.cwdBase), { output: outcome.all });
  }
  return outcome;
}
