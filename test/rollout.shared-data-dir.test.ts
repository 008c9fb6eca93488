import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BareRepo, removeDir, run, tempDir, valuesFile } from './support/git-fixtures.js';

const CHILD = join(import.meta.dirname, 'fixtures', 'rollout-child.ts');

let root: string;
beforeEach(async () => {
  root = await tempDir();
});
afterEach(async () => {
  await removeDir(root);
});

describe('two worker processes sharing one data dir', () => {
  it('take turns on the cached clone: every rollout lands and the clone stays sound', async () => {
    const services = Array.from({ length: 8 }, (_, i) => `svc${i}`);
    const flux = await BareRepo.create(root, Object.fromEntries(services.map((s) => [`apps/${s}/values.yaml`, valuesFile(s, 'old')])));
    const dataDir = join(root, 'data');
    const children = [services.slice(0, 4), services.slice(4)].map((mine) =>
      execa('node', ['--import', 'tsx', CHILD, dataDir, flux.url, ...mine], { cwd: join(import.meta.dirname, '..') }),
    );
    const results = await Promise.all(children);
    expect(results.map((r) => r.stdout.trim())).toEqual(['done', 'done']);
    expect(await flux.commitCount()).toBe(9);
    for (const service of services) expect(await flux.show(`apps/${service}/values.yaml`)).toMatch(/tag: ps-10\d-abcdef1/);
    const clone = join(dataDir, 'flux-repos', 'rdebug.git');
    expect(await run(clone, 'rev-parse', '--is-bare-repository')).toBe('true');
    expect(await run(clone, 'fsck', '--no-dangling', '--no-progress')).toBe('');
    expect(await run(clone, 'rev-parse', 'refs/remotes/origin/main')).toBe(await run(flux.url, 'rev-parse', 'main'));
  });
});
