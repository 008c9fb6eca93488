import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import lockfile from 'proper-lockfile';
import { dirname, join } from 'node:path';
import type { EnvironmentConfig } from '../config/schema.js';
import { GitUnavailable, PushFailed } from '../errors.js';
import { KeyedMutex } from '../keyed-mutex.js';
import { git, GitCommandFailed, gitFailureDetail, isPushRace } from './git.js';
import { BatchCommitWriter } from './batch-commit-writer.js';

export interface GitIdentity {
  authorName: string;
  authorEmail: string;
}

/** Identifies this process to the clones it uses (who touched a clone last). */
const PROCESS_TOKEN = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;

export type PushOutcome = { ok: true } | { ok: false; race: true; stderr: string };

/** What this process knows about a clone: whether its tree is exactly its HEAD, and its remote URL. */
interface CloneState {
  clean: boolean;
  url?: string;
}

/**
 * A clone of one environment's Flux repo, cached under the data dir. Before every job it is brought
 * to the remote branch head. A tree this process has not seen clean since it started (or that a job
 * left half-edited) is never trusted: it gets a hard reset and a clean. A tree every job of this
 * process left clean only moves when the remote moved, which keeps the per-job cost low.
 */
export class FluxWorkspace {
  /** One working tree, one user at a time, across every job in this process. */
  private static readonly locks = new KeyedMutex();
  private static readonly states = new Map<string, CloneState>();
  readonly dir: string;
  /** Set between startCommits and finishCommits: a batch's commits go through one fast-import. */
  private writer?: BatchCommitWriter;

  constructor(
    readonly env: EnvironmentConfig,
    dataDir: string,
    private readonly identity: GitIdentity,
  ) {
    this.dir = join(dataDir, 'flux-repos', env.name);
  }

  /**
   * Runs `work` with this clone to itself (rollouts, regenerations and reads all sync it): one job at
   * a time in this process, and a lock file for other processes sharing the data dir. A clone that
   * another process used since this one last did is not trusted to be clean.
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
      const ownerFile = join(this.dir, '.git', 'rollbot-owner');
      try {
        if ((await readFile(ownerFile, 'utf8').catch(() => '')) !== PROCESS_TOKEN) this.state.clean = false;
        return await work();
      } finally {
        if (existsSync(join(this.dir, '.git'))) await writeFile(ownerFile, PROCESS_TOKEN).catch(() => undefined);
        await release();
      }
    });
  }

  get remoteRef(): string {
    return `refs/remotes/origin/${this.env.branch}`;
  }

  private get state(): CloneState {
    let state = FluxWorkspace.states.get(this.dir);
    if (!state) FluxWorkspace.states.set(this.dir, (state = { clean: false }));
    return state;
  }

  /** Clone on first use, then fetch and bring the tree to the remote head. Returns the head SHA. */
  async sync(): Promise<string> {
    const state = this.state;
    if (!existsSync(join(this.dir, '.git'))) {
      await this.clone();
      state.clean = true;
      state.url = this.env.fluxGitRepo;
    } else {
      if (state.url !== this.env.fluxGitRepo) {
        await git(['remote', 'set-url', 'origin', this.env.fluxGitRepo], this.dir);
        state.url = this.env.fluxGitRepo;
      }
      await this.fetch();
    }
    const [head, remote] = (await git(['rev-parse', 'HEAD', this.remoteRef], this.dir)).stdout.trim().split('\n');
    if (!state.clean) {
      await git(['reset', '--quiet', '--hard', this.remoteRef], this.dir);
      await git(['clean', '-qfdx'], this.dir);
      state.clean = true;
    } else if (head !== remote) {
      await git(['reset', '--quiet', '--hard', this.remoteRef], this.dir);
    }
    return remote!;
  }

  /** Before editing files: until a commit or a sync puts it right, the tree is not trusted. */
  markDirty(): void {
    this.state.clean = false;
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
    const detail = error instanceof GitCommandFailed ? gitFailureDetail(error.result.stderr) : String(error);
    return new GitUnavailable(
      `Could not fetch branch '${this.env.branch}' of the Flux repo for '${this.env.name}' (${detail}). Check fluxGitRepo, the branch and the credentials, then try again.`,
      { cause: error },
    );
  }

  /**
   * Commits the one edited file on top of `parent`; the trailers record who asked and which request
   * made it. One `git fast-import` writes the blob, tree and commit (a porcelain commit would first
   * stat every file of a large repo), then the index learns the new blob so the tree stays clean.
   */
  async commitFile(file: string, subject: string, trailers: Record<string, string>, parent: string): Promise<string> {
    return this.commitFiles([file], subject, trailers, parent);
  }

  /** The same for several edited files (one policy's setter markers may be in more than one). */
  async commitFiles(files: string[], subject: string, trailers: Record<string, string>, parent: string): Promise<string> {
    for (const file of files) {
      if (file.includes('\n') || file.startsWith('"')) throw new Error(`internal: cannot commit a path like ${JSON.stringify(file)}`);
    }
    const body = Object.entries(trailers)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n');
    const message = body ? `${subject}\n\n${body}\n` : `${subject}\n`;
    const who = `${this.identity.authorName} <${this.identity.authorEmail}> ${Math.floor(Date.now() / 1000)} +0000`;
    const items = await Promise.all(
      files.map(async (file) => ({
        file,
        content: await readFile(join(this.dir, file)),
        mode: (await stat(join(this.dir, file))).mode & 0o111 ? '100755' : '100644',
      })),
    );
    if (this.writer) return this.writer.commit(items, message, who, parent);
    const marks = join(this.dir, '.git', 'rollbot-marks');
    const parts: Buffer[] = [];
    const modes = items.map((item) => item.mode);
    for (const [i, item] of items.entries()) {
      parts.push(Buffer.from(`blob\nmark :${i + 10}\ndata ${item.content.length}\n`), item.content, Buffer.from('\n'));
    }
    const changes = files.map((file, i) => `M ${modes[i]} :${i + 10} ${file}\n`).join('');
    parts.push(
      Buffer.from(
        `commit refs/heads/${this.env.branch}\nmark :2\nauthor ${who}\ncommitter ${who}\ndata ${Buffer.byteLength(message)}\n${message}\nfrom ${parent}\n${changes}\n`,
      ),
    );
    await git(['fast-import', '--quiet', `--export-marks=${marks}`], this.dir, { input: Buffer.concat(parts) });
    const ids = Object.fromEntries((await readFile(marks, 'utf8')).trim().split('\n').map((line) => line.split(' ')));
    for (const [i, file] of files.entries()) {
      await git(['update-index', '--add', '--cacheinfo', `${modes[i]},${ids[`:${i + 10}`]},${file}`], this.dir);
    }
    this.state.clean = true;
    return ids[':2']!;
  }

  /**
   * A batch of rollouts: until finishCommits, commitFile writes through one long-lived fast-import
   * (a process per commit costs more than the commit). Each commit id is known at once; objects,
   * the branch ref and the index are written by finishCommits, before the push.
   */
  startCommits(): void {
    this.writer?.abort();
    this.writer = new BatchCommitWriter(this.dir, this.env.branch);
  }

  async finishCommits(): Promise<void> {
    const writer = this.writer;
    this.writer = undefined;
    if (!writer) return;
    const entries = await writer.finish();
    if (entries.length === 0) return;
    const info = entries.map((e) => `${e.mode} ${e.blob}\t${e.file}`).join('\n');
    await git(['update-index', '--index-info'], this.dir, { input: `${info}\n` });
    this.state.clean = true;
  }

  /** Drops a batch's unfinished commits: no ref moves (edits left in the tree need markDirty). */
  abortCommits(): void {
    this.writer?.abort();
    this.writer = undefined;
  }

  /**
   * Pushes HEAD to the environment's branch, or (PR mode) to a branch of its own, which a retry
   * overwrites. A race (someone pushed first) is an outcome, anything else an error.
   */
  async push(branch?: string): Promise<PushOutcome> {
    const target = branch ? ['--force', 'origin', `HEAD:refs/heads/${branch}`] : ['origin', `HEAD:refs/heads/${this.env.branch}`];
    const result = await git(['push', '--quiet', '--porcelain', ...target], this.dir, { allowFailure: true });
    if (result.exitCode === 0) return { ok: true };
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

  async diff(file: string | string[]): Promise<string> {
    return (await git(['diff', '--no-color', '--', ...(typeof file === 'string' ? [file] : file)], this.dir)).stdout;
  }
}
