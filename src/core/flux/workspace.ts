import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { EnvironmentConfig } from '../config/schema.js';
import { GitUnavailable, PushFailed } from '../errors.js';
import { KeyedMutex } from '../keyed-mutex.js';
import { git, GitCommandFailed, isPushRace } from './git.js';

export interface GitIdentity {
  authorName: string;
  authorEmail: string;
}

export type PushOutcome = { ok: true; sha: string } | { ok: false; race: true; stderr: string };

/**
 * A clone of one environment's Flux repo, cached under the data dir. Before every job it is brought
 * to the remote branch head with fetch + hard reset + clean: a dirty tree is never trusted.
 */
export class FluxWorkspace {
  /** One working tree, one user at a time, across every job in this process. */
  private static readonly locks = new KeyedMutex();
  readonly dir: string;

  constructor(
    readonly env: EnvironmentConfig,
    dataDir: string,
    private readonly identity: GitIdentity,
  ) {
    this.dir = join(dataDir, 'flux-repos', env.name);
  }

  /** Runs `work` with this clone to itself (rollouts, regenerations and reads all sync it). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return FluxWorkspace.locks.run(this.dir, work);
  }

  get remoteRef(): string {
    return `refs/remotes/origin/${this.env.branch}`;
  }

  /** Clone on first use, then fetch and reset to the remote head. Returns the head SHA. */
  async sync(): Promise<string> {
    if (!existsSync(join(this.dir, '.git'))) await this.clone();
    else {
      await git(['remote', 'set-url', 'origin', this.env.fluxGitRepo], this.dir);
      await this.fetch();
    }
    await git(['reset', '--quiet', '--hard', this.remoteRef], this.dir);
    await git(['clean', '-qfdx'], this.dir);
    return (await git(['rev-parse', 'HEAD'], this.dir)).stdout.trim();
  }

  private async clone(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
    await mkdir(dirname(this.dir), { recursive: true });
    try {
      await git(['clone', '--quiet', '--no-tags', '--branch', this.env.branch, '--', this.env.fluxGitRepo, this.dir]);
    } catch (error) {
      throw this.unreachable(error);
    }
  }

  private async fetch(): Promise<void> {
    try {
      await git(['fetch', '--quiet', '--no-tags', '--prune', 'origin', `+refs/heads/${this.env.branch}:${this.remoteRef}`], this.dir);
    } catch (error) {
      throw this.unreachable(error);
    }
  }

  private unreachable(error: unknown): GitUnavailable {
    const detail = error instanceof GitCommandFailed ? error.result.stderr.trim().split('\n').pop() : String(error);
    return new GitUnavailable(
      `Could not fetch branch '${this.env.branch}' of the Flux repo for '${this.env.name}' (${detail}). Check fluxGitRepo, the branch and the credentials, then try again.`,
      { cause: error },
    );
  }

  /** Commits exactly one file; the trailers record who asked and which request made it. */
  async commitFile(file: string, subject: string, trailers: Record<string, string>): Promise<string> {
    await git(['add', '--', file], this.dir);
    const body = Object.entries(trailers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n');
    await git(
      [
        '-c', `user.name=${this.identity.authorName}`,
        '-c', `user.email=${this.identity.authorEmail}`,
        'commit', '--quiet', '--no-verify', '-F', '-', '--', file,
      ],
      this.dir,
      { input: body ? `${subject}\n\n${body}\n` : `${subject}\n` },
    );
    return (await git(['rev-parse', 'HEAD'], this.dir)).stdout.trim();
  }

  /**
   * Pushes HEAD to the environment's branch, or (PR mode) to a branch of its own, which a retry
   * overwrites. A race (someone pushed first) is an outcome, anything else an error.
   */
  async push(branch?: string): Promise<PushOutcome> {
    const target = branch ? ['--force', 'origin', `HEAD:refs/heads/${branch}`] : ['origin', `HEAD:refs/heads/${this.env.branch}`];
    const result = await git(['push', '--quiet', '--porcelain', ...target], this.dir, { allowFailure: true });
    if (result.exitCode === 0) return { ok: true, sha: (await git(['rev-parse', 'HEAD'], this.dir)).stdout.trim() };
    const output = `${result.stdout}\n${result.stderr}`;
    if (isPushRace(output)) return { ok: false, race: true, stderr: output };
    throw new PushFailed({ cause: new GitCommandFailed(['push'], result) });
  }

  /** The last commit on HEAD that carries `Rollbot-Request: <id>`, if any (exactly-once on retry). */
  async findCommitByRequest(requestId: string, file: string): Promise<string | null> {
    const result = await git(
      ['log', '-n', '20', '--format=%H', '--fixed-strings', `--grep=Rollbot-Request: ${requestId}`, 'HEAD', '--', file],
      this.dir,
      { allowFailure: true },
    );
    return result.stdout.trim().split('\n')[0] || null;
  }

  async diff(file: string): Promise<string> {
    return (await git(['diff', '--no-color', '--', file], this.dir)).stdout;
  }
}
