import { RollbotError } from '../errors.js';

/** The code host could not be reached: network, DNS, a timeout, a 5xx. Retrying can help. */
export class GitHubUnreachable extends RollbotError {
  readonly code = 'github_unreachable';
  override readonly transient = true;
}

/** 401/403: the credentials are wrong, expired or lack a permission. */
export class GitHubAccessDenied extends RollbotError {
  readonly code = 'github_access_denied';
}

export class GitHubRateLimited extends RollbotError {
  readonly code = 'github_rate_limited';
  override readonly transient = true;
  constructor(
    readonly resetAt: Date,
    baseUrl: string,
  ) {
    super(
      `GitHub at ${baseUrl} says rollbot used up its API rate limit; it resets at ${resetAt.toISOString().slice(11, 16)} UTC (${resetAt.toISOString().slice(0, 10)}). Try again after that, or pass the PR number with --sha <commit> to skip the lookup.`,
    );
  }
}

export class GitHubRepoNotFound extends RollbotError {
  readonly code = 'github_repo_not_found';
}
