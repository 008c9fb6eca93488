import { InvalidInput } from '../errors.js';
import { conditionFlags } from './conditions.js';
import type { Condition, PhaseDefinition, PipelineDefinition } from './definition-schema.js';
import { UnknownFlag } from './errors.js';

/**
 * Pipeline flags without their dashes: `{ 'skip-sync': true, 'worktree-ticket': 'T-1' }`. The mode
 * flags (--versions, --resume, --dry-run, --verify-only) are separate options of the runner.
 */
export type RedeployFlags = Readonly<Record<string, string | true>>;

/** Flags that take a value; every other pipeline flag is a switch. */
export const VALUE_FLAGS = ['worktree-ticket'] as const;

const TICKET = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** `--skip-pin_update`, `--skip-pin-update` and the phase's aliases (`--skip-dockerfile-update`). */
export function skipFlagsOf(phase: PhaseDefinition): string[] {
  const lower = phase.name.toLowerCase();
  return [...new Set([`skip-${lower.replace(/_/g, '-')}`, `skip-${lower}`, ...phase.skipFlags])];
}

export function knownFlags(definition: PipelineDefinition): string[] {
  // Skip flags first, in phase order: the list is shown to people who mistyped one.
  const flags = new Set<string>(definition.phases.flatMap(skipFlagsOf));
  const addCondition = (c: Condition | undefined) => conditionFlags(c).forEach((f) => flags.add(f));
  for (const phase of definition.phases) {
    addCondition(phase.when);
    if (phase.type === 'env-check') phase.groups.forEach((g) => addCondition(g.when));
    if (phase.type === 'sequence') {
      for (const step of phase.steps) {
        addCondition(step.when);
        if (step.type === 'env-check') step.groups.forEach((g) => addCondition(g.when));
      }
    }
  }
  for (const f of VALUE_FLAGS) flags.add(f);
  return [...flags];
}

/** Unknown flags are refused: a typo like --skip-synk must not silently run SYNC. */
export function validateFlags(definition: PipelineDefinition, flags: RedeployFlags): void {
  const known = knownFlags(definition);
  for (const [name, value] of Object.entries(flags)) {
    if (!known.includes(name)) {
      // `skip-pin_update` is the same flag as `skip-pin-update`; list one spelling.
      throw new UnknownFlag(name, known.filter((k) => !(k.startsWith('skip-') && k.includes('_') && known.includes(k.replace(/_/g, '-')))));
    }
    const takesValue = (VALUE_FLAGS as readonly string[]).includes(name);
    if (takesValue && typeof value !== 'string') throw new InvalidInput(`--${name} needs a value, for example --${name} OPS-123.`);
    if (!takesValue && value !== true) throw new InvalidInput(`--${name} is a switch and takes no value; write just --${name}.`);
  }
  const ticket = flags['worktree-ticket'];
  if (typeof ticket === 'string') validateTicket(ticket);
}

/** The ticket names a branch and a folder, so it is restricted to a safe charset. */
export function validateTicket(ticket: string): string {
  if (!TICKET.test(ticket) || ticket.includes('..')) {
    throw new InvalidInput(
      `'${ticket}' is not a valid --worktree-ticket. Use letters, digits, '.', '_' or '-' (up to 100, starting with a letter or digit), for example OPS-123.`,
    );
  }
  return ticket;
}

/** The skip flag that was given for this phase, if any. */
export function givenSkipFlag(phase: PhaseDefinition, flags: RedeployFlags): string | undefined {
  return skipFlagsOf(phase).find((f) => flags[f] !== undefined);
}

/** ` --skip-sync --worktree-ticket OPS-1` for the resume hint, in a stable order. */
export function renderFlags(flags: RedeployFlags): string {
  return Object.keys(flags)
    .sort()
    .map((name) => {
      const value = flags[name];
      return value === true ? ` --${name}` : ` --${name} ${quoteArg(String(value))}`;
    })
    .join('');
}

/** Quotes an argument for display only (nothing here is ever given to a shell). */
export function quoteArg(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_./:@%+=-]+$/.test(arg)) return arg;
  return `"${arg.replace(/(["\\$`])/g, '\\$1')}"`;
}

export function displayCommand(argv: readonly string[]): string {
  return argv.map(quoteArg).join(' ');
}
