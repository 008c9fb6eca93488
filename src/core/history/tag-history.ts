import { git } from '../flux/git.js';
import type { RepoTree } from '../flux/repo-tree.js';
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

/** The file at each commit, through the clone's long-lived `cat-file --batch` (requests pipelined). */
async function blobsAt(tree: RepoTree, commits: string[], file: string): Promise<Map<string, string | null>> {
  const texts = await Promise.all(commits.map((c) => tree.at(c).read(file)));
  return new Map(commits.map((c, i) => [c, texts[i]!]));
}

/**
 * The tags a service had, from the Flux repo's history of the file that holds its tag: one entry
 * per change of the tag (a commit that touched the file but not the tag is not one), newest first.
 */
export async function readTagHistory(
  tree: RepoTree,
  located: LocatedFile,
  service: string,
  options: { limit: number; maxCommits?: number },
): Promise<TagHistory> {
  const maxCommits = options.maxCommits ?? 500;
  const format = ['%H', '%ct', '%an', '%s', '%(trailers:key=Requested-by,valueonly,separator=%x2C)'].join('%x1f') + '%x1e';
  const { stdout } = await git(['log', `-n${maxCommits + 1}`, `--format=${format}`, tree.commit, '--', located.file], tree.gitDir);
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
  const blobs = await blobsAt(tree, scanned.map((c) => c.commit), located.file);
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
