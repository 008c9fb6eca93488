import type { GitObjectStore, TreeEntry } from './git-object-store.js';
import { parseTree } from './git-object-store.js';

export interface FileChange {
  /** Path from the repo root, forward slashes. */
  file: string;
  content: Buffer | string;
}

export interface CommitSpec {
  parent: string;
  changes: FileChange[];
  message: string;
  /** `Name <email> <unix seconds> <tz>`, for author and committer. */
  who: string;
}

/**
 * Writes a commit of `changes` on top of `parent` with plumbing only: the changed blobs, the trees
 * on their paths (every other entry is the parent's, untouched), and the commit. No ref moves.
 * A file keeps its mode (an executable stays executable); a new file is 100644.
 */
export async function buildCommit(store: GitObjectStore, spec: CommitSpec): Promise<string> {
  const parent = await store.read(spec.parent);
  if (parent?.type !== 'commit') throw new Error(`internal: ${spec.parent} is not a commit`);
  const rootTree = /^tree ([0-9a-f]+)$/m.exec(parent.content.toString('utf8'))?.[1];
  if (!rootTree) throw new Error(`internal: commit ${spec.parent} has no tree`);
  const byPath = new Map<string, Buffer | string>();
  for (const change of spec.changes) {
    if (!change.file || change.file.startsWith('/') || change.file.split('/').some((s) => s === '' || s === '.' || s === '..')) {
      throw new Error(`internal: cannot commit a path like ${JSON.stringify(change.file)}`);
    }
    byPath.set(change.file, change.content);
  }
  const tree = await rewriteTree(store, rootTree, '', byPath, rootTree.length / 2);
  return store.writeCommit(`tree ${tree}\nparent ${spec.parent}\nauthor ${spec.who}\ncommitter ${spec.who}\n\n${spec.message}`);
}

async function rewriteTree(store: GitObjectStore, treeOid: string | null, prefix: string, changes: Map<string, Buffer | string>, oidBytes: number): Promise<string> {
  const entries: TreeEntry[] = [];
  if (treeOid) {
    const tree = await store.read(treeOid);
    if (tree?.type !== 'tree') throw new Error(`internal: ${treeOid} is not a tree`);
    entries.push(...parseTree(tree.content, oidBytes));
  }
  const files = new Map<string, Buffer | string>();
  const folders = new Map<string, Map<string, Buffer | string>>();
  for (const [path, content] of changes) {
    const slash = path.indexOf('/');
    if (slash < 0) files.set(path, content);
    else {
      const folder = path.slice(0, slash);
      if (!folders.has(folder)) folders.set(folder, new Map());
      folders.get(folder)!.set(path.slice(slash + 1), content);
    }
  }
  const place = (name: string, entry: Omit<TreeEntry, 'name'>) => {
    const at = entries.findIndex((e) => e.name === name);
    if (at >= 0) entries[at] = { name, ...entry };
    else entries.push({ name, ...entry });
  };
  for (const [name, content] of files) {
    const existing = entries.find((e) => e.name === name);
    if (existing && !/^100[67][0-9]{2}$/.test(existing.mode)) throw new Error(`${prefix}${name} is not a plain file in the Flux repo; it cannot be written as one`);
    place(name, { mode: existing?.mode ?? '100644', oid: await store.writeBlob(content) });
  }
  for (const [name, inner] of folders) {
    const existing = entries.find((e) => e.name === name);
    if (existing && existing.mode !== '040000') throw new Error(`${prefix}${name} is a file in the Flux repo, not a folder`);
    place(name, { mode: '040000', oid: await rewriteTree(store, existing?.oid ?? null, `${prefix}${name}/`, inner, oidBytes) });
  }
  return store.writeTree(entries);
}
