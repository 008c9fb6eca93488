import { InvalidInput } from '../errors.js';
import { VALUE_FLAGS, type RedeployFlags } from './flags.js';

/** `/redeploy` arguments split into the runner's options. */
export interface RedeployArgs {
  versions?: string;
  resume?: string;
  dryRun: boolean;
  verifyOnly: boolean;
  /** Pipeline flags (skip flags, --worktree-ticket); checked against the pipeline by the runner. */
  flags: RedeployFlags;
  /** Words that are not flags (e.g. an environment name, or `list`). */
  positionals: string[];
}

const MODE_VALUE_FLAGS = ['versions', 'resume'] as const;

/**
 * Parses already-tokenized words (see core/commands/tokenize): `--versions "a=0.8.0"`,
 * `--versions=a=0.8.0`, switches like `--skip-sync`. Which switches exist depends on the pipeline,
 * so unknown ones are kept here and refused by the runner with the list of known ones.
 */
export function parseRedeployArgs(tokens: readonly string[]): RedeployArgs {
  const out: { versions?: string; resume?: string; dryRun: boolean; verifyOnly: boolean; flags: Record<string, string | true>; positionals: string[] } = {
    dryRun: false,
    verifyOnly: false,
    flags: {},
    positionals: [],
  };
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    if (!token.startsWith('--') || token === '--') {
      out.positionals.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = (eq < 0 ? token.slice(2) : token.slice(2, eq)).toLowerCase();
    let value: string | undefined = eq < 0 ? undefined : token.slice(eq + 1);
    const takesValue = (MODE_VALUE_FLAGS as readonly string[]).includes(name) || (VALUE_FLAGS as readonly string[]).includes(name);
    if (takesValue && value === undefined) {
      const next = tokens[i + 1];
      if (next === undefined || next.startsWith('--')) {
        throw new InvalidInput(
          name === 'versions'
            ? '--versions needs a value, for example --versions "omniintelligence=0.8.0,omninode-claude=0.4.0".'
            : `--${name} needs a value, for example --${name} ${name === 'resume' ? 'redeploy-20260301-abc123' : 'OPS-123'}.`,
        );
      }
      value = next;
      i += 1;
    }
    switch (name) {
      case 'versions':
        if (out.versions !== undefined) throw new InvalidInput('--versions is given twice. Give it once, with every package in it.');
        out.versions = value;
        break;
      case 'resume':
        out.resume = value;
        break;
      case 'dry-run':
      case 'verify-only':
        if (value !== undefined) throw new InvalidInput(`--${name} is a switch and takes no value; write just --${name}.`);
        if (name === 'dry-run') out.dryRun = true;
        else out.verifyOnly = true;
        break;
      default:
        out.flags[name] = value ?? true;
    }
  }
  return out;
}
