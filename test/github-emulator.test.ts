import { generateKeyPairSync } from 'node:crypto';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubAppTokenSource } from '../src/adapters/github-app-token-source.js';
import { GitHubPullRequestDirectory } from '../src/adapters/github-pull-request-directory.js';
import { StaticTokenSource } from '../src/core/credentials/token-source.js';
import { GitHubAccessDenied, GitHubRateLimited, GitHubRepoNotFound, GitHubUnreachable } from '../src/core/pulls/errors.js';
import { GitHubEmulator } from '../src/github-emulator/index.js';

const sha = (c: string) => c.repeat(40);
const keys = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

describe('GitHub emulator, through the real Octokit', () => {
  const github = new GitHubEmulator();
  const token = new StaticTokenSource('ghp_good', 'the token in $GITHUB_TOKEN');
  let directory: GitHubPullRequestDirectory;

  beforeAll(async () => {
    await github.start();
    github.addToken({ token: 'ghp_good', login: 'rollbot-ci' });
    github.addToken({ token: 'ghp_narrow', login: 'narrow', repos: ['acme/other'] });
    github.addToken({ token: 'ghp_noperm', login: 'noperm', forbidden: true });
    github.state.addRepo({ fullName: 'acme/papi', private: true });
    github.state.addRepo({ fullName: 'carol/papi', forkOf: 'acme/papi' });
    github.state.addPull({ repo: 'acme/papi', number: 41, title: 'Add health endpoint', author: 'alice', headRef: 'feature-41', headSha: sha('a'), updatedAt: '2026-11-30T10:00:00Z' });
    github.state.addPull({ repo: 'acme/papi', number: 42, title: 'Faster config', author: 'bob', headRef: 'feature-42', headSha: sha('b'), draft: true, updatedAt: '2026-11-30T12:00:00Z' });
    github.state.addPull({ repo: 'acme/papi', number: 43, title: 'Fix typo', author: 'carol', headRef: 'typo', headSha: sha('c'), headRepo: 'carol/papi', updatedAt: '2026-11-30T11:00:00Z' });
    github.state.addPull({ repo: 'acme/papi', number: 40, title: 'Old', author: 'alice', headRef: 'old', headSha: sha('d'), merged: true });
    directory = new GitHubPullRequestDirectory({ baseUrl: github.baseUrl, auth: token });
  });
  afterAll(() => github.stop());

  it('lists open pull requests, most recently updated first, with head sha, branch, draft and fork', async () => {
    const pulls = await directory.listOpen({ owner: 'acme', repo: 'papi' });
    expect(pulls.map((p) => p.number)).toEqual([42, 43, 41]);
    expect(pulls[0]).toMatchObject({ title: 'Faster config', author: 'bob', headRef: 'feature-42', headSha: sha('b'), draft: true, fork: false, state: 'open' });
    expect(pulls[1]).toMatchObject({ number: 43, headRepo: 'carol/papi', fork: true });
  });

  it('answers one pull request in any state, and null for a number the repository does not have', async () => {
    expect(await directory.get({ owner: 'acme', repo: 'papi' }, 40)).toMatchObject({ state: 'closed', merged: true });
    expect(await directory.get({ owner: 'acme', repo: 'papi' }, 999)).toBeNull();
  });

  it('serves the GitHub Enterprise path (/api/v3) too', async () => {
    const ghe = new GitHubPullRequestDirectory({ baseUrl: github.enterpriseBaseUrl, auth: token });
    expect((await ghe.listOpen({ owner: 'acme', repo: 'papi' })).length).toBe(3);
  });

  it('sends rate-limit headers and pages with Link headers as GitHub does', async () => {
    const octokit = new Octokit({ baseUrl: github.baseUrl, auth: 'ghp_good' });
    const first = await octokit.rest.pulls.list({ owner: 'acme', repo: 'papi', per_page: 2 });
    expect(first.headers['x-ratelimit-limit']).toBe('5000');
    expect(Number(first.headers['x-ratelimit-remaining'])).toBeLessThan(5000);
    expect(first.headers.link).toMatch(/rel="next"/);
    const all = await octokit.paginate(octokit.rest.pulls.list, { owner: 'acme', repo: 'papi', per_page: 2, state: 'all' });
    expect(all.map((p) => p.number).sort()).toEqual([40, 41, 42, 43]);
  });

  it('refuses a bad token with 401, hides private repositories with 404 and denies missing permissions with 403', async () => {
    const bad = new GitHubPullRequestDirectory({ baseUrl: github.baseUrl, auth: new StaticTokenSource('ghp_wrong', 'the token in $GITHUB_TOKEN') });
    await expect(bad.listOpen({ owner: 'acme', repo: 'papi' })).rejects.toThrow(GitHubAccessDenied);
    await expect(bad.listOpen({ owner: 'acme', repo: 'papi' })).rejects.toThrow(/refused the token in \$GITHUB_TOKEN \(HTTP 401: Bad credentials\)/);
    const narrow = new GitHubPullRequestDirectory({ baseUrl: github.baseUrl, auth: new StaticTokenSource('ghp_narrow', 'the narrow token') });
    await expect(narrow.listOpen({ owner: 'acme', repo: 'papi' })).rejects.toThrow(GitHubRepoNotFound);
    const anonymous = new GitHubPullRequestDirectory({ baseUrl: github.baseUrl });
    await expect(anonymous.listOpen({ owner: 'acme', repo: 'papi' })).rejects.toThrow(/no repository acme\/papi that anonymous access can see/);
    const noperm = new GitHubPullRequestDirectory({ baseUrl: github.baseUrl, auth: new StaticTokenSource('ghp_noperm', 'the token') });
    await expect(noperm.listOpen({ owner: 'acme', repo: 'papi' })).rejects.toThrow(/HTTP 403: Resource not accessible by personal access token\)\. Give the token read access/);
    await expect(directory.listOpen({ owner: 'acme', repo: 'nope' })).rejects.toThrow(/no repository acme\/nope/);
  });

  it('says when the rate limit resets', async () => {
    const reset = Math.floor(Date.parse('2026-12-01T15:04:00Z') / 1000);
    github.setRateLimit('ghp_good', { remaining: 0, reset });
    try {
      const error = await directory.listOpen({ owner: 'acme', repo: 'papi' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GitHubRateLimited);
      expect((error as GitHubRateLimited).userMessage).toContain('resets at 15:04 UTC (2026-12-01)');
    } finally {
      github.setRateLimit('ghp_good', { remaining: 5000, reset: Math.floor(Date.now() / 1000) + 3600 });
    }
  });

  it('gives up on a GitHub that does not answer in time, with a sentence', async () => {
    github.failNext(/pulls/, { delayMs: 1500 });
    const slow = new GitHubPullRequestDirectory({ baseUrl: github.baseUrl, auth: token, timeoutMs: 200 });
    const error = await slow.listOpen({ owner: 'acme', repo: 'papi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubUnreachable);
    expect((error as GitHubUnreachable).userMessage).toMatch(/did not answer within 0\.2 s\. Try again in a moment/);
  });

  it('reports an unreachable GitHub as such', async () => {
    const gone = await new GitHubEmulator().start();
    const url = gone.baseUrl;
    await gone.stop();
    const error = await new GitHubPullRequestDirectory({ baseUrl: url, auth: token }).listOpen({ owner: 'acme', repo: 'papi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitHubUnreachable);
    expect((error as GitHubUnreachable).userMessage).toMatch(/^Could not reach GitHub at http:\/\/127\.0\.0\.1:\d+ .*Check github\.baseUrl/);
  });
});

describe('GitHub App installation tokens', () => {
  let now = Date.parse('2026-12-01T09:00:00Z');
  const github = new GitHubEmulator({ nowMs: () => now, installationTokenTtlMs: 60 * 60_000 });
  const app = keys();
  const stranger = keys();

  beforeAll(async () => {
    await github.start();
    github.state.apps.set('4242', { appId: 4242, slug: 'rollbot', publicKeyPem: app.publicKey, installations: { 77: ['acme/papi'] } });
    github.state.addRepo({ fullName: 'acme/papi', private: true });
    github.state.addRepo({ fullName: 'acme/secret', private: true });
    github.state.addPull({ repo: 'acme/papi', number: 7, title: 'From the App', author: 'alice', headRef: 'x', headSha: sha('e') });
  });
  afterAll(() => github.stop());

  // @octokit/auth-app signs its JWT with the real clock; the emulator checks it against its own.
  const realNow = () => (now = Date.now());

  it('issues a token for a JWT signed with the App key, and the token reads the installation repositories only', async () => {
    realNow();
    const source = new GitHubAppTokenSource({ appId: 4242, installationId: 77, privateKey: app.privateKey, baseUrl: github.baseUrl, clock: () => now });
    const directory = new GitHubPullRequestDirectory({ baseUrl: github.baseUrl, auth: source });
    expect((await directory.listOpen({ owner: 'acme', repo: 'papi' })).map((p) => p.number)).toEqual([7]);
    await expect(directory.listOpen({ owner: 'acme', repo: 'secret' })).rejects.toThrow(GitHubRepoNotFound);
    expect(github.installationTokens.issued).toHaveLength(1);
    expect(github.installationTokens.issued[0]!.token).toMatch(/^ghs_/);
    expect(source.fetched).toBe(1);
  });

  it('refuses a JWT signed by another key and an unknown installation', async () => {
    realNow();
    const forged = new GitHubAppTokenSource({ appId: 4242, installationId: 77, privateKey: stranger.privateKey, baseUrl: github.baseUrl });
    await expect(forged.token()).rejects.toThrow(/HTTP 401: A JSON web token could not be decoded \(the signature does not match/);
    const elsewhere = new GitHubAppTokenSource({ appId: 4242, installationId: 78, privateKey: app.privateKey, baseUrl: github.baseUrl });
    await expect(elsewhere.token()).rejects.toThrow(/HTTP 404/);
  });

  it('keeps a token until shortly before it expires, then fetches a new one', async () => {
    realNow();
    github.setInstallationTokenTtl(10 * 60_000);
    let clock = now;
    const source = new GitHubAppTokenSource({ appId: '4242', installationId: 77, privateKey: app.privateKey, baseUrl: github.baseUrl, clock: () => clock, renewBeforeMs: 2 * 60_000 });
    const first = await source.token();
    clock += 7 * 60_000;
    expect(await source.token()).toBe(first);
    clock += 90_000; // 8.5 min: within 2 min of expiry
    const second = await source.token();
    expect(second).not.toBe(first);
    expect(source.fetched).toBe(2);
    // GitHub itself refuses the first token once it has expired.
    now += 11 * 60_000;
    expect(github.acceptsToken(first)).toBe(false);
    await expect(new Octokit({ baseUrl: github.baseUrl, auth: first }).rest.repos.get({ owner: 'acme', repo: 'papi' })).rejects.toMatchObject({ status: 401 });
  });
});
