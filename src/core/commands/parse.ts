import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InvalidInput } from '../errors.js';
import { validateEnvironmentName, validatePrNumber, validateServiceName, validateSha } from '../validate.js';
import type { Command } from './command.js';
import { tokenize } from './tokenize.js';
import { USAGE } from './usage.js';

export type CommandSource = 'slash' | 'mention' | 'dm' | 'console' | 'cli';

type Options = NonNullable<ParseArgsConfig['options']>;

function parseFlags(verb: string, args: string[], options: Options) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional.*$/s, '');
    throw new InvalidInput(`${message.replace(/^Unknown option/, 'Unknown flag')}. Usage: ${USAGE[verb] ?? USAGE.help}`);
  }
}

function tooMany(verb: string, extra: string[]): never {
  throw new InvalidInput(`Unexpected ${extra.map((e) => `'${e}'`).join(', ')}. Usage: ${USAGE[verb]}`);
}

function parseRollout(args: string[]): Command {
  const { values, positionals } = parseFlags('rollout', args, {
    env: { type: 'string', short: 'e' },
    sha: { type: 'string' },
    'dry-run': { type: 'boolean' },
  });
  const [service, pr, ...extra] = positionals;
  if (!service) throw new InvalidInput(`Which service? Usage: ${USAGE.rollout}`);
  if (extra.length) tooMany('rollout', extra);
  return {
    kind: 'rollout',
    service: validateServiceName(service),
    pr: pr === undefined ? undefined : validatePrNumber(pr),
    env: values.env === undefined ? undefined : validateEnvironmentName(String(values.env)),
    sha: values.sha === undefined ? undefined : validateSha(String(values.sha)),
    dryRun: values['dry-run'] === true,
  };
}

function parseRwenv(args: string[]): Command {
  const [action = 'cur', name, ...extra] = args;
  if (extra.length) tooMany('rwenv', extra);
  switch (action) {
    case 'list':
    case 'ls':
      return { kind: 'rwenv', action: 'list' };
    case 'cur':
    case 'current':
      return { kind: 'rwenv', action: 'cur' };
    case 'set':
      if (!name) throw new InvalidInput(`Which environment? Usage: ${USAGE.rwenv}`);
      return { kind: 'rwenv', action: 'set', env: validateEnvironmentName(name) };
    default:
      throw new InvalidInput(`Unknown rwenv action '${action}'. Usage: ${USAGE.rwenv}`);
  }
}

/** Slash command names, including seed 000's hyphenated forms (`/rwenv-set dev`). */
function verbTokens(slashCommand: string | undefined, tokens: string[]): string[] {
  if (!slashCommand) return tokens;
  const name = slashCommand.replace(/^\//, '');
  const [verb, sub] = name.split('-', 2);
  return sub ? [verb!, sub, ...tokens] : [name, ...tokens];
}

/**
 * The one parser: slash commands pass their command name (`/rollout`) and text; mentions, DMs, the
 * console and the CLI pass the whole text (`rollout papi 42`). User errors throw InvalidInput with
 * the usage line.
 */
export function parseCommand(text: string, options: { slashCommand?: string } = {}): Command {
  const tokens = verbTokens(options.slashCommand, tokenize(text));
  const [rawVerb, ...args] = tokens;
  const verb = rawVerb?.toLowerCase().replace(/^\//, '');
  switch (verb) {
    case 'rollout':
    case 'deploy':
      return parseRollout(args);
    case 'rwenv':
      return parseRwenv(args);
    case undefined:
    case 'help':
    case 'rollbot':
      return args[0] && args[0] !== 'help' ? parseCommand(args.join(' ')) : { kind: 'help', topic: args[1] };
    default:
      return { kind: 'help', reason: `I don't know '${rawVerb}'.` };
  }
}
