import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InvalidInput } from '../errors.js';
import { validateBranchName, validateEnvironmentName, validateImageTag, validatePrNumber, validateServiceName, validateSha } from '../validate.js';
import { FLUX_GET_TARGETS, FLUX_RESOURCE_KINDS, FLUX_WRITE_ACTIONS, type Command } from './command.js';
import { parseQuestion } from './questions.js';
import { parseRedeployArgs } from '../pipeline/args.js';
import { validateRunId } from '../pipeline/run-id.js';
import { parseVersions } from '../pipeline/versions.js';
import { tokenize } from './tokenize.js';
import { USAGE } from './usage.js';
import { parseFreeze, parseHistory, parseRollback } from './parse-guard.js';
import { isDuration, parseDuration } from '../guard/duration.js';

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
    force: { type: 'boolean' },
  });
  const [service, prOrBranch, ...extra] = positionals;
  if (!service) throw new InvalidInput(`Which service? Usage: ${USAGE.rollout}`);
  if (extra.length) tooMany('rollout', extra);
  // A number (or #42) is a PR; anything else names the PR's head branch.
  const isNumber = prOrBranch !== undefined && /^#?[0-9]+$/.test(prOrBranch.trim());
  return {
    kind: 'rollout',
    service: validateServiceName(service),
    pr: isNumber ? validatePrNumber(prOrBranch) : undefined,
    ...(prOrBranch !== undefined && !isNumber ? { branch: validateBranchName(prOrBranch) } : {}),
    env: values.env === undefined ? undefined : validateEnvironmentName(String(values.env)),
    sha: values.sha === undefined ? undefined : validateSha(String(values.sha)),
    dryRun: values['dry-run'] === true,
    ...(values.force ? { force: true } : {}),
  };
}

function parseStatus(args: string[]): Command {
  const { values, positionals } = parseFlags('status', args, { env: { type: 'string', short: 'e' } });
  const [service, ...extra] = positionals;
  if (!service) throw new InvalidInput(`Which service? Usage: ${USAGE.status}`);
  if (extra.length) tooMany('status', extra);
  return { kind: 'status', service: validateServiceName(service), env: values.env === undefined ? undefined : validateEnvironmentName(String(values.env)) };
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

function parseServices(args: string[]): Command {
  const { values, positionals } = parseFlags('services', args, {
    env: { type: 'string', short: 'e' },
    save: { type: 'boolean' },
    page: { type: 'string' },
  });
  const env = values.env === undefined ? undefined : validateEnvironmentName(String(values.env));
  const [first, ...extra] = positionals;
  if (extra.length) tooMany('services', extra);
  if (first === 'regenerate') return { kind: 'services', action: 'regenerate', env, save: values.save === true };
  if (values.save) throw new InvalidInput(`--save goes with \`/services regenerate\`. Usage: ${USAGE.services}`);
  if (first === undefined || first === 'list') {
    const page = values.page === undefined ? 1 : Number(values.page);
    if (!Number.isInteger(page) || page < 1) throw new InvalidInput(`--page takes a page number like 2. Usage: ${USAGE.services}`);
    return { kind: 'services', action: 'list', env, page };
  }
  return { kind: 'services', action: 'show', service: validateServiceName(first), env };
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], what: string, verb: string): T {
  const normal = value?.toLowerCase().replace(/^(ks|kustomizations?)$/, 'kustomization').replace(/^(hr|helmreleases?)$/, 'helmrelease');
  const plural = normal && allowed.find((a) => a === normal || a === `${normal}s`);
  if (plural) return plural;
  throw new InvalidInput(`${value ? `'${value}' is not` : 'Missing'} ${what}: use ${allowed.join(', ')}. Usage: ${USAGE[verb]}`);
}

function parseFlux(args: string[]): Command {
  const { values, positionals } = parseFlags('flux', args, { env: { type: 'string', short: 'e' } });
  const env = values.env === undefined ? undefined : validateEnvironmentName(String(values.env));
  const [action, kind, name, ...extra] = positionals;
  if (action === 'get') {
    if (name !== undefined) tooMany('flux', [name, ...extra]);
    return { kind: 'flux', action: 'get', target: oneOf(kind ?? 'all', FLUX_GET_TARGETS, 'a flux resource list', 'flux'), env };
  }
  const write = oneOf(action, FLUX_WRITE_ACTIONS, 'a flux action', 'flux');
  const resource = oneOf(kind, FLUX_RESOURCE_KINDS, 'a flux resource kind', 'flux');
  if (!name) throw new InvalidInput(`Which ${resource}? Usage: ${USAGE.flux}`);
  if (extra.length) tooMany('flux', extra);
  return { kind: 'flux', action: write, resource, name: validateServiceName(name), env };
}

function parseRelease(args: string[]): Command {
  const { values, positionals } = parseFlags('release', args, {
    env: { type: 'string', short: 'e' },
    tag: { type: 'string' },
    pr: { type: 'string' },
    force: { type: 'boolean' },
  });
  const [service, sha, ...extra] = positionals;
  if (!service) throw new InvalidInput(`Which service? Usage: ${USAGE.release}`);
  if (!sha) throw new InvalidInput(`Which commit? Usage: ${USAGE.release}`);
  if (extra.length) tooMany('release', extra);
  return {
    kind: 'release',
    service: validateServiceName(service),
    sha: validateSha(sha),
    env: values.env === undefined ? undefined : validateEnvironmentName(String(values.env)),
    tag: values.tag === undefined ? undefined : validateImageTag(String(values.tag)),
    pr: values.pr === undefined ? undefined : validatePrNumber(String(values.pr)),
    ...(values.force ? { force: true } : {}),
  };
}

/** `--env` is rollbot's; every other flag belongs to the pipeline (checked by the runner). */
function takeEnvFlag(args: string[]): { env?: string; rest: string[] } {
  const rest: string[] = [];
  let env: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--env' || arg === '-e') env = args[++i];
    else if (arg.startsWith('--env=')) env = arg.slice(6);
    else rest.push(arg);
  }
  if (env === '') throw new InvalidInput(`--env needs an environment name. Usage: ${USAGE.redeploy}`);
  return { env: env === undefined ? undefined : validateEnvironmentName(env), rest };
}

function parseRedeploy(all: string[]): Command {
  const { env, rest } = takeEnvFlag(all);
  const args = parseRedeployArgs(rest);
  const [first, second, ...extra] = args.positionals;
  if (first === 'list') {
    if (second !== undefined) tooMany('redeploy', [second, ...extra]);
    return { kind: 'redeploy', action: 'list', env };
  }
  if (first === 'status') {
    if (!second) throw new InvalidInput(`Which run? Usage: ${USAGE.redeploy}`);
    if (extra.length) tooMany('redeploy', extra);
    return { kind: 'redeploy', action: 'status', env, runId: validateRunId(second) };
  }
  if (first !== undefined) tooMany('redeploy', args.positionals);
  if (args.resume !== undefined) validateRunId(args.resume);
  else if (args.versions === undefined) {
    throw new InvalidInput(`--versions is required, e.g. \`/redeploy --versions "omniintelligence=0.8.0,omninode-claude=0.4.0"\`. Usage: ${USAGE.redeploy}`);
  }
  if (args.versions !== undefined) parseVersions(args.versions);
  return { kind: 'redeploy', action: 'run', env, args };
}

function parseLock(verb: 'lock' | 'unlock', args: string[]): Command {
  if (verb === 'lock') {
    const [env, ...words] = args;
    if (!env) throw new InvalidInput(`Which environment? Usage: ${USAGE.lock}`);
    // `/lock prod 2h db migration`: a leading duration makes the lock expire by itself.
    const duration = words[0] && isDuration(words[0]) ? words.shift() : undefined;
    const timed = duration ? { durationMs: parseDuration(duration), duration } : {};
    return { kind: 'lock', env: validateEnvironmentName(env), reason: words.join(' ').slice(0, 200), ...timed };
  }
  const { values, positionals } = parseFlags('lock', args, { force: { type: 'boolean' } });
  const [env, ...extra] = positionals;
  if (!env) throw new InvalidInput(`Which environment? Usage: ${USAGE.lock}`);
  if (extra.length) tooMany('lock', extra);
  return { kind: 'unlock', env: validateEnvironmentName(env), force: values.force === true };
}

function parseAudit(args: string[]): Command {
  const { values, positionals } = parseFlags('audit', args, { limit: { type: 'string' } });
  const [service, ...extra] = positionals;
  if (extra.length) tooMany('audit', extra);
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new InvalidInput(`--limit takes a number from 1 to 200. Usage: ${USAGE.audit}`);
  return { kind: 'audit', service: service === undefined ? undefined : validateServiceName(service), limit };
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
  if (!options.slashCommand) {
    const question = parseQuestion(text);
    if (question) return question;
  }
  const tokens = verbTokens(options.slashCommand, tokenize(text));
  const [rawVerb, ...args] = tokens;
  const verb = rawVerb?.toLowerCase().replace(/^\//, '');
  switch (verb) {
    case 'rollout':
    case 'deploy':
      return parseRollout(args);
    case 'rwenv':
      return parseRwenv(args);
    case 'release':
      return parseRelease(args);
    case 'redeploy':
      return parseRedeploy(args);
    case 'services':
    case 'services-mapping':
    case 'service':
      return parseServices(args);
    case 'flux':
      return parseFlux(args);
    case 'lock':
    case 'unlock':
      return parseLock(verb, args);
    case 'locks':
      return { kind: 'locks' };
    case 'audit':
      return parseAudit(args);
    case 'history':
      return parseHistory(args);
    case 'rollback':
      return parseRollback(args);
    case 'freeze':
    case 'unfreeze':
    case 'freezes':
      return parseFreeze(verb, args);
    case 'status':
      return parseStatus(args);
    case undefined:
    case 'help':
    case 'rollbot':
      return args[0] && args[0] !== 'help' ? parseCommand(args.join(' ')) : { kind: 'help', topic: args[1] };
    default:
      return { kind: 'help', reason: `I don't know '${rawVerb}'.` };
  }
}
