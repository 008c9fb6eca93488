import { InvalidInput } from '../errors.js';
import type { Clock } from '../progress.js';
import { validateImageTag } from '../validate.js';
import { NoMatchingImageTag } from './errors.js';
import type { ImageRef, ImageRegistry } from './registry-client.js';
import { describePattern, isTimestamped, newestTagFor, parseTagWithAny, renderTag, templatesToTry, type TagTemplate } from './tag-template.js';

export interface ImageLookup {
  service: string;
  /** Full SHA of the commit being released. */
  sha: string;
  pr?: number;
  /** `--tag`: wins over the template. */
  tag?: string;
  template: TagTemplate;
  clock?: Clock;
}

/**
 * Finds the image a release will deploy. An explicit tag is checked as given; a template without
 * {ts} is rendered and checked; a template with {ts} cannot be rendered (the build chose the time),
 * so the registry's tags are searched for the newest one the template made for this commit.
 */
export async function findReleaseImage(registry: ImageRegistry, lookup: ImageLookup): Promise<ImageRef> {
  if (lookup.tag) return registry.requireImage(lookup.service, checkExplicitTag(lookup));
  const commit = { sha: lookup.sha, pr: lookup.pr };
  if (!isTimestamped(lookup.template)) {
    return registry.requireImage(lookup.service, renderTag(lookup.template, { ...commit, clock: lookup.clock }));
  }
  const tag = newestTagFor(lookup.template, await registry.listServiceTags(lookup.service), commit);
  if (!tag) throw new NoMatchingImageTag(registry.imageName(lookup.service), describePattern(lookup.template, commit));
  return registry.requireImage(lookup.service, tag);
}

/**
 * A `--tag` that reads as another commit's build would deploy code the summary does not list:
 * refuse it. A tag no template can read (e.g. v1.2.3) is the user's call and passes.
 */
function checkExplicitTag(lookup: ImageLookup): string {
  const tag = validateImageTag(lookup.tag!);
  const parsed = parseTagWithAny(templatesToTry(lookup.template), tag);
  const named = parsed?.sha ?? parsed?.sha7;
  if (named && !lookup.sha.startsWith(named)) {
    throw new InvalidInput(
      `Tag ${tag} is the build of commit ${named.slice(0, 7)}, not ${lookup.sha.slice(0, 7)}. Pass the tag of ${lookup.sha.slice(0, 7)}'s build, or leave --tag out to find it.`,
    );
  }
  return tag;
}
