import type { EnvironmentConfig } from '../config/schema.js';
import { locateServiceFile, type LocateOptions } from '../flux/locate.js';
import type { FluxWorkspace } from '../flux/workspace.js';
import type { RepoTree } from '../flux/repo-tree.js';
import { silentReporter, StepTracker, type Clock, type Reporter } from '../progress.js';
import { validatePrNumber, validateServiceName, validateSha } from '../validate.js';
import type { SourceMirror } from './commit-lookup.js';
import { commitRange, type CommitInfo, type Direction } from './commit-range.js';
import { findReleaseImage } from './image-lookup.js';
import type { ImageRegistry } from './registry-client.js';
import { commitOfTag } from './tag-commit.js';
import type { TagTemplate } from './tag-template.js';

export interface PrepareReleaseInput {
  env: EnvironmentConfig;
  service: string;
  /** The commit to release: a full SHA or a prefix of at least 7 hex characters. */
  sha: string;
  /** `--tag`: the image tag to deploy, instead of the one the template gives. */
  tag?: string;
  /** Only needed by templates with {pr}. */
  pr?: number;
  sourceRepo: SourceMirror;
  registry: ImageRegistry;
  /** A clone of the environment's Flux repo, read-only here (synced, then read, under its lock). */
  workspace: FluxWorkspace;
  /** The catalog's fluxPath for the service, when there is one (config overrides win). */
  fluxPath?: string;
  /** A site picked after an ambiguous first try (`file:path`). */
  site?: string;
  /** The catalog's setter policy for the service (config overrides win). */
  imagePolicy?: string;
  /** The environment's own files (the engine's scopeOf), so a release reads where it will write. */
  scopeOf?: (tree: RepoTree) => Promise<LocateOptions['scope']>;
  template: TagTemplate;
  clock?: Clock;
  /** Commits listed in the summary; the rest are counted ("and N more"). */
  commitLimit?: number;
}

export type ReleaseDirection = Direction | 'unknown';

export interface ReleasePlan {
  service: string;
  env: string;
  /** The Flux file that holds the tag, and the Flux repo commit it was read at. */
  file: string;
  fluxCommit: string;
  sourceRepo: string;
  fromTag: string | null;
  fromSha?: string;
  /** Why fromSha is missing (a tag that names no commit we know). */
  fromNote?: string;
  toTag: string;
  toSha: string;
  /** Commits the release brings, newest first, capped at commitLimit. */
  commits: CommitInfo[];
  moreCount: number;
  /** Commits prod has that this release takes away (backwards or unrelated releases). */
  removedCommits: CommitInfo[];
  removedMoreCount: number;
  direction: ReleaseDirection;
  image: { ref: string; digest: string; mediaType?: string };
  /** The site the requester picked (`file:path`); the apply writes exactly there. */
  site?: string;
}

export const RELEASE_STEPS = [
  ['verify', 'Verify commit'],
  ['image', 'Check image'],
  ['current', 'Read current prod'],
  ['commits', 'List commits'],
] as const;

/**
 * Seed 001's release preparation: verify the commit, find its image in the registry, read what the
 * environment runs now, and list what changes. Nothing is written anywhere: the plan is shown for
 * approval, and only then does the caller open a PR / ticket.
 */
export async function prepareRelease(input: PrepareReleaseInput, reporter: Reporter = silentReporter): Promise<ReleasePlan> {
  const service = validateServiceName(input.service);
  const requested = validateSha(input.sha);
  const pr = input.pr === undefined ? undefined : validatePrNumber(input.pr);
  const clock = input.clock ?? Date.now;
  const steps = new StepTracker(`Release of ${service} to ${input.env.name}`, RELEASE_STEPS, reporter, clock);
  const mirror = input.sourceRepo;

  const toSha = await steps.run('verify', () => mirror.resolveCommit(requested), (sha) => sha.slice(0, 12));
  const image = await steps.run(
    'image',
    () => findReleaseImage(input.registry, { service, sha: toSha, pr, tag: input.tag, template: input.template, clock }),
    (i) => `${i.tag} (${i.digest.slice(0, 19)}…)`,
  );
  const current = await steps.run(
    'current',
    () =>
      readCurrentTag(input.workspace, service, input.env.services[service]?.fluxPath ?? input.fluxPath, input.env.fluxRoot, {
        site: input.site,
        container: input.env.services[service]?.container,
        imagePath: input.env.services[service]?.imagePath,
        imagePolicy: input.env.services[service]?.imagePolicy ?? input.imagePolicy,
        scopeOf: input.scopeOf,
      }),
    (c) => `${c.tag ?? '(no tag)'} in ${c.file}`,
  );
  const { from, range } = await steps.run(
    'commits',
    async () => {
      const from = await commitOfTag(mirror.dir, mirror.label, current.tag, input.template);
      const range = from.sha ? await commitRange(mirror.dir, from.sha, toSha, input.commitLimit ?? 20) : null;
      return { from, range };
    },
    ({ range }) => (range ? `${range.direction}, ${range.included.commits.length + range.included.moreCount} new` : 'prod commit unknown'),
  );

  return {
    service,
    env: input.env.name,
    file: current.file,
    fluxCommit: current.fluxCommit,
    sourceRepo: mirror.label,
    fromTag: current.tag,
    fromSha: from.sha,
    fromNote: from.note,
    toTag: image.tag,
    toSha,
    commits: range?.included.commits ?? [],
    moreCount: range?.included.moreCount ?? 0,
    removedCommits: range?.removed.commits ?? [],
    removedMoreCount: range?.removed.moreCount ?? 0,
    direction: range?.direction ?? 'unknown',
    image: { ref: image.ref, digest: image.digest, mediaType: image.mediaType },
    ...(input.site ? { site: input.site } : {}),
  };
}

/** Sync the Flux clone, find the service's file and read its tag; nothing is edited. */
export async function readCurrentTag(
  workspace: FluxWorkspace,
  service: string,
  fluxPath: string | undefined,
  fluxRoot: string | undefined,
  overrides: Pick<LocateOptions, 'site' | 'container' | 'imagePath' | 'imagePolicy'> & { scopeOf?: (tree: RepoTree) => Promise<LocateOptions['scope']> } = {},
): Promise<{ file: string; tag: string | null; fluxCommit: string }> {
  // Sync resets the clone: take turns with rollouts and regenerations on the same clone.
  return workspace.exclusive(async () => {
    const fluxCommit = await workspace.sync();
    const { scopeOf, ...rest } = overrides;
    const tree = workspace.tree(fluxCommit);
    const scope = await scopeOf?.(tree);
    const located = await locateServiceFile(tree, service, { fluxPath: overrides.site ? undefined : fluxPath, fluxRoot, scope, ...rest });
    return { file: located.file, tag: located.sites.find((s) => s.part !== 'name')?.current ?? null, fluxCommit };
  });
}
