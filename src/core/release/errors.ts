import { RollbotError } from '../errors.js';

/**
 * Failures of `/release` a person can act on. Each message names the thing (image, commit,
 * registry URL, credential) and the next step, because it is shown as-is in Slack.
 */

export class ImageNotFound extends RollbotError {
  readonly code = 'image_not_found';
  // A build may still be pushing: the same check can succeed in a few minutes.
  override readonly transient = true;
  constructor(
    readonly image: string,
    readonly tag: string,
  ) {
    super(`Image ${image}:${tag} is not in the registry yet. Wait for the build to push it, then press Retry check.`);
  }
}

/** No tag in the registry matches the template for this commit (e.g. no `main-<sha7>-<ts>` yet). */
export class NoMatchingImageTag extends RollbotError {
  readonly code = 'image_tag_not_found';
  override readonly transient = true;
  constructor(
    readonly image: string,
    readonly pattern: string,
  ) {
    super(
      `No tag matching ${pattern} for ${image} is in the registry yet. Wait for the build to push it, then press Retry check (or pass --tag <tag>).`,
    );
  }
}

export class RegistryUnauthorized extends RollbotError {
  readonly code = 'registry_unauthorized';
  /** `fix` names the credentials to change; the client knows which ones it sent. */
  constructor(registryUrl: string, detail: string, fix: string) {
    super(`The registry at ${registryUrl} refused access (${detail}). ${fix}`);
  }
}

export class RegistryUnreachable extends RollbotError {
  readonly code = 'registry_unreachable';
  override readonly transient = true;
  constructor(registryUrl: string, detail: string, options?: { cause?: unknown }) {
    super(
      `Could not reach the registry at ${registryUrl} (${detail}). Check registry.url for this environment and that the worker can reach it, then try again.`,
      options,
    );
  }
}

export class CommitNotFound extends RollbotError {
  readonly code = 'commit_not_found';
  constructor(
    readonly sha: string,
    readonly repo: string,
  ) {
    super(`Commit ${sha} was not found in ${repo}. Check the SHA or push it first.`);
  }
}

export class AmbiguousCommit extends RollbotError {
  readonly code = 'ambiguous_commit';
  constructor(
    readonly prefix: string,
    readonly repo: string,
    readonly candidates: string[],
  ) {
    super(
      `Commit prefix ${prefix} matches several commits in ${repo}: ${candidates.map((c) => `\`${c.slice(0, 12)}\``).join(', ')}. Give more characters of the SHA.`,
    );
  }
}

export class SourceRepoUnavailable extends RollbotError {
  readonly code = 'source_repo_unavailable';
  override readonly transient = true;
}

/** The configured tag template cannot make a tag for this request (e.g. it needs a PR number). */
export class TagTemplateUnusable extends RollbotError {
  readonly code = 'tag_template_unusable';
}

/** GitHub or Jira failed; `transient` when the same call may work later (5xx, network). */
abstract class ServiceCallFailed extends RollbotError {
  override readonly transient: boolean;
  constructor(message: string, options: { cause?: unknown; transient?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.transient = options.transient ?? false;
  }
}

export class PullRequestFailed extends ServiceCallFailed {
  readonly code = 'pull_request_failed';
}

export class TicketFailed extends ServiceCallFailed {
  readonly code = 'ticket_failed';
}
