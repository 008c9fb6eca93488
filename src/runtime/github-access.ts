import { readAppPrivateKey } from '../adapters/github-app-private-key.js';
import { lazyAppTokenSource, lazyPullRequestDirectory } from './lazy-github.js';
import type { PullRequestLookup } from '../bot/handlers/rollout-pull-request.js';
import type { LoadedConfig } from '../core/config/load.js';
import { StaticTokenSource, type TokenSource } from '../core/credentials/token-source.js';
import type { PullRequestDirectory } from '../core/pulls/ports.js';
import { secretFrom } from '../core/release/release-config.js';

type Variables = Record<string, string | undefined>;

/**
 * rollbot's GitHub credentials: the App's installation tokens when `github.app` is set, else the
 * token in `github.tokenEnv`. Null without a `github` section.
 */
export function githubTokenSource(config: LoadedConfig, variables: Variables): TokenSource | null {
  const github = config.github;
  if (!github) return null;
  if (github.app) {
    return lazyAppTokenSource({
      appId: github.app.appId,
      installationId: github.app.installationId,
      privateKey: readAppPrivateKey(github.app.privateKeyFile),
      baseUrl: github.baseUrl,
    });
  }
  return new StaticTokenSource(secretFrom(variables, github.tokenEnv, 'github.tokenEnv'), `the token in $${github.tokenEnv} (github.tokenEnv)`);
}

/** The bot's view of pull requests; the directory (and its secret) is made when first needed. */
export function pullRequestLookup(config: LoadedConfig, variables: Variables, tokens?: () => TokenSource | null): PullRequestLookup | undefined {
  const github = config.github;
  if (!github) return undefined;
  let directory: PullRequestDirectory | undefined;
  return {
    baseUrl: github.baseUrl,
    users: github.users,
    directory() {
      directory ??= lazyPullRequestDirectory({ baseUrl: github.baseUrl, auth: (tokens ?? (() => githubTokenSource(config, variables)))() ?? undefined });
      return directory;
    },
  };
}
