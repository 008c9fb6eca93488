import { parseCommand } from '../core/commands/parse.js';
import type { LoadedConfig } from '../core/config/load.js';
import { selectEnvironment } from '../core/config/select-environment.js';
import { AmbiguousImageSite, InvalidInput, NoEnvironmentBound } from '../core/errors.js';
import { requirePr } from '../core/rollout/rollout-engine.js';
import { engineFor } from '../runtime/engine-factory.js';
import { rolloutSummary } from '../core/rollout/rollout-summary.js';
import { consoleReporter } from './console-reporter.js';
import { useGitCredentials } from '../core/credentials/git-credentials.js';
import { gitCredentialsFor } from '../runtime/git-access.js';

/** Takes `--site <file>:<path>` (or `--site=…`) out of the arguments. */
function takeSite(args: string[]): { args: string[]; site?: string } {
  const rest = [...args];
  const at = rest.findIndex((a) => a === '--site' || a.startsWith('--site='));
  if (at < 0) return { args: rest };
  const [flag] = rest.splice(at, 1);
  const site = flag!.includes('=') ? flag!.slice('--site='.length) : rest.splice(at, 1)[0];
  if (!site) throw new InvalidInput('--site needs a value: --site <file>:<path>, as listed when a rollout asks where.');
  return { args: rest, site };
}

/** The candidates of an ambiguous rollout, each with the command that picks it. */
export function siteChoiceText(error: AmbiguousImageSite, rerun: string): string {
  const lines = error.candidates.map((c) => `  ${c.file}  ${c.path}  (now ${c.current ?? 'empty'})\n    ${rerun} --site ${c.ref}`);
  return `${error.userMessage.split('\n')[0]}\n${lines.join('\n')}\nRun one of these, or set the service's container, imagePath or fluxPath in the config.`;
}

/** `rollbot rollout <service> <pr> [--env] [--sha] [--dry-run] [--site <file>:<path>]`: the engine from a terminal. */
export async function rolloutFromTerminal(config: LoadedConfig, rawArgs: string[], user: string): Promise<void> {
  const { args, site } = takeSite(rawArgs);
  const command = parseCommand(['rollout', ...args].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' '));
  if (command.kind !== 'rollout') throw new InvalidInput('Usage: rollbot rollout <service> <pr> [--env <name>] [--sha <commit>] [--dry-run] [--site <file>:<path>]');
  let env;
  try {
    env = selectEnvironment(config, command.env);
  } catch (error) {
    if (error instanceof NoEnvironmentBound) {
      throw new InvalidInput(`Which environment? Pass --env <name> (known: ${Object.keys(config.environments).join(', ')}) or set defaultEnvironment in ${config.source}.`);
    }
    throw error;
  }
  if (command.branch) throw new InvalidInput(`'${command.branch}' is not a pull request number; from a terminal, give the PR number (rollbot rollout ${command.service} 42).`);
  useGitCredentials(gitCredentialsFor(config, process.env));
  let result;
  try {
    result = await engineFor(config).rollout(
      env,
      { service: command.service, pr: requirePr(command.pr?.toString(), command.service), sha: command.sha, dryRun: command.dryRun, requestedBy: user, site },
      consoleReporter(),
    );
  } catch (error) {
    if (error instanceof AmbiguousImageSite) {
      const rerun = ['rollbot rollout', ...args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a))].join(' ');
      process.stderr.write(`${siteChoiceText(error, rerun)}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  process.stdout.write('\n' + rolloutSummary(result) + '\n');
}
