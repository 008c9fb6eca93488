import { z } from 'zod';

const ENV_VAR = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name like GIT_TOKEN');

/**
 * `git:` keys for reaching private repositories (Flux, source, catalog). Secrets stay in variables
 * and files; only their names and paths are in the YAML.
 */
export const gitCredentialsShape = {
  /** HTTPS: the variable holding a token (a GitHub PAT or any host's access token). */
  tokenEnv: ENV_VAR.optional(),
  /** HTTPS user name sent with the token; GitHub accepts x-access-token for PATs and App tokens. */
  tokenUser: z.string().regex(/^[^\s:]+$/, 'must be a user name without spaces or colons').default('x-access-token'),
  /** SSH: a private deploy key file (relative to the config file). */
  sshKeyFile: z.string().min(1).optional(),
  /** SSH: the known_hosts file the server's host key is checked against (required with sshKeyFile). */
  knownHostsFile: z.string().min(1).optional(),
};

const SLACK_USER = z.string().regex(/^[UW][A-Z0-9_]+$/, 'must be a Slack user ID like U0123ABCD');
const GITHUB_LOGIN = z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'must be a GitHub login like octocat');

/** `github:` keys: who is who, and a GitHub App instead of a token. */
export const githubAccessShape = {
  /** Slack user ID -> GitHub login: whose PRs `/rollout <service>` offers. */
  users: z.record(SLACK_USER, GITHUB_LOGIN).default({}),
  /** A GitHub App installation instead of tokenEnv: used for the API and for git over HTTPS. */
  app: z
    .object({
      appId: z.union([z.number().int().positive(), z.string().regex(/^\d+$/, 'must be the numeric App ID')]),
      installationId: z.number().int().positive(),
      /** The App's private key (PEM), relative to the config file. */
      privateKeyFile: z.string().min(1),
    })
    .strict()
    .optional(),
};
