import { git } from '../flux/git.js';
import type { LocatedFile } from '../flux/locate.js';
import { findImageSites } from '../flux/sites/image-site-finder.js';
import { pathText } from '../flux/sites/image-site.js';

/** How a tag got there, read from the commit subject rollbot writes (anything else is `manual`). */
export type TagChangeKind = 'rollout' | 'release' | 'rollback' | 'manual';

/** One tag a service had: the commit that set it, who asked and when. Newest first in a history. */
export interface TagChange {
  tag: string;
  commit: string;
  /** Commit time, epoch ms. */
  at: number;
  /** The `Requested-by` trailer (a Slack user id or a terminal user); absent for hand-made commits. */
  requestedBy?: string;
  author: string;
  subject: string;
  kind: TagChangeKind;
  /** The PR a `ps-<pr>-<sha7>` tag was built from. */
  pr?: number;
  /** The newest entry: what the environment has now. */
  current: boolean;
}

export interface TagHistory {
  file: string;
  changes: TagChange[];
  /** True when older commits were not read (the scan stops after `maxCommits`). */
  truncated: boolean;
}

const FIELD = '\x1f';
const RECORD = '\x1e';

function kindOf(subject: string): TagChangeKind {
  if (/^revert\([^)]*\): roll back to /.test(subject)) return 'rollback';
  if (/^release\([^)]*\): /.test(subject)) return 'release';
  if (/^chore\([^)]*\): update image tag to /.test(subject)) return 'rollout';
  return 'manual';
}

/** The tag in one revision of the file: the value at the chosen site's key path then. */
function tagIn(text: string, located: LocatedFile, _service: string): string | null {
  const site = located.sites.find((s) => s.file === located.file) ?? located.sites[0];
  if (!site) return null;
  const path = pathText(site.path);
  try {
    const sites = findImageSites(text, located.file, site.form === 'configured-path' ? { imagePaths: [path] } : {});
    const same = sites.find((s) => s.docIndex === site.docIndex && pathText(s.path) === path) ?? sites.find((s) => pathText(s.path) === path);
    return same?.current ?? null;
  } catch {
    return null; // a revision that was not valid YAML, or had no tag: not a deploy
  }
}

/** Reads many `<commit>:<path>` blobs with one `git cat-file --batch`. */
async function blobsAt(repoDir: string, commits: string[], file: string): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  if (commits.length === 0) return out;
  const { stdout } = await git(['cat-file', '--batch'], repoDir, { input: commits.map((c) => `${c}:${file}`).join('\n') + '\n' });
  // stdout is text here; blob sizes are in bytes, so walk a Buffer.
  const buffer = Buffer.from(stdout + '\n', 'utf8');
  let offset = 0;
  for (const commit of commits) {
    const eol = buffer.indexOf(0x0a, offset);
    const header = buffer.subarray(offset, eol).toString('utf8');
    offset = eol + 1;
    const match = /^[0-9a-f]+ blob (\d+)$/.exec(header);
    if (!match) {
      out.set(commit, null); // "missing": the file did not exist at that commit
      continue;
    }
    const size = Number(match[1]);
    out.set(commit, buffer.subarray(offset, offset + size).toString('utf8'));
    offset += size + 1;
  }
  return out;
}

/**
 * The tags a service had, from the Flux repo's history of the file that holds its tag: one entry
 * per change of the tag (a commit that touched the file but not the tag is not one), newest first.
 */
export async function readTagHistory(
  repoDir: string,
  located: LocatedFile,
  service: string,
  options: { limit: number; maxCommits?: number },
): Promise<TagHistory> {
  const maxCommits = options.maxCommits ?? 500;
  const format = ['%H', '%ct', '%an', '%s', '%(trailers:key=Requested-by,valueonly,separator=%x2C)'].join('%x1f') + '%x1e';
  const { stdout } = await git(['log', `-n${maxCommits + 1}`, `--format=${format}`, 'HEAD', '--', located.file], repoDir);
  const commits = stdout
    .split(RECORD)
    .map((r) => r.replace(/^\n/, ''))
    .filter(Boolean)
    .map((record) => {
      const [commit, time, author, subject, requestedBy] = record.split(FIELD);
      return { commit: commit!, at: Number(time) * 1000, author: author!, subject: subject!, requestedBy: requestedBy?.trim() || undefined };
    });
  const truncated = commits.length > maxCommits;
  const scanned = commits.slice(0, maxCommits);
  const blobs = await blobsAt(repoDir, scanned.map((c) => c.commit), located.file);
  // Oldest first: a change is a commit whose tag differs from the one before it.
  const changes: TagChange[] = [];
  let previous: string | null = null;
  for (const c of [...scanned].reverse()) {
    const text = blobs.get(c.commit);
    const tag = text == null ? null : tagIn(text, located, service);
    if (tag !== null && tag !== previous) {
      const pr = /^ps-(\d+)-[0-9a-f]{7}$/.exec(tag)?.[1];
      changes.push({ tag, ...c, kind: kindOf(c.subject), pr: pr ? Number(pr) : undefined, current: false });
    }
    previous = tag;
  }
  changes.reverse();
  if (changes[0]) changes[0].current = true;
  return { file: located.file, changes: changes.slice(0, options.limit), truncated };
}

/** A commit SHA a tag names (`ps-42-abc1234`, `main-abc1234-1700000000`), if any. */
export function shaInTag(tag: string): string | undefined {
  return /(?:^|[-_.])([0-9a-f]{7,40})(?:$|[-_.])/.exec(tag)?.[1];
}
