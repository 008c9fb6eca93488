import { parseCommand } from '../core/commands/parse.js';
import type { LoadedConfig } from '../core/config/load.js';
import { selectEnvironment } from '../core/config/select-environment.js';
import { InvalidInput, NoEnvironmentBound } from '../core/errors.js';
import { requirePr } from '../core/rollout/rollout-engine.js';
import { engineFor } from '../runtime/engine-factory.js';
import { rolloutSummary } from '../core/rollout/rollout-summary.js';
import { consoleReporter } from './console-reporter.js';
import { useGitCredentials } from '../core/credentials/git-credentials.js';
import { gitCredentialsFor } from '../runtime/git-access.js';

/** `rollbot rollout <service> <pr> [--env] [--sha] [--dry-run]`: the engine from a terminal. */
export async function rolloutFromTerminal(config: LoadedConfig, args: string[], user: string): Promise<void> {
  const command = parseCommand(['rollout', ...args].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' '));
  if (command.kind !== 'rollout') throw new InvalidInput('Usage: rollbot rollout <service> <pr> [--env <name>] [--sha <commit>] [--dry-run]');
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
  const result = await engineFor(config).rollout(
    env,
    { service: command.service, pr: requirePr(command.pr?.toString(), command.service), sha: command.sha, dryRun: command.dryRun, requestedBy: user },
    consoleReporter(),
  );
  process.stdout.write('\n' + rolloutSummary(result) + '\n');
}
