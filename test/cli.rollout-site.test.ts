import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stringify } from 'yaml';
import { rolloutFromTerminal } from '../src/cli/rollout-command.js';
import { loadConfig } from '../src/core/config/load.js';
import { BareRepo, removeDir, tempDir } from './support/git-fixtures.js';

let root: string;
beforeEach(async () => {
  root = await tempDir();
});
afterEach(async () => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  await removeDir(root);
});

describe('rollbot rollout on the CLI, when the image could be in several places', () => {
  it('prints each candidate with the --site that picks it, then writes exactly the picked one', async () => {
    const flux = await BareRepo.create(root, { 'apps/dns/values.yaml': readFileSync(new URL('./fixtures/image-sites/nested-values.yaml', import.meta.url), 'utf8') });
    const configPath = join(root, 'rollbot.yaml');
    await writeFile(configPath, stringify({ dataDir: join(root, 'data'), environments: { dev: { fluxGitRepo: flux.url } } }));
    const stderr: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);

    await rolloutFromTerminal(loadConfig(configPath), ['dns', '5', '--env', 'dev', '--sha', 'abcdef1234'], 'alice');
    expect(process.exitCode).toBe(2);
    expect(stderr.join('')).toBe(
      "Found several images for 'dns' in `apps/dns/values.yaml`, so nothing was changed:\n" +
        '  apps/dns/values.yaml  provider.webhook.image.tag  (now v0.4.0)\n    rollbot rollout dns 5 --env dev --sha abcdef1234 --site apps/dns/values.yaml:provider.webhook.image.tag\n' +
        '  apps/dns/values.yaml  app.image.tag  (now v1.14.0)\n    rollbot rollout dns 5 --env dev --sha abcdef1234 --site apps/dns/values.yaml:app.image.tag\n' +
        "Run one of these, or set the service's container, imagePath or fluxPath in the config.\n",
    );
    expect(await flux.commitCount()).toBe(1);

    process.exitCode = undefined;
    await rolloutFromTerminal(loadConfig(configPath), ['dns', '5', '--env', 'dev', '--sha', 'abcdef1234', '--site', 'apps/dns/values.yaml:app.image.tag'], 'alice');
    expect(await flux.changedLines()).toEqual(['-    tag: v1.14.0', '+    tag: ps-5-abcdef1']);
  });
});
