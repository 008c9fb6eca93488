import { git } from './git.js';
import { GitObjectStore } from './git-object-store.js';

const listings = new Map<string, Promise<string[]>>();
/** Blob ids by path, per repository and commit, from the listings made so far. */
const blobIds = new Map<string, Map<string, string>>();
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

  /**
   * A file's text, or null when the commit has no such file. A file of a listing already made is read
   * by its blob id: looking up `<commit>:<path>` walks the trees on the path each time, which for
   * thousands of files in one folder costs more than the reads.
   */
  async read(file: string): Promise<string | null> {
    const known = blobIds.get(`${this.gitDir}\0${this.commit}`);
    const object = await GitObjectStore.of(this.gitDir).read(known?.get(file) ?? `${this.commit}:${file}`);
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
      const args = ['ls-tree', '-r', '-z', '--full-tree', this.commit, ...(under ? ['--', `${under}/`] : [])];
      listing = git(args, this.gitDir).then((r) => this.remember(r.stdout));
      listing.catch(() => listings.delete(key));
      if (listings.size >= MAX_LISTINGS) {
        listings.delete(listings.keys().next().value!);
        if (blobIds.size > MAX_LISTINGS) blobIds.delete(blobIds.keys().next().value!);
      }
      listings.set(key, listing);
    }
    return listing;
  }

  /** `<mode> <type> <oid>\t<path>` records: the blobs' paths, and their ids for later reads. */
  private remember(output: string): string[] {
    const key = `${this.gitDir}\0${this.commit}`;
    let ids = blobIds.get(key);
    if (!ids) blobIds.set(key, (ids = new Map()));
    const paths: string[] = [];
    for (const record of output.split('\0')) {
      const tab = record.indexOf('\t');
      if (tab < 0) continue;
      const [, type, oid] = record.slice(0, tab).split(' ');
      if (type !== 'blob') continue;
      const path = record.slice(tab + 1);
      ids.set(path, oid!);
      paths.push(path);
    }
    return paths;
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
