import { JiraTickets } from '../adapters/jira-tickets.js';
import type { LoadedConfig } from '../core/config/load.js';
import { secretFrom } from '../core/release/release-config.js';
import type { TokenSource } from '../core/credentials/token-source.js';
import { githubTokenSource } from './github-access.js';
import { lazyPullRequestOpener } from './lazy-github.js';
import type { ReleaseIntegrations } from '../jobs/release/release-apply.js';

/** GitHub (release PRs) and Jira (release tickets), when the config names them; secrets from variables. */
export function releaseIntegrations(config: LoadedConfig, variables: Record<string, string | undefined>, githubTokens?: TokenSource | null): ReleaseIntegrations {
  const { github, jira } = config;
  const auth = github ? (githubTokens ?? githubTokenSource(config, variables)) : null;
  return {
    pullRequests: github && auth ? lazyPullRequestOpener({ auth, baseUrl: github.baseUrl }) : undefined,
    tickets: jira
      ? new JiraTickets({
          baseUrl: jira.baseUrl,
          auth: jira.bearerTokenEnv
            ? { bearerToken: secretFrom(variables, jira.bearerTokenEnv, 'jira.bearerTokenEnv') }
            : { email: jira.email ?? '', apiToken: secretFrom(variables, jira.apiTokenEnv, 'jira.apiTokenEnv') },
        })
      : undefined,
  };
}
