import type { GitHubRepoRef } from '../release/github-repo.js';

/** A pull request as rollbot needs it, whatever API it came from. */
export interface PullRequestInfo {
  number: number;
  title: string;
  /** GitHub login of the author. */
  author: string;
  /** Head branch name. */
  headRef: string;
  /** The commit the PR points at now (the API's head.sha). */
  headSha: string;
  /** owner/name of the head repository; differs from the base for a fork (null: the fork was deleted). */
  headRepo: string | null;
  fork: boolean;
  draft: boolean;
  state: 'open' | 'closed';
  merged: boolean;
  /** ISO timestamp. */
  updatedAt: string;
  url: string;
}

/** Read access to a code host's pull requests (GitHub through Octokit in src/adapters). */
export interface PullRequestDirectory {
  /** Open PRs of the repository, most recently updated first. */
  listOpen(repo: GitHubRepoRef): Promise<PullRequestInfo[]>;
  /** One PR in any state; null when the repository has no such number. */
  get(repo: GitHubRepoRef, number: number): Promise<PullRequestInfo | null>;
}
