import { GitHubAccessDenied, GitHubRateLimited, GitHubRepoNotFound, GitHubUnreachable } from '../core/pulls/errors.js';
import type { RollbotError } from '../core/errors.js';

/** The parts of Octokit's RequestError we read (duck-typed: @octokit/request-error is not a direct dependency). */
export interface HttpFailure {
  name?: string;
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: { message?: string } };
}

export function failureOf(error: unknown): HttpFailure {
  return typeof error === 'object' && error !== null ? (error as HttpFailure) : { message: String(error) };
}

export function isNotFound(error: unknown): boolean {
  return failureOf(error).status === 404;
}

/**
 * One sentence per way a GitHub read fails, each saying what to do: unreachable, refused
 * credentials, a rate limit (with its reset time), a permission, a repository rollbot cannot see.
 */
export function explainGitHubFailure(error: unknown, context: { baseUrl: string; repo: string; credentials: string; timeoutMs: number }): RollbotError {
  const failure = failureOf(error);
  const says = failure.response?.data?.message ?? failure.message ?? 'no answer';
  const headers = failure.response?.headers ?? {};
  const { baseUrl, repo, credentials } = context;
  if (!failure.response) {
    const timedOut = failure.name === 'AbortError' || failure.name === 'TimeoutError' || /aborted|timeout/i.test(failure.message ?? '');
    return new GitHubUnreachable(
      timedOut
        ? `GitHub at ${baseUrl} did not answer within ${context.timeoutMs / 1000} s. Try again in a moment, or pass the PR number and --sha <commit> to skip the lookup.`
        : `Could not reach GitHub at ${baseUrl} (${failure.message ?? 'no answer'}). Check github.baseUrl and that rollbot can reach it, then try again.`,
      { cause: error },
    );
  }
  const remaining = headers['x-ratelimit-remaining'];
  if (failure.status === 429 || (failure.status === 403 && (String(remaining) === '0' || /rate limit/i.test(says)))) {
    const reset = Number(headers['x-ratelimit-reset']);
    const retryAfter = Number(headers['retry-after']);
    const resetAt = Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : new Date(Date.now() + (Number.isFinite(retryAfter) ? retryAfter : 60) * 1000);
    return new GitHubRateLimited(resetAt, baseUrl);
  }
  switch (failure.status) {
    case 401:
      return new GitHubAccessDenied(`GitHub at ${baseUrl} refused ${credentials} (HTTP 401: ${says}). Renew it or fix the setting, then try again.`, { cause: error });
    case 403:
      return new GitHubAccessDenied(
        `GitHub denied reading the pull requests of ${repo} (HTTP 403: ${says}). Give ${credentials} read access to pull requests of ${repo}, then try again.`,
        { cause: error },
      );
    case 404:
      return new GitHubRepoNotFound(
        `GitHub has no repository ${repo} that ${credentials} can see (HTTP 404). Check the service's githubRepo or sourceRepo, and that the token or App installation covers ${repo}.`,
        { cause: error },
      );
    default:
      return new GitHubUnreachable(
        `GitHub at ${baseUrl} failed to list the pull requests of ${repo} (HTTP ${failure.status ?? '?'}: ${says}). Try again; if it keeps failing, check GitHub's status.`,
        { cause: error },
      );
  }
}
