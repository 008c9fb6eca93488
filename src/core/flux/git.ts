import { execa } from 'execa';
import { GitUnavailable } from '../errors.js';
import { gitCredentialEnv } from '../credentials/git-credentials.js';

export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * Runs git with an argument array (never a shell string). Non-interactive: a credential prompt
 * would hang a worker forever.
 */
export async function git(args: string[], cwd?: string, options: { allowFailure?: boolean; input?: string | Buffer } = {}): Promise<GitResult> {
  // Credentials travel in this process's environment only (see git-credentials.ts).
  const credentials = await gitCredentialEnv();
  try {
    const result = await execa('git', args, {
      cwd,
      reject: false,
      input: options.input,
      env: { GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'echo', LC_ALL: 'C', ...credentials },
      stripFinalNewline: true,
    });
    if (result.exitCode === undefined && result.failed) {
      throw new GitUnavailable(`git could not be started (${result.shortMessage}). Install git (apt-get install git) on the worker.`);
    }
    const out = { stdout: String(result.stdout), stderr: String(result.stderr), exitCode: result.exitCode ?? 1 };
    if (out.exitCode !== 0 && !options.allowFailure) {
      throw new GitCommandFailed(args, out);
    }
    return out;
  } catch (error) {
    if (error instanceof GitCommandFailed || error instanceof GitUnavailable) throw error;
    throw new GitUnavailable(`git could not be started (${(error as Error).message}). Install git on the worker.`, { cause: error });
  }
}

export class GitCommandFailed extends Error {
  constructor(
    readonly args: string[],
    readonly result: GitResult,
  ) {
    super(`git ${args[0]} failed (exit ${result.exitCode}): ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    this.name = 'GitCommandFailed';
  }
}

/** Push refusals that a fetch and a fresh commit can fix (someone else pushed first). */
export function isPushRace(stderr: string): boolean {
  return /\[rejected\]|non-fast-forward|fetch first|\[remote rejected\].*(cannot lock ref|failed to update ref)|stale info/i.test(stderr);
}

/** The line of git's stderr that says why: an access problem if there is one, else the last line. */
export function gitFailureDetail(stderr: string): string {
  const lines = stderr.trim().split('\n').map((l) => l.trim()).filter(Boolean);
  const cause = lines.find((l) => /host key verification failed|permission denied|authentication failed|could not resolve host|connection refused|returned error: \d+|terminal prompts disabled/i.test(l));
  return (cause ?? lines.at(-1) ?? 'no output').replace(/^fatal:\s*/, '');
}
