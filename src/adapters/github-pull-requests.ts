import { Octokit } from '@octokit/rest';
import { PullRequestFailed } from '../core/release/errors.js';
import type { TokenSource } from '../core/credentials/token-source.js';
import type { OpenedPullRequest, PullRequestOpener, PullRequestRequest } from '../core/release/ports.js';

export interface GitHubOptions {
  /** A token with pull-requests: write on the target repository. */
  token?: string;
  /** Instead of token: asked per request (a GitHub App's installation tokens). */
  auth?: TokenSource;
  /** https://api.github.com by default; GitHub Enterprise is https://<host>/api/v3. */
  baseUrl?: string;
  userAgent?: string;
  /** For tests and proxies; global fetch by default. */
  fetch?: typeof fetch;
}

/** The parts of Octokit's RequestError we read (duck-typed: it is not a direct dependency). */
interface HttpFailure {
  status?: number;
  message?: string;
  response?: { data?: { message?: string; errors?: Array<{ message?: string; code?: string }> } };
}

function failureOf(error: unknown): HttpFailure {
  return typeof error === 'object' && error !== null ? (error as HttpFailure) : { message: String(error) };
}

function githubSays(failure: HttpFailure): string {
  const data = failure.response?.data;
  const details = (data?.errors ?? []).map((e) => e.message ?? e.code).filter(Boolean);
  return [data?.message ?? failure.message, ...details].filter(Boolean).join(': ');
}

/** Opens release PRs through the GitHub REST API. */
export class GitHubPullRequests implements PullRequestOpener {
  private readonly octokit: Octokit;
  private readonly baseUrl: string;

  constructor(options: GitHubOptions) {
    this.baseUrl = (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, '');
    this.octokit = new Octokit({
      auth: options.token,
      baseUrl: this.baseUrl,
      userAgent: options.userAgent ?? 'rollbot',
      request: options.fetch ? { fetch: options.fetch } : undefined,
      // Octokit logs deprecations and 4xx on console by default; errors reach the caller anyway.
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    const auth = options.auth;
    if (auth) this.octokit.hook.before('request', async (request) => void (request.headers.authorization = `token ${await auth.token()}`));
  }

  async open(request: PullRequestRequest): Promise<OpenedPullRequest> {
    const { owner, repo, head, base, title, body, draft } = request;
    try {
      const { data } = await this.octokit.rest.pulls.create({ owner, repo, head, base, title, body, draft });
      return { number: data.number, url: data.html_url, existing: false };
    } catch (error) {
      const failure = failureOf(error);
      // A retried job finds the PR its first attempt opened: same head, still open.
      if (failure.status === 422 && /already exists/i.test(githubSays(failure))) {
        const existing = await this.findOpen(request);
        if (existing) return existing;
      }
      throw this.explain(failure, request, error);
    }
  }

  private async findOpen({ owner, repo, head, base }: PullRequestRequest): Promise<OpenedPullRequest | null> {
    const { data } = await this.octokit.rest.pulls.list({ owner, repo, head: `${owner}:${head}`, base, state: 'open', per_page: 1 });
    const pull = data[0];
    return pull ? { number: pull.number, url: pull.html_url, existing: true } : null;
  }

  private explain(failure: HttpFailure, { owner, repo, head, base }: PullRequestRequest, cause: unknown): PullRequestFailed {
    const where = `${owner}/${repo}`;
    const says = githubSays(failure);
    // Octokit reports a failed connection as status 500 without a response.
    if (!failure.response) {
      return new PullRequestFailed(
        `Could not reach GitHub at ${this.baseUrl} (${failure.message ?? 'no answer'}). Check github.baseUrl and that the worker can reach it, then try again.`,
        { cause, transient: true },
      );
    }
    switch (failure.status) {
      case 401:
        return new PullRequestFailed(`GitHub at ${this.baseUrl} refused rollbot's token (HTTP 401: ${says}). Fix github.token, then try again.`, { cause });
      case 403:
        return new PullRequestFailed(
          `GitHub denied opening a PR on ${where} (HTTP 403: ${says}). Give rollbot's token pull-requests: write on ${where} (or wait if it hit a rate limit), then try again.`,
          { cause, transient: /rate limit/i.test(says) },
        );
      case 404:
        return new PullRequestFailed(
          `GitHub has no repository ${where} that rollbot's token can see (HTTP 404). Check the repository name and the token's access, then try again.`,
          { cause },
        );
      case 422:
        return new PullRequestFailed(
          `GitHub would not open a PR from ${head} into ${base} on ${where} (${says}). Check that both branches exist and differ, then try again.`,
          { cause },
        );
      default:
        return new PullRequestFailed(
          `Could not open a PR on ${where} through ${this.baseUrl} (${failure.status ? `HTTP ${failure.status}: ` : ''}${says}). Try again; if it keeps failing, check github.baseUrl and GitHub's status.`,
          { cause, transient: true },
        );
    }
  }
}
