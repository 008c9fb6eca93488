import { existsSync, statSync } from 'node:fs';
import { execa } from 'execa';
import { displayCommand } from './flags.js';
import { lastLines } from './output.js';

export interface CommandSpec {
  file: string;
  args: readonly string[];
  cwd: string;
  /** The complete environment of the command (nothing else is inherited). */
  env: Readonly<Record<string, string>>;
  timeoutMs: number;
  /**
   * Applied to the captured output before anything else sees it: messages quote and clip output,
   * and clipping an unredacted secret could leave half of it unrecognizable.
   */
  redact?: (text: string) => string;
}

export interface CommandOutcome {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they were written. */
  all: string;
  timedOut: boolean;
  /** Set when the command never ran (not found, not executable, bad cwd). */
  startError?: string;
  signal?: string;
  durationMs: number;
}

/** Grace between SIGTERM and SIGKILL when a command times out. */
const KILL_GRACE_MS = 3_000;

const live = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/**
 * Runs one command with an argument array (never a shell string), a timeout, and captured output.
 * The command gets its own process group: a deploy script's children (docker, sleep) are stopped
 * with it on timeout, instead of holding the output pipes open forever.
 */
export async function runCommand(spec: CommandSpec): Promise<CommandOutcome> {
  const started = performance.now();
  if (!existsSync(spec.cwd) || !statSync(spec.cwd).isDirectory()) {
    return { exitCode: undefined, stdout: '', stderr: '', all: '', timedOut: false, startError: `working directory ${spec.cwd} does not exist`, durationMs: 0 };
  }
  if (!exitHookInstalled) {
    // Detached groups are not killed with the worker; do it ourselves on a normal exit.
    process.once('exit', () => {
      for (const pid of live) killGroup(pid, 'SIGKILL');
    });
    exitHookInstalled = true;
  }
  const child = execa(spec.file, [...spec.args], {
    cwd: spec.cwd,
    env: { ...spec.env },
    extendEnv: false,
    reject: false,
    all: true,
    stdin: 'ignore',
    detached: true,
    stripFinalNewline: false,
    maxBuffer: 32 * 1024 * 1024,
  });
  const pid = child.pid;
  let timedOut = false;
  let forceKill: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    if (pid === undefined) return;
    timedOut = true;
    killGroup(pid, 'SIGTERM');
    forceKill = setTimeout(() => killGroup(pid, 'SIGKILL'), KILL_GRACE_MS);
  }, spec.timeoutMs);
  if (pid !== undefined) live.add(pid);
  try {
    const result = await child;
    const startError =
      result.exitCode === undefined && !result.isTerminated && !timedOut ? (result.cause instanceof Error ? result.cause.message : result.shortMessage) : undefined;
    const clean = spec.redact ?? ((text: string) => text);
    return {
      exitCode: result.exitCode,
      stdout: clean(String(result.stdout ?? '')),
      stderr: clean(String(result.stderr ?? '')),
      all: clean(String(result.all ?? '')),
      timedOut,
      startError,
      signal: result.signal,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    clearTimeout(timer);
    if (forceKill) clearTimeout(forceKill);
    if (pid !== undefined) live.delete(pid);
  }
}

export function succeeded(outcome: CommandOutcome): boolean {
  return outcome.exitCode === 0 && !outcome.timedOut && outcome.startError === undefined;
}

/** One sentence on why a command did not succeed, with what to do next. Pass argv already redacted. */
export function describeFailure(argv: readonly string[], outcome: CommandOutcome, timeoutMs: number, cwd: string): string {
  const shown = clip(displayCommand(argv), 160);
  if (outcome.timedOut) {
    return `\`${shown}\` timed out after ${formatSeconds(timeoutMs)} and was stopped. Raise timeoutSeconds for this phase in the pipeline if it needs longer, or find out why it hangs.`;
  }
  if (outcome.startError !== undefined) {
    return `\`${shown}\` could not be started (${outcome.startError}). Check that ${argv[0]} is installed and on PATH and that ${cwd} exists.`;
  }
  if (outcome.exitCode === undefined) return `\`${shown}\` was killed by ${outcome.signal ?? 'a signal'}.`;
  const why = lastLines(outcome.stderr) || lastLines(outcome.stdout);
  return `\`${shown}\` exited with code ${outcome.exitCode}${why ? `: ${why}` : ' and printed nothing'}.`;
}

export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s}s` : `${s.toFixed(1)}s`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
