import { isRollbotError } from '../errors.js';
import { resolveCommitIn } from './commit-lookup.js';
import { parseTagWithAny, templatesToTry, type TagTemplate } from './tag-template.js';

export interface TagCommit {
  /** The full SHA behind the tag, when the tag names a commit that the repository has. */
  sha?: string;
  /** Why there is no SHA, as a sentence for the release summary. */
  note?: string;
}

/**
 * The commit behind a tag that prod runs: read the sha7 (or sha) back out of the tag with the
 * release template, or with the seeds' templates (prod may still run a `/rollout`'s ps- tag), then
 * resolve it in the source mirror. A tag nobody can read is not an error: the release goes on
 * without a commit list, and the summary says why.
 */
export async function commitOfTag(gitDir: string, repoLabel: string, tag: string | null, template: TagTemplate): Promise<TagCommit> {
  if (!tag) return { note: 'Prod has no image tag yet, so there is nothing to compare with.' };
  const templates = templatesToTry(template);
  const parsed = parseTagWithAny(templates, tag);
  const prefix = parsed?.sha ?? parsed?.sha7;
  if (!prefix) {
    return {
      note: `Prod's tag ${tag} does not follow ${templates.map((t) => t.source).join(' or ')}, so its commit is unknown and no commit list is shown.`,
    };
  }
  try {
    return { sha: await resolveCommitIn(gitDir, prefix, repoLabel) };
  } catch (error) {
    if (!isRollbotError(error)) throw error;
    return { note: `Prod's tag ${tag} names commit ${prefix}, but: ${error.userMessage}` };
  }
}
