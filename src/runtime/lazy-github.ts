import type { TokenSource } from '../core/credentials/token-source.js';
import type { PullRequestDirectory } from '../core/pulls/ports.js';
import type { PullRequestOpener } from '../core/release/ports.js';
import type { GitHubAppOptions } from '../adapters/github-app-token-source.js';
import type { GitHubOptions } from '../adapters/github-pull-requests.js';
import { describeGitHubApp } from '../adapters/github-app-private-key.js';

/**
 * The GitHub adapters, with Octokit's modules imported at their first call instead of at start:
 * a bot or worker that never talks to GitHub (or not yet) does not carry them (idle memory).
 * Settings and secrets are still checked where the adapters are made, at start.
 */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load();
    // A failed import is tried again next time rather than remembered.
    loading.catch(() => (loading = undefined));
    return loading;
  };
}

export function lazyAppTokenSource(options: GitHubAppOptions): TokenSource {
  const source = once(async () => new (await import('../adapters/github-app-token-source.js')).GitHubAppTokenSource(options));
  return { description: describeGitHubApp(options.appId, options.installationId), token: async () => (await source()).token() };
}

export function lazyPullRequestDirectory(options: ConstructorParameters<typeof import('../adapters/github-pull-request-directory.js').GitHubPullRequestDirectory>[0]): PullRequestDirectory {
  const directory = once(async () => new (await import('../adapters/github-pull-request-directory.js')).GitHubPullRequestDirectory(options));
  return {
    listOpen: async (repo) => (await directory()).listOpen(repo),
    get: async (repo, number) => (await directory()).get(repo, number),
  };
}

export function lazyPullRequestOpener(options: GitHubOptions): PullRequestOpener {
  const opener = once(async () => new (await import('../adapters/github-pull-requests.js')).GitHubPullRequests(options));
  return { open: async (request) => (await opener()).open(request) };
}
