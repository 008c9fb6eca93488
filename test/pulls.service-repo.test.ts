import { describe, expect, it } from 'vitest';
import { parseCommand } from '../src/core/commands/parse.js';
import { parseConfig } from '../src/core/config/load.js';
import { serviceGitHubRepo } from '../src/core/pulls/service-github-repo.js';

const envWith = (env: Record<string, unknown>) => parseConfig({ environments: { dev: { fluxGitRepo: '/tmp/flux.git', ...env } } }, '/tmp/rollbot.yaml').environments.dev!;
const named = (env: Record<string, unknown>) => ({ ...envWith(env), name: 'dev' });

describe('which GitHub repository a service’s PRs come from', () => {
  it('is the sourceRepo when that is a GitHub URL (https, ssh, scp-like)', () => {
    expect(serviceGitHubRepo(named({ sourceRepo: 'https://github.com/acme/{service}.git' }), 'papi')).toEqual({ owner: 'acme', repo: 'papi' });
    expect(serviceGitHubRepo(named({ sourceRepo: 'git@github.com:acme/{service}.git' }), 'papi')).toEqual({ owner: 'acme', repo: 'papi' });
    expect(serviceGitHubRepo(named({ sourceRepo: 'ssh://git@github.com/acme/{service}' }), 'papi')).toEqual({ owner: 'acme', repo: 'papi' });
  });

  it('knows the GitHub Enterprise host from github.baseUrl', () => {
    const env = named({ sourceRepo: 'https://ghe.acme.com/platform/{service}.git' });
    expect(serviceGitHubRepo(env, 'papi')).toBeNull();
    expect(serviceGitHubRepo(env, 'papi', 'https://ghe.acme.com/api/v3')).toEqual({ owner: 'platform', repo: 'papi' });
  });

  it('takes an explicit githubRepo (service first, then environment) over anything else', () => {
    const env = named({ sourceRepo: '/srv/git/{service}.git', githubRepo: 'acme/{service}', services: { api: { githubRepo: 'other/api-server' } } });
    expect(serviceGitHubRepo(env, 'papi')).toEqual({ owner: 'acme', repo: 'papi' });
    expect(serviceGitHubRepo(env, 'api')).toEqual({ owner: 'other', repo: 'api-server' });
  });

  it('is unknown for a local or non-GitHub source, so a PR number is needed as before', () => {
    expect(serviceGitHubRepo(named({ sourceRepo: '/srv/git/{service}.git' }), 'papi')).toBeNull();
    expect(serviceGitHubRepo(named({ sourceRepo: 'https://gitlab.com/acme/{service}.git' }), 'papi')).toBeNull();
    expect(serviceGitHubRepo(named({}), 'papi')).toBeNull();
  });
});

describe('/rollout arguments', () => {
  it('takes a number as the PR and anything else as its branch', () => {
    expect(parseCommand('rollout papi')).toMatchObject({ service: 'papi', pr: undefined });
    expect(parseCommand('rollout papi 42')).toMatchObject({ pr: 42 });
    expect(parseCommand('rollout papi #42')).toMatchObject({ pr: 42 });
    expect(parseCommand('rollout papi feature/login-v2')).toMatchObject({ pr: undefined, branch: 'feature/login-v2' });
  });

  it('refuses branch names git would refuse', () => {
    for (const bad of ['a..b', 'x.lock', 'a//b', 'a@{1}', 'end/']) {
      expect(() => parseCommand(`rollout papi ${bad}`)).toThrow(/is neither a pull request number nor a branch name/);
    }
  });
});
