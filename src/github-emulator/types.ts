/** What the GitHub emulator holds: repositories, their pull requests, tokens and Apps. */

export interface EmulatedRepoInput {
  /** owner/name */
  fullName: string;
  private?: boolean;
  defaultBranch?: string;
  /** Set for a fork: the owner/name it was forked from. */
  forkOf?: string;
}

export interface EmulatedRepo {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  private: boolean;
  defaultBranch: string;
  forkOf?: string;
  /** Pushed timestamps and such are not modelled; updated_at moves with PR edits. */
  createdAt: string;
}

export interface EmulatedPullInput {
  /** The base repository (owner/name) the PR is opened against. */
  repo: string;
  number?: number;
  title: string;
  body?: string;
  /** GitHub login of the author. */
  author: string;
  /** Head branch name. */
  headRef: string;
  /** Head commit SHA (40 hex). */
  headSha: string;
  /** owner/name of the head repository when the PR comes from a fork. */
  headRepo?: string;
  baseRef?: string;
  draft?: boolean;
  state?: 'open' | 'closed';
  merged?: boolean;
  /** ISO timestamps; default the emulator's clock. */
  createdAt?: string;
  updatedAt?: string;
}

export interface EmulatedPull {
  id: number;
  number: number;
  repo: string;
  title: string;
  body: string;
  author: string;
  headRef: string;
  headSha: string;
  headRepo: string;
  baseRef: string;
  draft: boolean;
  state: 'open' | 'closed';
  merged: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
}

export interface EmulatedTokenInput {
  token: string;
  /** The login the token belongs to (a user token) or `<app-slug>[bot]` (an installation). */
  login?: string;
  /** Repositories (owner/name) this token may see; undefined = all. Private repos outside it answer 404, as GitHub does. */
  repos?: string[];
  /** Answer 403 "Resource not accessible" for repository calls (a token without the needed permission). */
  forbidden?: boolean;
  /** Epoch ms after which GitHub answers 401. */
  expiresAtMs?: number;
}

export interface EmulatedAppInput {
  appId: number;
  slug?: string;
  /** PEM public key the App's JWTs are checked against. */
  publicKeyPem: string;
  /** installation id -> repositories it was granted (owner/name); undefined = all. */
  installations: Record<number, string[] | undefined>;
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Epoch seconds when the window resets. */
  reset: number;
}

export interface RecordedGitHubRequest {
  method: string;
  path: string;
  /** The Authorization scheme only (token, Bearer, none): secrets are not recorded. */
  auth: string;
  status: number;
}
