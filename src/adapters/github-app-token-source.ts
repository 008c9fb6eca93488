import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { describeGitHubApp } from './github-app-private-key.js';
import type { TokenSource } from '../core/credentials/token-source.js';
import { explainGitHubFailure } from './github-errors.js';

export interface GitHubAppOptions {
  appId: number | string;
  installationId: number;
  /** PEM text of the App's private key. */
  privateKey: string;
  baseUrl?: string;
  /** Renew this long before the token's expires_at. Default 5 minutes. */
  renewBeforeMs?: number;
  clock?: () => number;
  fetch?: typeof fetch;
}

export { readAppPrivateKey } from './github-app-private-key.js';

/**
 * GitHub App installation tokens from the official @octokit/auth-app (which signs the RS256 JWT
 * and calls POST /app/installations/:id/access_tokens). Tokens live an hour; this keeps one until
 * shortly before its expires_at and then asks for a fresh one, so the API and git never get an
 * expired token. Concurrent callers share one request.
 */
export class GitHubAppTokenSource implements TokenSource {
  readonly description: string;
  private readonly auth: ReturnType<typeof createAppAuth>;
  private readonly renewBeforeMs: number;
  private readonly clock: () => number;
  private readonly baseUrl: string;
  private cached: { token: string; expiresAtMs: number } | undefined;
  private pending: Promise<string> | undefined;
  /** How many tokens were fetched (for tests and logs; the tokens themselves are never logged). */
  fetched = 0;

  constructor(private readonly options: GitHubAppOptions) {
    this.baseUrl = (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, '');
    this.description = describeGitHubApp(options.appId, options.installationId);
    this.renewBeforeMs = options.renewBeforeMs ?? 5 * 60_000;
    this.clock = options.clock ?? Date.now;
    const octokit = new Octokit({
      baseUrl: this.baseUrl,
      userAgent: 'rollbot',
      request: options.fetch ? { fetch: options.fetch } : undefined,
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    this.auth = createAppAuth({ appId: options.appId, privateKey: options.privateKey, installationId: options.installationId, request: octokit.request });
  }

  async token(): Promise<string> {
    if (this.cached && this.cached.expiresAtMs - this.renewBeforeMs > this.clock()) return this.cached.token;
    this.pending ??= this.renew().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async renew(): Promise<string> {
    try {
      // refresh: auth-app's own cache keeps tokens 59 minutes whatever their expiry; ours follows expires_at.
      const result = await this.auth({ type: 'installation', installationId: this.options.installationId, refresh: true });
      this.fetched += 1;
      this.cached = { token: result.token, expiresAtMs: Date.parse(result.expiresAt) };
      return result.token;
    } catch (error) {
      throw explainGitHubFailure(error, {
        baseUrl: this.baseUrl,
        repo: `installation ${this.options.installationId}`,
        credentials: `${this.description}'s JWT (check appId, installationId and privateKeyFile)`,
        timeoutMs: 0,
      });
    }
  }
}
