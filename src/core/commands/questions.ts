import type { ServicesCommand } from './command.js';

/**
 * Plain questions (seed 003's triggers) asked in a mention or a DM. Anything that does not match
 * falls through to the command parser.
 */
const PATTERNS: Array<[RegExp, (m: RegExpMatchArray) => ServicesCommand]> = [
  [/^(?:what|which) namespace (?:is|does) ([a-z0-9._-]+)(?: (?:in|run in|live in|running in))?$/, (m) => ({ kind: 'services', action: 'namespace', service: m[1]! })],
  [/^where is ([a-z0-9._-]+) (?:defined|declared|configured)(?: in flux)?$/, (m) => ({ kind: 'services', action: 'where', service: m[1]! })],
  [/^where (?:is|does) ([a-z0-9._-]+)(?: live)? in flux$/, (m) => ({ kind: 'services', action: 'where', service: m[1]! })],
  [/^(?:list|show)(?: all| me)?(?: the)? services$/, () => ({ kind: 'services', action: 'list', page: 1 })],
];

export function parseQuestion(text: string): ServicesCommand | undefined {
  const normal = text
    .replace(/^\s*(<@[A-Z0-9]+(\|[^>]*)?>\s*)+/, '')
    .trim()
    .toLowerCase()
    .replace(/[`'"]/g, '')
    .replace(/[?.!]+$/, '')
    .replace(/\s+/g, ' ');
  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(normal);
    if (match) return build(match);
  }
  return undefined;
}
