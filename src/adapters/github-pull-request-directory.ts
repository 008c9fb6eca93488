import { Octokit } from '@octokit/rest';
import type { TokenSource } from '../core/credentials/token-source.js';
import type { PullRequestDirectory, PullRequestInfo } from '../core/pulls/ports.js';
import type { GitHubRepoRef } from '../core/release/github-repo.js';
import { explainGitHubFailure, isNotFound } from './github-errors.js';

export interface GitHubDirectoryOptions {
  /** https://api.github.com by default; GitHub Enterprise is https://<host>/api/v3. */
  baseUrl?: string;
  /** Absent: anonymous (public repositories only, 60 requests an hour). */
  auth?: TokenSource;
  /** Each request must answer within this; the lookup runs before Slack's 3 s ack deadline. Default 2000. */
  timeoutMs?: number;
  /** At most this many open PRs are read (newest first). Default 200. */
  maxPulls?: number;
  fetch?: typeof fetch;
}

/** The REST fields we read of a pull request (list and get answer the same shape). */
interface PullJson {
  number: number;
  title: string;
  user: { login: string } | null;
  state: string;
  draft?: boolean;
  merged?: boolean;
  merged_at: string | null;
  updated_at: string;
  html_url: string;
  head: { ref: string; sha: string; repo: { full_name: string } | null };
  base: { repo: { full_name: string } };
}

function toInfo(pull: PullJson): PullRequestInfo {
  const headRepo = pull.head.repo?.full_name ?? null;
  return {
    number: pull.number,
    title: pull.title,
    author: pull.user?.login ?? 'ghost',
    headRef: pull.head.ref,
    headSha: pull.head.sha,
    headRepo,
    fork: headRepo?.toLowerCase() !== pull.base.repo.full_name.toLowerCase(),
    draft: pull.draft === true,
    state: pull.state === 'open' ? 'open' : 'closed',
    merged: pull.merged === true || pull.merged_at !== null,
    updatedAt: pull.updated_at,
    url: pull.html_url,
  };
}

/** Open and single pull requests through GitHub's REST API (Octokit), for `/rollout <service>`. */
export class GitHubPullRequestDirectory implements PullRequestDirectory {
  private readonly octokit: Octokit;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxPulls: number;
  private readonly credentials: string;

  constructor(options: GitHubDirectoryOptions = {}) {
    this.baseUrl = (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.maxPulls = options.maxPulls ?? 200;
    this.credentials = options.auth?.description ?? 'anonymous access';
    this.octokit = new Octokit({
      baseUrl: this.baseUrl,
      userAgent: 'rollbot',
      request: options.fetch ? { fetch: options.fetch } : undefined,
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    const auth = options.auth;
    this.octokit.hook.before('request', async (request) => {
      // Asked per request: an App's installation token is renewed behind this.
      if (auth) request.headers.authorization = `token ${await auth.token()}`;
      // Every HTTP request is bounded (paginate drops per-call options, so it is set here).
      request.request = { ...request.request, signal: AbortSignal.timeout(this.timeoutMs) };
    });
  }

  async listOpen(repo: GitHubRepoRef): Promise<PullRequestInfo[]> {
    const pulls: PullRequestInfo[] = [];
    try {
      const iterator = this.octokit.paginate.iterator(this.octokit.rest.pulls.list, {
        owner: repo.owner,
        repo: repo.repo,
        state: 'open',
        sort: 'updated',
        direction: 'desc',
        per_page: 100
      });
      for await (const page of iterator) {
        pulls.push(...(page.data as unknown as PullJson[]).map(toInfo));
        if (pulls.length >= this.maxPulls) break;
      }
    } catch (error) {
      throw this.explain(error, repo);
    }
    return pulls.slice(0, this.maxPulls);
  }

  async get(repo: GitHubRepoRef, number: number): Promise<PullRequestInfo | null> {
    try {
      const { data } = await this.octokit.rest.pulls.get({ owner: repo.owner, repo: repo.repo, pull_number: number });
      return toInfo(data as unknown as PullJson);
    } catch (error) {
      if (!isNotFound(error)) throw this.explain(error, repo);
    }
    // 404 is either "no such PR" or "no such repository": ask about the repository to tell which.
    try {
      await this.octokit.rest.repos.get({ owner: repo.owner, repo: repo.repo });
      return null;
    } catch (error) {
      throw this.explain(error, repo);
    }
  }

  private explain(error: unknown, repo: GitHubRepoRef) {
    return explainGitHubFailure(error, { baseUrl: this.baseUrl, repo: `${repo.owner}/${repo.repo}`, credentials: this.credentials, timeoutMs: this.timeoutMs });
  }
}
