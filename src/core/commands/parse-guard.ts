import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InvalidInput } from '../errors.js';
import { isDuration, parseDuration } from '../guard/duration.js';
import { validateEnvironmentName, validateImageTag, validateServiceName } from '../validate.js';
import type { GuardCommand } from './guard-commands.js';
import { USAGE } from './usage.js';

export const HISTORY_MAX_LIMIT = 40;

function flags(verb: string, args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional.*$/s, '').replace(/^Unknown option/, 'Unknown flag');
    throw new InvalidInput(`${message}. Usage: ${USAGE[verb]}`);
  }
}

const envOf = (value: unknown) => (value === undefined ? undefined : validateEnvironmentName(String(value)));

function unexpected(verb: string, extra: string[]): never {
  throw new InvalidInput(`Unexpected ${extra.map((e) => `'${e}'`).join(', ')}. Usage: ${USAGE[verb]}`);
}

export function parseHistory(args: string[]): GuardCommand {
  const { values, positionals } = flags('history', args, { env: { type: 'string', short: 'e' }, limit: { type: 'string', short: 'n' } });
  const [service, ...extra] = positionals;
  if (!service) throw new InvalidInput(`Which service? Usage: ${USAGE.history}`);
  if (extra.length) unexpected('history', extra);
  const limit = values.limit === undefined ? 10 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > HISTORY_MAX_LIMIT) {
    throw new InvalidInput(`--limit takes a number from 1 to ${HISTORY_MAX_LIMIT}. Usage: ${USAGE.history}`);
  }
  return { kind: 'history', service: validateServiceName(service), env: envOf(values.env), limit };
}

export function parseRollback(args: string[]): GuardCommand {
  const { values, positionals } = flags('rollback', args, {
    env: { type: 'string', short: 'e' },
    to: { type: 'string' },
    force: { type: 'boolean' },
  });
  const [service, ...extra] = positionals;
  if (!service) throw new InvalidInput(`Which service? Usage: ${USAGE.rollback}`);
  if (extra.length) unexpected('rollback', extra);
  return {
    kind: 'rollback',
    service: validateServiceName(service),
    env: envOf(values.env),
    to: values.to === undefined ? undefined : validateImageTag(String(values.to)),
    force: values.force === true,
  };
}

export function parseFreeze(verb: 'freeze' | 'unfreeze' | 'freezes', args: string[]): GuardCommand {
  if (verb === 'freezes' || (verb === 'freeze' && args.length === 0)) return { kind: 'freezes' };
  const [env, duration, ...reason] = args;
  if (!env) throw new InvalidInput(`Which environment? Usage: ${USAGE.freeze}`);
  if (verb === 'unfreeze') {
    if (duration !== undefined) unexpected('freeze', [duration, ...reason]);
    return { kind: 'unfreeze', env: validateEnvironmentName(env) };
  }
  if (!duration) throw new InvalidInput(`For how long? Usage: ${USAGE.freeze}`);
  if (!isDuration(duration)) throw new InvalidInput(`'${duration}' is not a duration like \`2h\` or \`3d\`. Usage: ${USAGE.freeze}`);
  return { kind: 'freeze', env: validateEnvironmentName(env), durationMs: parseDuration(duration), duration, reason: reason.join(' ').slice(0, 200) };
}
