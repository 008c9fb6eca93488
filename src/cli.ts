import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { loadConfig } from './core/config/load.js';
import { readEnvOptions } from './core/config/env-options.js';
import { InvalidInput, isRollbotError, userMessageOf } from './core/errors.js';

const HELP = `rollbot: ChatOps for Flux CD

Usage:
  rollbot rollout <service> <pr> [--env <name>] [--sha <commit>] [--dry-run] [--site <file>:<path>]
                                                                               set the image tag, commit, push
  rollbot history <service> [--env <name>] [--limit 10]                        the tags it had, newest first, who asked and when
  rollbot rollback <service> [--env <name>] [--to <tag>] [--force]             back to the previous tag (or the one named)
  rollbot local [--home .rollbot/local]                                       everything in one process: redis, emulated Slack, bot, worker, demo
  rollbot say "<text>" [--channel C_DEPLOY] [--user U_ALICE]                  talk to a running local mode as a Slack user
  rollbot bot                                                                 the Slack bot (HTTP or Socket Mode)
  rollbot worker                                                              run queued jobs
  rollbot demo [--dir <folder>]                                               make the local demo environment
  rollbot help

Options:
  --config <file>   configuration file (default: $ROLLBOT_CONFIG or rollbot.yaml)

Environment: REDIS_URL, SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode),
SLACK_API_URL, PORT (3000), HOST (local mode: 127.0.0.1; set it, e.g. HOST=0.0.0.0, to open the console
and Bull Board to the network), WORKER_CONCURRENCY (4), ROLLBOT_JOB_LOCK_MS (30000), LOG_LEVEL,
ROLLOUT_CONCURRENCY (64), ROLLBOT_BATCH (on; off pushes each rollout alone), ROLLBOT_REPO_LEASE_MS (15000).
`;

/** Pulls `--config <file>` out of the arguments, wherever it stands. */
function takeOption(args: string[], name: string): string | undefined {
  const index = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (index < 0) return undefined;
  const [arg] = args.splice(index, 1);
  if (arg!.includes('=')) return arg!.slice(name.length + 1);
  const [value] = args.splice(index, 1);
  if (!value) throw new InvalidInput(`${name} needs a value, e.g. ${name} ${name === '--config' ? 'rollbot.yaml' : '<value>'}.`);
  return value;
}

async function main(argv: string[]): Promise<void> {
  const args = [...argv];
  const options = readEnvOptions();
  const explicitConfig = takeOption(args, '--config') ?? options.configPath;
  const configPath = explicitConfig ?? 'rollbot.yaml';
  const [verb, ...rest] = args;
  // Each verb loads only its own modules: a bot process does not carry the worker's git and cluster
  // code, nor local mode's emulators (idle memory).
  switch (verb) {
    case 'rollout': {
      const { rolloutFromTerminal } = await import('./cli/rollout-command.js');
      return rolloutFromTerminal(loadConfig(configPath), rest, userInfo().username);
    }
    case 'history': {
      const { historyFromTerminal } = await import('./cli/guard-commands.js');
      return historyFromTerminal(loadConfig(configPath), rest);
    }
    case 'rollback': {
      const { rollbackFromTerminal } = await import('./cli/guard-commands.js');
      return rollbackFromTerminal(loadConfig(configPath), rest, options.variables.ROLLBOT_USER || userInfo().username, { redis: options.redis });
    }
    case 'bot': {
      const { runBot } = await import('./cli/service-commands.js');
      return runBot(loadConfig(configPath), options);
    }
    case 'worker': {
      const { runWorker } = await import('./cli/service-commands.js');
      return runWorker(loadConfig(configPath), options);
    }
    case 'local': {
      const { runLocal } = await import('./cli/local-command.js');
      return runLocal(options, explicitConfig, takeOption(rest, '--home') ?? '.rollbot/local');
    }
    case 'say': {
      const { say } = await import('./cli/say-command.js');
      const channel = takeOption(rest, '--channel') ?? 'C_DEPLOY';
      const user = takeOption(rest, '--user') ?? 'U_ALICE';
      if (!rest.length) throw new InvalidInput('Say what? Usage: rollbot say "/rollout papi 42" [--channel C_DEPLOY] [--user U_ALICE]');
      return say(rest.join(' '), { port: options.port, channel, user });
    }
    case 'demo': {
      const { ensureDemoEnvironment } = await import('./demo/demo-environment.js');
      const dir = resolve(takeOption(rest, '--dir') ?? '.rollbot/demo');
      const demo = await ensureDemoEnvironment(dir);
      process.stdout.write(
        `Demo environment ready in ${demo.root}\n  Flux repo: ${demo.fluxRepo}\n  Config: ${demo.configPath}\n  Try: rollbot rollout papi 42 --env rdebug --config ${demo.configPath}\n`,
      );
      return;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(HELP);
      return;
    default:
      process.stderr.write(`Unknown command '${verb}'.\n\n${HELP}`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${userMessageOf(error)}\n`);
  process.exitCode = isRollbotError(error) ? 2 : 1;
});
