import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { SlackWebApiEmulator } from '../../src/slack-emulator/index.js';
import type { BareRepo } from './git-fixtures.js';
import { valuesFile } from './git-fixtures.js';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { startFakeJira, type FakeJira } from './fake-jira.js';
import { pushImage, startRegistry, type RegistryServer } from './registry-server.js';

export const RELEASERS = Array.from({ length: 20 }, (_, i) => `U_R${i}`);

/**
 * What /release needs besides Slack: a real registry (Debian's docker-registry) holding the builds of
 * papi's commits, a fake GitHub and Jira behind the production clients, and environments using them.
 */
export interface ReleaseFixture {
  registry: RegistryServer;
  github: FakeGitHub;
  jira: FakeJira;
  /** The tag each papi commit was built as (seed 002's main-<sha7>-<ts>). */
  tagOf(sha: string): string;
  pushBuild(sha: string): Promise<string>;
  variables: Record<string, string>;
  topLevelConfig: Record<string, unknown>;
  environments(fluxGitRepo: string, sourceRepo: string, extra?: Record<string, unknown>): Record<string, unknown>;
  stop(): Promise<void>;
}

export async function startReleaseFixture(root: string, emulator: SlackWebApiEmulator, flux: BareRepo, mainCommits: string[]): Promise<ReleaseFixture> {
  await mkdir(join(root, 'registry'), { recursive: true });
  const registry = await startRegistry(join(root, 'registry'));
  const github = await startFakeGitHub({ token: 'gh-token', repos: ['acme/flux-config'] });
  const jira = await startFakeJira({ authorizations: [`Basic ${Buffer.from('bot@acme.com:jira-token').toString('base64')}`], projects: ['REL'] });
  const tagOf = (sha: string) => `main-${sha.slice(0, 7)}-${1_700_000_000 + mainCommits.indexOf(sha)}`;
  const pushBuild = async (sha: string) => {
    await pushImage(registry.url, 'acme/papi', tagOf(sha), { content: sha });
    return tagOf(sha);
  };
  // Prod runs the first commit; the second and third are built; later ones wait for their build.
  for (const sha of mainCommits) await pushBuild(sha);
  await flux.commitFiles({ 'clusters/rdebug/apps/papi/values.yaml': valuesFile('papi', tagOf(mainCommits[0]!)) }, 'papi runs its first build');
  emulator.setUsergroup('S_RELEASE', ['U_DAVE', ...RELEASERS]);
  const release = (approval: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    tagTemplate: 'main-{sha7}-{ts}',
    registry: { url: registry.url, repository: 'acme/{service}' },
    approval: { approvers: ['U_BOB', 'U_CAROL', 'S_RELEASE'], ...approval },
    ...extra,
  });
  return {
    registry,
    github,
    jira,
    tagOf,
    pushBuild,
    variables: { GITHUB_TOKEN: 'gh-token', JIRA_API_TOKEN: 'jira-token' },
    topLevelConfig: {
      github: { baseUrl: github.baseUrl, tokenEnv: 'GITHUB_TOKEN' },
      jira: { baseUrl: jira.baseUrl, email: 'bot@acme.com', apiTokenEnv: 'JIRA_API_TOKEN' },
    },
    environments: (fluxGitRepo, sourceRepo, extra = {}) => ({
      live: { fluxGitRepo, sourceRepo, allowRollout: false, release: release({ required: 1 }), ...extra },
      live2: { fluxGitRepo, sourceRepo, release: release({ required: 2 }) },
      livech: { fluxGitRepo, sourceRepo, release: release({ required: 1, channel: 'C_APPROVALS' }) },
      livepr: {
        fluxGitRepo,
        sourceRepo,
        release: release({ required: 1 }, { mode: 'pull-request', pullRequest: { repo: 'acme/flux-config' }, jira: { project: 'REL' } }),
      },
    }),
    async stop() {
      await registry.stop();
      await github.stop();
      await jira.stop();
    },
  };
}
