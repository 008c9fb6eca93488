import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { InvalidInput } from '../errors.js';
import { git, GitCommandFailed } from '../flux/git.js';
import { KeyedMutex } from '../keyed-mutex.js';
import { validateSha } from '../validate.js';
import { AmbiguousCommit, CommitNotFound, SourceRepoUnavailable } from './errors.js';

// One fetch at a time per mirror in this process; concurrent releases of a service share it.
const mirrorLocks = new KeyedMutex();

/** A repository URL without credentials, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]*@/i, '$1');
}

/**
 * A bare mirror of a service's source repository, cached under the data dir: cloned once, then
 * fetched (with prune) before each lookup, so a commit pushed a minute ago is found and a deleted
 * branch does not linger. A mirror has every ref, including GitHub's refs/pull/*.
 */
export class SourceMirror {
  readonly dir: string;
  /** The URL as shown to people (credentials removed). */
  readonly label: string;

  constructor(
    readonly repoUrl: string,
    dataDir: string,
  ) {
    this.label = redactUrl(repoUrl);
    // Keyed by the URL so two services (or a changed URL) never share a mirror.
    const id = createHash('sha256').update(repoUrl).digest('hex').slice(0, 12);
    const name = basename(this.label.replace(/\/+$/, '')).replace(/\.git$/, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'repo';
    this.dir = join(dataDir, 'source-mirrors', `${name}-${id}.git`);
  }

  /** Clones on first use, else fetches. Either way the mirror matches the remote afterwards. */
  async sync(): Promise<void> {
    await mirrorLocks.run(this.dir, async () => {
      if (existsSync(join(this.dir, 'HEAD'))) {
        await this.attempt('fetch', ['fetch', '--quiet', '--prune', '--no-write-fetch-head', 'origin'], this.dir);
        return;
      }
      // Clone beside the target and rename, so a failed clone never leaves a half-mirror behind.
      const temp = `${this.dir}.tmp-${randomBytes(4).toString('hex')}`;
      await mkdir(join(this.dir, '..'), { recursive: true });
      try {
        await this.attempt('clone', ['clone', '--quiet', '--mirror', '--', this.repoUrl, temp]);
        await rm(this.dir, { recursive: true, force: true });
        await rename(temp, this.dir);
      } finally {
        await rm(temp, { recursive: true, force: true });
      }
    });
  }

  /** Syncs, then resolves a SHA or prefix (at least 7 hex characters) to the full commit SHA. */
  async resolveCommit(raw: string): Promise<string> {
    const sha = validateSha(raw);
    await this.sync();
    return resolveCommitIn(this.dir, sha, this.label);
  }

  private async attempt(what: string, args: string[], cwd?: string): Promise<void> {
    try {
      await git(args, cwd);
    } catch (error) {
      const detail = error instanceof GitCommandFailed ? lastLine(error.result.stderr) : String(error);
      throw new SourceRepoUnavailable(
        `Could not ${what} the source repository ${this.label} (${detail}). Check the service's sourceRepo and the worker's git credentials, then try again.`,
        { cause: error },
      );
    }
  }
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter(Boolean);
  return (lines.find((l) => l.startsWith('fatal:')) ?? lines[lines.length - 1] ?? 'no output').replace(/^fatal:\s*/, '');
}

/**
 * Resolves a hex prefix to a commit in a repository. The public path (SourceMirror) insists on 7+
 * characters; `minLength` exists so tests can show the ambiguity handling with short prefixes.
 */
export async function resolveCommitIn(gitDir: string, prefix: string, repoLabel: string, minLength = 7): Promise<string> {
  const hex = prefix.trim().toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex) || hex.length < Math.max(minLength, 4) || hex.length > 64) {
    throw new InvalidInput(`'${prefix}' is not a commit SHA. Give at least ${minLength} hex characters, for example \`a1b2c3d\`.`);
  }
  // `^{commit}` makes git prefer commits when a prefix also matches a tree or blob.
  const direct = await git(['rev-parse', '--verify', '--quiet', `${hex}^{commit}`], gitDir, { allowFailure: true });
  if (direct.exitCode === 0 && /^[0-9a-f]{40,64}$/.test(direct.stdout.trim())) return direct.stdout.trim();

  const candidates = await commitsWithPrefix(gitDir, hex);
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length > 1) throw new AmbiguousCommit(hex, repoLabel, candidates);
  throw new CommitNotFound(hex, repoLabel);
}

/** Every commit whose id starts with the prefix (trees, blobs and tags are left out). */
export async function commitsWithPrefix(gitDir: string, hex: string): Promise<string[]> {
  const listed = await git(['rev-parse', `--disambiguate=${hex}`], gitDir, { allowFailure: true });
  const objects = listed.stdout.split('\n').map((l) => l.trim()).filter((l) => /^[0-9a-f]{40,64}$/.test(l));
  if (objects.length === 0) return [];
  const types = await git(['cat-file', '--batch-check=%(objectname) %(objecttype)'], gitDir, { input: `${objects.join('\n')}\n` });
  return types.stdout
    .split('\n')
    .map((line) => line.split(' '))
    .filter(([, type]) => type === 'commit')
    .map(([sha]) => sha!)
    .sort();
}
