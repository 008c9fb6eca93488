import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';

/**
 * source-controller's part in miniature: a bare mirror per GitRepository, fetched with real git, and
 * read at a revision without a working tree.
 */
export class GitSource {
  constructor(private readonly cacheDir: string) {}

  private dirOf(namespace: string, name: string): string {
    return join(this.cacheDir, `${namespace}--${name}.git`);
  }

  /** Fetches the branch and returns its head commit. */
  async fetch(namespace: string, name: string, url: string, branch: string): Promise<{ dir: string; sha: string }> {
    const dir = this.dirOf(namespace, name);
    await mkdir(dir, { recursive: true });
    await execa('git', ['init', '--quiet', '--bare', dir]);
    await execa('git', ['--git-dir', dir, 'fetch', '--quiet', '--force', '--no-tags', url, `+refs/heads/${branch}:refs/heads/${branch}`]);
    const { stdout } = await execa('git', ['--git-dir', dir, 'rev-parse', `refs/heads/${branch}`]);
    return { dir, sha: stdout.trim() };
  }
}

/** Files of one commit, read on demand (kustomize's view of the artifact). */
export class GitTree {
  private files?: Set<string>;

  constructor(
    private readonly dir: string,
    readonly sha: string,
  ) {}

  async paths(): Promise<Set<string>> {
    if (!this.files) {
      const { stdout } = await execa('git', ['--git-dir', this.dir, 'ls-tree', '-r', '-z', '--name-only', this.sha]);
      this.files = new Set(stdout.split('\0').filter(Boolean));
    }
    return this.files;
  }

  async exists(path: string): Promise<boolean> {
    return (await this.paths()).has(path);
  }

  async isDir(path: string): Promise<boolean> {
    const prefix = path ? `${path}/` : '';
    for (const file of await this.paths()) if (file.startsWith(prefix)) return true;
    return false;
  }

  async read(path: string): Promise<string> {
    const { stdout } = await execa('git', ['--git-dir', this.dir, 'cat-file', 'blob', `${this.sha}:${path}`], { stripFinalNewline: false });
    return stdout;
  }
}
