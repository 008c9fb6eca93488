import { existsSync } from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { environmentOf, parseConfig } from '../src/core/config/load.js';
import { sshCommand, useGitCredentials } from '../src/core/credentials/git-credentials.js';
import { gitCredentialsFor } from '../src/runtime/git-access.js';
import { BareRepo, createSourceRepo, removeDir, tempDir, valuesFile } from './support/git-fixtures.js';
import { makeEngine, recordingReporter } from './support/rollout-env.js';
import { SSHD, startSshServer, type SshServer } from './support/ssh-server.js';

describe.skipIf(!existsSync(SSHD))('git over SSH with a deploy key, against a real sshd on loopback', () => {
  let root: string;
  let sshd: SshServer;
  let flux: BareRepo;
  let heads: Record<number, string>;

  beforeAll(async () => {
    root = await tempDir('rollbot-ssh-');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'deploy', '-f', join(root, 'deploy_key')]);
    sshd = await startSshServer(join(root, 'sshd'), await readFile(join(root, 'deploy_key.pub'), 'utf8'));
    await writeFile(join(root, 'known_hosts'), sshd.knownHostsLine);
    flux = await BareRepo.create(root, { 'apps/papi/values.yaml': valuesFile('papi', 'ps-1-0000000') });
    heads = (await createSourceRepo(root, 'papi', { 42: 1 })).heads;
  }, 30_000);
  afterEach(() => useGitCredentials(undefined));
  afterAll(async () => {
    await sshd?.stop();
    if (root) await removeDir(root);
  });

  const config = (extra: Record<string, unknown> = {}) =>
    parseConfig(
      {
        git: { sshKeyFile: 'deploy_key', knownHostsFile: 'known_hosts', ...extra },
        environments: { dev: { fluxGitRepo: `ssh://${sshd.user}@127.0.0.1:${sshd.port}${flux.url}`, sourceRepo: `ssh://${sshd.user}@127.0.0.1:${sshd.port}${root}/{service}.git` } },
      },
      join(root, 'rollbot.yaml'),
    );

  it('fetches the PR head from the source repo and pushes the Flux change with the deploy key', async () => {
    const c = config();
    useGitCredentials(gitCredentialsFor(c, {}));
    const result = await makeEngine(root).rollout(environmentOf(c, 'dev'), { service: 'papi', pr: 42 }, recordingReporter());
    expect(result.status).toBe('updated');
    expect(await flux.show('apps/papi/values.yaml')).toContain(`ps-42-${heads[42]!.slice(0, 7)}`);
  });

  it('checks the host key: a server not in known_hosts is refused and nothing is pushed', async () => {
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(root, 'other_host')]);
    const other = (await readFile(join(root, 'other_host.pub'), 'utf8')).split(' ').slice(0, 2).join(' ');
    await writeFile(join(root, 'wrong_known_hosts'), `[127.0.0.1]:${sshd.port} ${other}\n`);
    const c = config({ knownHostsFile: 'wrong_known_hosts' });
    useGitCredentials(gitCredentialsFor(c, {}));
    const before = await flux.commitCount();
    const error = (await makeEngine(join(root, 'wrong')).rollout(environmentOf(c, 'dev'), { service: 'papi', pr: 42, sha: 'abcdef1234' }, recordingReporter()).catch((e: unknown) => e)) as { userMessage?: string };
    expect(error.userMessage).toMatch(/Could not fetch branch 'main' of the Flux repo for 'dev' \(.*Host key verification failed.*\)\. Check fluxGitRepo, the branch and the credentials/);
    expect(await flux.commitCount()).toBe(before);
  });

  it('refuses a key file other users can read, as ssh would', async () => {
    await writeFile(join(root, 'open_key'), await readFile(join(root, 'deploy_key')));
    await chmod(join(root, 'open_key'), 0o644);
    expect(() => gitCredentialsFor(config({ sshKeyFile: 'open_key' }), {})).toThrow(/can be read by other users, so ssh refuses it\. Run chmod 600/);
  });
});

describe('GIT_SSH_COMMAND', () => {
  it('quotes paths for the shell git runs it with', () => {
    expect(sshCommand({ keyFile: "/keys/it's here", knownHostsFile: '/k/known hosts' })).toBe(
      "ssh -i '/keys/it'\\''s here' -o IdentitiesOnly=yes -o 'UserKnownHostsFile=/k/known hosts' -o StrictHostKeyChecking=yes -o BatchMode=yes",
    );
  });
});
