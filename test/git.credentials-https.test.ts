import { generateKeyPairSync } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, environmentOf, type LoadedConfig } from '../src/core/config/load.js';
import { useGitCredentials } from '../src/core/credentials/git-credentials.js';
import { GitHubEmulator } from '../src/github-emulator/index.js';
import { gitCredentialsFor } from '../src/runtime/git-access.js';
import { githubTokenSource } from '../src/runtime/github-access.js';
import { BareRepo, createSourceRepo, removeDir, tempDir, valuesFile } from './support/git-fixtures.js';
import { startGitHttpServer, type GitHttpServer } from './support/git-http-server.js';
import { makeEngine, recordingReporter } from './support/rollout-env.js';

/** Every byte rollbot left on disk (clones, their git config, index files), to look for a secret in. */
async function everythingUnder(dir: string): Promise<string> {
  const parts: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) parts.push(await readFile(join(entry.parentPath, entry.name), 'latin1'));
  }
  return parts.join('\n');
}

describe('git over HTTPS with credentials from the environment, against git http-backend', () => {
  let root: string;
  let server: GitHttpServer;
  let flux: BareRepo;
  let heads: Record<number, string>;
  const github = new GitHubEmulator();
  const TOKEN = 'tok-Sup3rSecret-42';

  beforeAll(async () => {
    root = await tempDir('rollbot-https-');
    flux = await BareRepo.create(root, { 'clusters/dev/apps/papi/values.yaml': valuesFile('papi', 'ps-1-0000000') });
    heads = (await createSourceRepo(root, 'papi', { 42: 1 })).heads;
    await github.start();
    // The git server takes the plain token, or a GitHub App installation token GitHub would accept now.
    server = await startGitHttpServer({ projectRoot: root, accept: (_user, password) => password === TOKEN || github.acceptsToken(password) });
  });
  afterEach(() => useGitCredentials(undefined));
  afterAll(async () => {
    await server.stop();
    await github.stop();
    await removeDir(root);
  });

  const configWith = (extra: Record<string, unknown>, dataDir: string): LoadedConfig =>
    parseConfig(
      { dataDir, environments: { dev: { fluxGitRepo: `${server.url}/remote.git`, sourceRepo: `${server.url}/{service}.git` } }, ...extra },
      join(root, 'rollbot.yaml'),
    );

  it('a token from git.tokenEnv reaches the Flux and source repos, and appears in no URL, file, message or request line', async () => {
    const config = configWith({ git: { tokenEnv: 'FLUX_GIT_TOKEN' } }, join(root, 'data'));
    useGitCredentials(gitCredentialsFor(config, { FLUX_GIT_TOKEN: TOKEN }));
    const reporter = recordingReporter();
    const result = await makeEngine(root).rollout(environmentOf(config, 'dev'), { service: 'papi', pr: 42 }, reporter);
    expect(result.status).toBe('updated');
    expect(await flux.show('clusters/dev/apps/papi/values.yaml')).toContain(`ps-42-${heads[42]!.slice(0, 7)}`);
    expect(server.seen.some((r) => r.url.includes('git-receive-pack') && r.status === 200)).toBe(true);

    expect(JSON.stringify(reporter.snapshots)).not.toContain(TOKEN);
    expect(server.seen.map((r) => r.url).join('\n')).not.toContain(TOKEN);
    const onDisk = await everythingUnder(join(root, 'data'));
    expect(onDisk).not.toContain(TOKEN);
    expect(onDisk).not.toContain(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'));
  });

  it('without the token git is refused, and the sentence names the repo and what to check', async () => {
    const config = configWith({}, join(root, 'data-none'));
    const error = await makeEngine(join(root, 'none'))
      .rollout(environmentOf(config, 'dev'), { service: 'papi', pr: 42 }, recordingReporter())
      .catch((e: unknown) => e);
    expect((error as { userMessage?: string }).userMessage).toMatch(/^Could not fetch branch 'main' of the Flux repo for 'dev' \(.*\)\. Check fluxGitRepo, the branch and the credentials/);
    expect(server.seen.at(-1)!.status).toBe(401);
  });

  it('refuses to send a token over plain http to anything but loopback', () => {
    const config = parseConfig({ git: { tokenEnv: 'T' }, environments: { dev: { fluxGitRepo: 'http://git.example.com/flux.git' } } }, join(root, 'x.yaml'));
    expect(() => gitCredentialsFor(config, { T: 'x' })).toThrow(/plain http, so rollbot's git token would cross the network unencrypted\. Use its https:\/\/ URL/);
  });

  it('a GitHub App: installation tokens from @octokit/auth-app (JWT checked by the emulator) are used for git and reused while valid', async () => {
    const keys = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
    await writeFile(join(root, 'app.pem'), keys.privateKey, { mode: 0o600 });
    github.state.apps.set('901', { appId: 901, slug: 'rollbot', publicKeyPem: keys.publicKey, installations: { 55: undefined } });
    const dataDir = join(root, 'data-app');
    const config = configWith({ github: { baseUrl: github.baseUrl, app: { appId: 901, installationId: 55, privateKeyFile: 'app.pem' } } }, dataDir);
    const tokens = githubTokenSource(config, {})!;
    useGitCredentials(gitCredentialsFor(config, {}, tokens));
    const result = await makeEngine(join(root, 'app')).rollout(environmentOf(config, 'dev'), { service: 'papi', pr: 42, sha: 'abcdef1234567' }, recordingReporter());
    expect(result.status).toBe('updated');
    expect(github.installationTokens.issued).toHaveLength(1);
    const issued = github.installationTokens.issued[0]!.token;
    expect(await everythingUnder(join(root, 'app'))).not.toContain(issued);
    // A second rollout within the hour reuses the token: no second JWT exchange.
    await makeEngine(join(root, 'app')).rollout(environmentOf(config, 'dev'), { service: 'papi', pr: 42, sha: 'bcdef12345678' }, recordingReporter());
    expect(github.installationTokens.issued).toHaveLength(1);
  });
});

describe('config keys for git credentials', () => {
  it('an SSH key needs a known_hosts file: host keys are always checked', () => {
    expect(() => parseConfig({ git: { sshKeyFile: 'deploy_key' }, environments: { dev: { fluxGitRepo: 'x' } } }, '/tmp/r.yaml')).toThrow(
      /'git\.sshKeyFile' needs 'git\.knownHostsFile' too/,
    );
  });

  it('paths resolve against the config file', () => {
    const config = parseConfig(
      { git: { sshKeyFile: 'keys/deploy', knownHostsFile: 'keys/known_hosts' }, github: { app: { appId: 1, installationId: 2, privateKeyFile: 'app.pem' } }, environments: { dev: { fluxGitRepo: 'x' } } },
      '/etc/rollbot/rollbot.yaml',
    );
    expect(config.git).toMatchObject({ sshKeyFile: '/etc/rollbot/keys/deploy', knownHostsFile: '/etc/rollbot/keys/known_hosts' });
    expect(config.github!.app!.privateKeyFile).toBe('/etc/rollbot/app.pem');
  });
});

