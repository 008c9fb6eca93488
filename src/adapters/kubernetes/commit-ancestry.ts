import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import type { EnvironmentConfig } from '../../core/config/schema.js';
import { KeyedMutex } from '../../core/keyed-mutex.js';

/**
 * "Does the revision Flux has contain our commit?" answered from a bare mirror of the Flux repo kept
 * for this purpose (fetched only when the revision is unknown), so the rollout clone is never touched.
 */
export class CommitAncestry {
  private readonly mutex = new KeyedMutex();

  constructor(private readonly dataDir: string) {}

  async contains(env: EnvironmentConfig, commit: string, sha: string): Promise<boolean> {
    if (commit === sha) return true;
    const dir = join(this.dataDir, 'follow-mirrors', `${env.name}.git`);
    return this.mutex.run(env.name, async () => {
      const has = async (rev: string) => (await execa('git', ['--git-dir', dir, 'cat-file', '-e', `${rev}^{commit}`], { reject: false })).exitCode === 0;
      if (!(await has(sha)) || !(await has(commit))) {
        await mkdir(dir, { recursive: true });
        await execa('git', ['init', '--quiet', '--bare', dir]);
        await execa('git', ['--git-dir', dir, 'fetch', '--quiet', '--force', '--no-tags', env.fluxGitRepo, `+refs/heads/${env.branch}:refs/heads/${env.branch}`]);
      }
      const result = await execa('git', ['--git-dir', dir, 'merge-base', '--is-ancestor', commit, sha], { reject: false });
      return result.exitCode === 0;
    });
  }
}
