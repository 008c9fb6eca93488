import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitHubPullRequests } from '../src/adapters/github-pull-requests.js';
import { JiraTickets } from '../src/adapters/jira-tickets.js';
import { PullRequestFailed, TicketFailed } from '../src/core/release/errors.js';
import { parseGitHubRepo } from '../src/core/release/github-repo.js';
import { startFakeGitHub, type FakeGitHub } from './support/fake-github.js';
import { startFakeJira, type FakeJira } from './support/fake-jira.js';
import { freePort } from './support/registry-server.js';

describe('opening a release PR through the real Octokit client', () => {
  let github: FakeGitHub;
  beforeAll(async () => {
    github = await startFakeGitHub({ token: 'ghp_test', repos: ['acme/flux'] });
  });
  afterAll(() => github.stop());

  const request = {
    owner: 'acme',
    repo: 'flux',
    head: 'rollbot/release-papi-abc1234',
    base: 'main',
    title: 'release(papi): main-abc1234-1707300000 to prod',
    body: 'Release Summary: papi to prod',
  };

  it('opens the PR and returns its number and URL', async () => {
    const opener = new GitHubPullRequests({ token: 'ghp_test', baseUrl: github.baseUrl });
    const opened = await opener.open(request);
    expect(opened).toEqual({ number: 1, url: 'https://github.example.com/acme/flux/pull/1', existing: false });
    expect(github.pulls[0]).toMatchObject({ head: request.head, base: 'main', title: request.title, body: request.body });
    expect(github.pulls[0]!.authorization).toBe('token ghp_test');
    expect(github.pulls[0]!.userAgent).toMatch(/^rollbot/);
  });

  it('returns the open PR a first attempt made when a retried job opens it again', async () => {
    const opener = new GitHubPullRequests({ token: 'ghp_test', baseUrl: github.baseUrl });
    const again = await opener.open(request);
    expect(again).toEqual({ number: 1, url: 'https://github.example.com/acme/flux/pull/1', existing: true });
    expect(github.pulls).toHaveLength(1);
  });

  it('says which setting to fix when the token is refused', async () => {
    const opener = new GitHubPullRequests({ token: 'wrong', baseUrl: github.baseUrl });
    const error = await opener.open({ ...request, head: 'other' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PullRequestFailed);
    expect((error as PullRequestFailed).userMessage).toMatch(/refused rollbot's token \(HTTP 401: Bad credentials\)\. Fix github\.token/);
  });

  it('names the repository it cannot see', async () => {
    const opener = new GitHubPullRequests({ token: 'ghp_test', baseUrl: github.baseUrl });
    await expect(opener.open({ ...request, repo: 'nope' })).rejects.toThrow(/no repository acme\/nope that rollbot's token can see/);
  });

  it('is transient when GitHub cannot be reached', async () => {
    const baseUrl = `http://127.0.0.1:${await freePort()}/api/v3`;
    const opener = new GitHubPullRequests({ token: 'ghp_test', baseUrl });
    const error = (await opener.open(request).catch((e: unknown) => e)) as PullRequestFailed;
    expect(error).toBeInstanceOf(PullRequestFailed);
    expect(error.transient).toBe(true);
    expect(error.userMessage).toMatch(/^Could not reach GitHub at http:\/\/127\.0\.0\.1:\d+\/api\/v3 \(.*ECONNREFUSED.*\)\. Check github\.baseUrl/);
  });
});

describe('the GitHub repository of a Flux repo URL', () => {
  it.each([
    ['https://github.com/acme/flux.git', 'acme', 'flux'],
    ['git@github.com:acme/flux-infra.git', 'acme', 'flux-infra'],
    ['ssh://git@ghe.example.com/acme/flux', 'acme', 'flux'],
    ['acme/flux', 'acme', 'flux'],
  ])('%s is %s/%s', (url, owner, repo) => {
    expect(parseGitHubRepo(url)).toEqual({ owner, repo });
  });

  it('refuses a local path', () => {
    expect(() => parseGitHubRepo('/srv/git/flux.git')).toThrow(/does not name a GitHub repository/);
  });
});

describe('creating a release ticket in Jira', () => {
  let jira: FakeJira;
  const basic = `Basic ${Buffer.from('bot@example.com:api-token').toString('base64')}`;
  beforeAll(async () => {
    jira = await startFakeJira({ authorizations: [basic, 'Bearer pat-123'], projects: ['AAP'] });
  });
  afterAll(() => jira.stop());

  it('creates the issue with email + API token and returns its key and browse URL', async () => {
    const tickets = new JiraTickets({ baseUrl: `${jira.baseUrl}/`, auth: { email: 'bot@example.com', apiToken: 'api-token' } });
    const ticket = await tickets.create({ project: 'AAP', summary: 'Release papi abc1234 to prod', description: 'From: …', labels: ['release'] });
    expect(ticket).toEqual({ key: 'AAP-1', url: `${jira.baseUrl}/browse/AAP-1` });
    expect(jira.issues[0]).toEqual({
      key: 'AAP-1',
      project: 'AAP',
      issueType: 'Task',
      summary: 'Release papi abc1234 to prod',
      description: 'From: …',
      labels: ['release'],
    });
  });

  it('creates the issue with a bearer token (Jira Data Center)', async () => {
    const tickets = new JiraTickets({ baseUrl: jira.baseUrl, auth: { bearerToken: 'pat-123' } });
    expect((await tickets.create({ project: 'AAP', issueType: 'Story', summary: 's', description: 'd' })).key).toBe('AAP-2');
  });

  it('says which credentials to fix when Jira refuses them', async () => {
    const tickets = new JiraTickets({ baseUrl: jira.baseUrl, auth: { email: 'bot@example.com', apiToken: 'wrong' } });
    await expect(tickets.create({ project: 'AAP', summary: 's', description: 'd' })).rejects.toThrow(
      /refused rollbot's credentials \(HTTP 401: You are not authenticated.*\)\. Fix jira\.email \/ jira\.apiToken/,
    );
  });

  it('says which Jira URL it could not reach, and that a retry may help', async () => {
    const baseUrl = `http://127.0.0.1:${await freePort()}`;
    const error = (await new JiraTickets({ baseUrl, auth: { bearerToken: 'x' } }).create({ project: 'AAP', summary: 's', description: 'd' }).catch((e: unknown) => e)) as TicketFailed;
    expect(error.userMessage).toBe(`Could not reach Jira at ${baseUrl} (ECONNREFUSED). Check jira.baseUrl and that the worker can reach it, then try again.`);
    expect(error.transient).toBe(true);
  });

  it("passes on Jira's field errors with the settings to check", async () => {
    const tickets = new JiraTickets({ baseUrl: jira.baseUrl, auth: { bearerToken: 'pat-123' } });
    const error = (await tickets.create({ project: 'NOPE', summary: 's', description: 'd' }).catch((e: unknown) => e)) as TicketFailed;
    expect(error).toBeInstanceOf(TicketFailed);
    expect(error.userMessage).toBe(
      'Jira rejected the release ticket for project NOPE (HTTP 400: project: valid project is required). Check jira.project and jira.issueType (and any required fields), then try again.',
    );
    expect(error.transient).toBe(false);
  });
});
