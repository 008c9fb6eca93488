import { git } from './git.js';
import { GitObjectStore } from './git-object-store.js';

const listings = new Map<string, Promise<string[]>>();
const MAX_LISTINGS = 16;

/**
 * The files of a Flux repository at one commit, read from its bare clone through the long-lived
 * `cat-file --batch` (no work tree is checked out or kept in step). Paths are relative to the repo
 * root, with forward slashes.
 */
export class RepoTree {
  constructor(
    readonly gitDir: string,
    readonly commit: string,
  ) {}

  /** The same repository at another commit. */
  at(commit: string): RepoTree {
    return new RepoTree(this.gitDir, commit);
  }

  /** A file's text, or null when the commit has no such file. */
  async read(file: string): Promise<string | null> {
    const object = await GitObjectStore.of(this.gitDir).read(`${this.commit}:${file}`);
    return object?.type === 'blob' ? object.content.toString('utf8') : null;
  }

  /** What a path is at this commit: a file, a folder, or nothing. */
  async kind(path: string): Promise<'file' | 'folder' | null> {
    const object = await GitObjectStore.of(this.gitDir).read(`${this.commit}:${path}`);
    return object?.type === 'blob' ? 'file' : object?.type === 'tree' ? 'folder' : null;
  }

  /** Every file below `under` ('' for all), from one `ls-tree`, kept for the last few commits. */
  files(under = ''): Promise<string[]> {
    const key = `${this.gitDir}\0${this.commit}\0${under}`;
    let listing = listings.get(key);
    if (!listing) {
      listing = git(['ls-tree', '-r', '-z', '--name-only', '--full-tree', this.commit, ...(under ? ['--', `${under}/`] : [])], this.gitDir).then((r) =>
        r.stdout.split('\0').filter(Boolean),
      );
      listing.catch(() => listings.delete(key));
      if (listings.size >= MAX_LISTINGS) listings.delete(listings.keys().next().value!);
      listings.set(key, listing);
    }
    return listing;
  }

  /** The YAML files below `under`. */
  async yamlFiles(under = ''): Promise<string[]> {
    return (await this.files(under)).filter((f) => /\.ya?ml$/.test(f));
  }

  /** Files matching `pathspecs` that contain one of `words` (fixed strings), by `git grep` at the commit. */
  async grep(words: string[], pathspecs: string[]): Promise<string[]> {
    const result = await git(['grep', '-l', '-z', '--fixed-strings', ...words.flatMap((w) => ['-e', w]), this.commit, '--', ...pathspecs], this.gitDir, {
      allowFailure: true,
    });
    const prefix = `${this.commit}:`;
    return result.stdout
      .split('\0')
      .filter(Boolean)
      .map((f) => (f.startsWith(prefix) ? f.slice(prefix.length) : f));
  }
}
