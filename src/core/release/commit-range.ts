import { git } from '../flux/git.js';

export interface CommitInfo {
  sha: string;
  subject: string;
  author: string;
  /** Commit time, unix seconds. */
  time: number;
}

/**
 * How the new commit relates to what prod runs: `forward` (prod's commit is an ancestor),
 * `backwards` (the new commit is an ancestor of prod's: a rollback), `unrelated` (neither: a
 * release from another branch, which drops commits prod has), or `same`.
 */
export type Direction = 'forward' | 'backwards' | 'unrelated' | 'same';

export interface CommitList {
  /** Newest first, at most the limit. */
  commits: CommitInfo[];
  /** How many more there are beyond the limit ("and N more"). */
  moreCount: number;
}

export interface CommitRange {
  direction: Direction;
  /** Commits the release brings to prod: `from..to`. */
  included: CommitList;
  /** Commits prod has that the release takes away: `to..from` (empty going forward). */
  removed: CommitList;
}

// Unit and record separators cannot appear in a one-line subject or a name.
const FIELD = '\x1f';
const RECORD = '\x1e';

/** `git log` of a range, newest first, capped at `limit`, plus the count of the rest. */
export async function listCommits(gitDir: string, range: string, limit: number): Promise<CommitList> {
  const count = Number((await git(['rev-list', '--count', range, '--'], gitDir)).stdout.trim());
  if (count === 0 || limit <= 0) return { commits: [], moreCount: count };
  const log = await git(
    ['log', `--max-count=${limit}`, `--format=%H${FIELD}%an${FIELD}%ct${FIELD}%s${RECORD}`, range, '--'],
    gitDir,
  );
  const commits = log.stdout
    .split(RECORD)
    .map((r) => r.replace(/^\n/, ''))
    .filter(Boolean)
    .map((record) => {
      const [sha, author, time, subject] = record.split(FIELD);
      return { sha: sha!, author: author ?? '', time: Number(time), subject: subject ?? '' };
    });
  return { commits, moreCount: Math.max(count - commits.length, 0) };
}

/** True when `ancestor` is reachable from `descendant` (exit 0 yes, 1 no, anything else a failure). */
export async function isAncestor(gitDir: string, ancestor: string, descendant: string): Promise<boolean> {
  const result = await git(['merge-base', '--is-ancestor', ancestor, descendant], gitDir, { allowFailure: true });
  if (result.exitCode === 0) return true;
  if (result.exitCode === 1) return false;
  throw new Error(`git merge-base --is-ancestor ${ancestor} ${descendant} failed: ${result.stderr.trim()}`);
}

export async function directionOf(gitDir: string, from: string, to: string): Promise<Direction> {
  if (from === to) return 'same';
  if (await isAncestor(gitDir, from, to)) return 'forward';
  if (await isAncestor(gitDir, to, from)) return 'backwards';
  return 'unrelated';
}

/** What changes when prod moves from `from` to `to`: both full SHAs present in `gitDir`. */
export async function commitRange(gitDir: string, from: string, to: string, limit: number): Promise<CommitRange> {
  const direction = await directionOf(gitDir, from, to);
  const none: CommitList = { commits: [], moreCount: 0 };
  return {
    direction,
    included: direction === 'forward' || direction === 'unrelated' ? await listCommits(gitDir, `${from}..${to}`, limit) : none,
    removed: direction === 'backwards' || direction === 'unrelated' ? await listCommits(gitDir, `${to}..${from}`, limit) : none,
  };
}
