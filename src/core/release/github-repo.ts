import { InvalidInput } from '../errors.js';

export interface GitHubRepoRef {
  owner: string;
  repo: string;
}

const NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * owner/repo from a git URL (https://github.com/acme/flux.git, git@github.com:acme/flux.git,
 * ssh://git@ghe.example.com/acme/flux) or from `acme/flux`: the Flux repo URL already says where
 * a release PR goes, so the config need not repeat it.
 */
export function parseGitHubRepo(raw: string): GitHubRepoRef {
  const text = raw.trim().replace(/\/+$/, '').replace(/\.git$/, '');
  const match =
    /^[a-z][a-z0-9+.-]*:\/\/[^/]+\/([^/]+)\/([^/]+)$/i.exec(text) ?? // https:// or ssh://
    /^[^/@\s]+@[^:/\s]+:([^/]+)\/([^/]+)$/.exec(text) ?? // scp-like git@host:owner/repo
    /^([^/:@\s]+)\/([^/:@\s]+)$/.exec(text); // owner/repo
  if (!match || !NAME.test(match[1]!) || !NAME.test(match[2]!)) {
    throw new InvalidInput(`'${raw}' does not name a GitHub repository. Write it as owner/repo or https://github.com/owner/repo.git.`);
  }
  return { owner: match[1]!, repo: match[2]! };
}
