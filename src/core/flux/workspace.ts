import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import lockfile from 'proper-lockfile';
import { dirname, join } from 'node:path';
import type { EnvironmentConfig } from '../config/schema.js';
import { GitUnavailable, PushFailed } from '../errors.js';
import { KeyedMutex } from '../keyed-mutex.js';
import { buildCommit, type FileChange } from './commit-builder.js';
import { git, GitCommandFailed, gitFailureDetail, isPushRace } from './git.js';
import { GitObjectStore } from './git-object-store.js';
import { RepoTree } from './repo-tree.js';

export interface GitIdentity {
  authorName: string;
  authorEmail: string;
}

export type PushOutcome = { ok: true } | { ok: false; race: true; stderr: string };

/**
 * A bare clone of one environment's Flux repo, cached under the data dir. Nothing is checked out:
 * files are read at a commit (RepoTree, through one long-lived `cat-file --batch`) and commits are
 * written with plumbing (blobs, the trees on their paths, the commit) on top of the remote head, then
 * pushed by id. So no index of 10,000 files is refreshed, and no tree can be left half-edited by a
 * job that failed.
 */
export class FluxWorkspace {
  /** One clone, one user at a time, across every job in this process. */
  private static readonly locks = new KeyedMutex();
  private static readonly urls = new Map<string, string>();
  /** The remote branch head as this process last saw it (its fetch, or its own push), and when. */
  private static readonly seen = new Map<string, { head: string; at: number }>();
  readonly dir: string;

  constructor(
    readonly env: EnvironmentConfig,
    dataDir: string,
    private readonly identity: GitIdentity,
  ) {
    this.dir = join(dataDir, 'flux-repos', `${env.name}.git`);
  }

  /**
   * Runs `work` with this clone to itself (rollouts, regenerations and reads all fetch into it): one
   * job at a time in this process, and a lock file for other processes sharing the data dir.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    return FluxWorkspace.locks.run(this.dir, async () => {
      await mkdir(dirname(this.dir), { recursive: true });
      // Refreshed every 1.5 s while held; a lock left by a killed process is taken over after 6 s.
      const release = await lockfile.lock(this.dir, {
        realpath: false,
        stale: 6_000,
        update: 1_500,
        retries: { retries: 1200, minTimeout: 50, maxTimeout: 250 },
      });
      try {
        return await work();
      } finally {
        await release();
      }
    });
  }

  get remoteRef(): string {
    return `refs/remotes/origin/${this.env.branch}`;
  }

  /** The repository's files at a commit. */
  tree(commit: string): RepoTree {
    return new RepoTree(this.dir, commit);
  }

  /** Clone on first use, else fetch the branch. Returns the remote head's commit id. */
  async sync(): Promise<string> {
    if (!existsSync(join(this.dir, 'objects'))) {
      await this.clone();
    } else {
      if (FluxWorkspace.urls.get(this.dir) !== this.env.fluxGitRepo) {
        await git(['remote', 'set-url', 'origin', this.env.fluxGitRepo], this.dir);
        FluxWorkspace.urls.set(this.dir, this.env.fluxGitRepo);
      }
      await this.fetch();
    }
    // Through the long-lived cat-file (it reads refs afresh each time): no process start.
    const head = await GitObjectStore.of(this.dir).read(this.remoteRef);
    if (head?.type !== 'commit') throw new GitUnavailable(`The Flux repo for '${this.env.name}' has no branch '${this.env.branch}'. Check the environment's branch setting.`);
    FluxWorkspace.seen.set(this.dir, { head: head.oid, at: Date.now() });
    return head.oid;
  }

  /**
   * The remote head this process fetched or pushed itself within the last `maxAgeMs`, if any. A
   * rollout may build on it without a fetch: if the remote has moved since, git refuses the push
   * (not a fast-forward) and the rollout fetches and applies again, so nothing is lost either way.
   */
  recentHead(maxAgeMs: number): string | undefined {
    const seen = FluxWorkspace.seen.get(this.dir);
    return seen && Date.now() - seen.at <= maxAgeMs ? seen.head : undefined;
  }

  private async clone(): Promise<void> {
    GitObjectStore.closeAll(this.dir);
    await rm(this.dir, { recursive: true, force: true });
    // A clone with a work tree from before rollbot used bare clones: its place is reused.
    const older = this.dir.replace(/\.git$/, '');
    if (existsSync(join(older, '.git'))) await rm(older, { recursive: true, force: true });
    await mkdir(dirname(this.dir), { recursive: true });
    try {
      await git(['clone', '--quiet', '--bare', '--no-tags', '--single-branch', '--branch', this.env.branch, '--', this.env.fluxGitRepo, this.dir]);
    } catch (error) {
      await rm(this.dir, { recursive: true, force: true });
      throw this.unreachable(error);
    }
    // Fetches and pushes keep origin's branch in a remote-tracking ref; nothing else moves it.
    await git(['config', 'remote.origin.fetch', `+refs/heads/${this.env.branch}:${this.remoteRef}`], this.dir);
    await git(['update-ref', this.remoteRef, `refs/heads/${this.env.branch}`], this.dir);
    await git(['update-ref', '-d', `refs/heads/${this.env.branch}`], this.dir);
    FluxWorkspace.urls.set(this.dir, this.env.fluxGitRepo);
  }

  private async fetch(): Promise<void> {
    try {
      await git(['fetch', '--quiet', '--no-tags', '--prune', 'origin', `+refs/heads/${this.env.branch}:${this.remoteRef}`], this.dir);
    } catch (error) {
      throw this.unreachable(error);
    }
  }

  private unreachable(error: unknown): GitUnavailable {
    const detail = error instanceof GitCommandFailed ? gitFailureDetail(error.result.stderr) : String(error);
    return new GitUnavailable(
      `Could not fetch branch '${this.env.branch}' of the Flux repo for '${this.env.name}' (${detail}). Check fluxGitRepo, the branch and the credentials, then try again.`,
      { cause: error },
    );
  }

  /**
   * A commit of the files' new contents on top of `parent`; the trailers record who asked and which
   * request made it. Written with plumbing, no ref moves: `push` sends it by id.
   */
  async commitFiles(changes: FileChange[], subject: string, trailers: Record<string, string>, parent: string): Promise<string> {
    const body = Object.entries(trailers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n');
    const message = body ? `${subject}\n\n${body}\n` : `${subject}\n`;
    const who = `${this.identity.authorName} <${this.identity.authorEmail}> ${Math.floor(Date.now() / 1000)} +0000`;
    return buildCommit(GitObjectStore.of(this.dir), { parent, changes, message, who });
  }

  /**
   * Pushes `commit` to the environment's branch, or (PR mode) to a branch of its own, which a retry
   * overwrites. A race (someone pushed first) is an outcome, anything else an error.
   */
  async push(commit: string, branch?: string): Promise<PushOutcome> {
    const target = branch ? ['--force', 'origin', `${commit}:refs/heads/${branch}`] : ['origin', `${commit}:refs/heads/${this.env.branch}`];
    const result = await git(['push', '--quiet', '--porcelain', ...target], this.dir, { allowFailure: true });
    if (result.exitCode === 0) {
      if (!branch) FluxWorkspace.seen.set(this.dir, { head: commit, at: Date.now() });
      return { ok: true };
    }
    FluxWorkspace.seen.delete(this.dir);
    const output = `${result.stdout}\n${result.stderr}`;
    if (isPushRace(output)) return { ok: false, race: true, stderr: output };
    throw new PushFailed({ cause: new GitCommandFailed(['push'], result) });
  }

  /** The last commit up to `head` that carries `Rollbot-Request: <id>`, if any (exactly-once on retry). */
  async findCommitByRequest(requestId: string, file: string, head: string): Promise<string | null> {
    const result = await git(
      ['log', '-n', '20', '--format=%H', '--fixed-strings', `--grep=Rollbot-Request: ${requestId}`, head, '--', file],
      this.dir,
      { allowFailure: true },
    );
    return result.stdout.trim().split('\n')[0] || null;
  }

  /** The change between two commits, in these files. */
  async diff(from: string, to: string, files: string[]): Promise<string> {
    return (await git(['diff', '--no-color', from, to, '--', ...files], this.dir)).stdout;
  }
}
