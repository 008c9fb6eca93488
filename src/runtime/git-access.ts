import { statSync } from 'node:fs';
import type { LoadedConfig } from '../core/config/load.js';
import { ConfiguredGitCredentials, type GitCredentials, type HttpsTokenScope } from '../core/credentials/git-credentials.js';
import { StaticTokenSource, type TokenSource } from '../core/credentials/token-source.js';
import { ConfigError } from '../core/errors.js';
import { githubHosts } from '../core/pulls/service-github-repo.js';
import { secretFrom } from '../core/release/release-config.js';
import { githubTokenSource } from './github-access.js';

type Variables = Record<string, string | undefined>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Every remote the config names: Flux repos, source repos (templates included), catalog repos. */
function remotesOf(config: LoadedConfig): string[] {
  const urls: string[] = [];
  for (const env of Object.values(config.environments)) {
    urls.push(env.fluxGitRepo);
    if (env.sourceRepo) urls.push(env.sourceRepo);
    if (env.catalogRepo) urls.push(env.catalogRepo.url);
    for (const svc of Object.values(env.services)) if (svc.sourceRepo) urls.push(svc.sourceRepo);
  }
  return urls;
}

function originOf(url: string): URL | undefined {
  if (!/^https?:\/\//i.test(url)) return undefined;
  try {
    return new URL(url.replaceAll('{service}', 'x'));
  } catch {
    return undefined;
  }
}

function assertReadable(path: string, key: string, fix: string): { mode: number } {
  try {
    return statSync(path);
  } catch {
    throw new ConfigError(`${key} ${path} cannot be read. ${fix}`);
  }
}

/**
 * git's credentials from the config: `git.tokenEnv` (any HTTPS host the config names), else the
 * GitHub App's installation tokens (GitHub hosts), and/or an SSH deploy key with known_hosts.
 * A token is never sent in clear text except to a loopback address.
 */
export function gitCredentialsFor(config: LoadedConfig, variables: Variables, appTokens?: TokenSource | null): GitCredentials | undefined {
  const { git, github } = config;
  let https: HttpsTokenScope | undefined;
  const tokens: TokenSource | null | undefined = git.tokenEnv
    ? new StaticTokenSource(secretFrom(variables, git.tokenEnv, 'git.tokenEnv'), `the token in $${git.tokenEnv} (git.tokenEnv)`)
    : github?.app
      ? (appTokens ?? githubTokenSource(config, variables))
      : undefined;
  if (tokens) {
    const hosts = git.tokenEnv ? undefined : githubHosts(github?.baseUrl);
    const origins = new Set<string>();
    for (const remote of remotesOf(config)) {
      const url = originOf(remote);
      if (!url || (hosts && !hosts.includes(url.hostname))) continue;
      if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
        throw new ConfigError(`${remote} is plain http, so rollbot's git token would cross the network unencrypted. Use its https:// URL.`);
      }
      origins.add(url.origin);
    }
    https = { origins: [...origins], user: git.tokenUser, tokens };
  }
  let ssh: { keyFile: string; knownHostsFile: string } | undefined;
  if (git.sshKeyFile && git.knownHostsFile) {
    const key = assertReadable(git.sshKeyFile, 'git.sshKeyFile', 'Point it at the deploy key (the private half, e.g. made with ssh-keygen -t ed25519 -f deploy_key).');
    if ((key.mode & 0o077) !== 0) {
      throw new ConfigError(`git.sshKeyFile ${git.sshKeyFile} can be read by other users, so ssh refuses it. Run chmod 600 ${git.sshKeyFile}.`);
    }
    assertReadable(git.knownHostsFile, 'git.knownHostsFile', 'Create it with ssh-keyscan <host> > known_hosts and check the fingerprint against your git host\'s published one.');
    ssh = { keyFile: git.sshKeyFile, knownHostsFile: git.knownHostsFile };
  }
  return https || ssh ? new ConfiguredGitCredentials({ https, ssh }) : undefined;
}
