import type { EnvironmentConfig } from '../config/schema.js';
import { parseGitHubRepo, type GitHubRepoRef } from '../release/github-repo.js';

/** Hosts that serve GitHub repositories: github.com, and a GitHub Enterprise host named by github.baseUrl. */
export function githubHosts(baseUrl: string | undefined): string[] {
  const hosts = ['github.com', 'www.github.com'];
  if (baseUrl) {
    const host = new URL(baseUrl).hostname;
    hosts.push(host === 'api.github.com' ? 'github.com' : host);
  }
  return hosts;
}

function hostOf(url: string): string | undefined {
  try {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return new URL(url).hostname;
    return /^[^/@\s]+@([^:/\s]+):/.exec(url)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * The GitHub repository whose pull requests a service's rollouts come from: an explicit
 * `githubRepo` (service, then environment; `{service}` replaced) first, else the service's
 * `sourceRepo` when it is a GitHub URL. Null when rollbot cannot tell; rollouts then need a PR number.
 */
export function serviceGitHubRepo(env: EnvironmentConfig, service: string, baseUrl?: string): GitHubRepoRef | null {
  const explicit = env.services[service]?.githubRepo ?? env.githubRepo;
  if (explicit) return parseGitHubRepo(explicit.replaceAll('{service}', service));
  const source = env.services[service]?.sourceRepo ?? env.sourceRepo?.replaceAll('{service}', service);
  const host = source ? hostOf(source) : undefined;
  if (source && host && githubHosts(baseUrl).includes(host)) return parseGitHubRepo(source);
  return null;
}
