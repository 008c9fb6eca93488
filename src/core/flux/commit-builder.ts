import type { GitObjectStore } from './git-object-store.js';
import { encodeTree, objectId, parseTree } from './git-object-store.js';

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
 *
 * The trees on the paths are read in one pipelined batch; the new objects' ids are computed here
 * (so a parent tree need not wait for its child's write) and every object is then written in one
 * pipelined batch, git checking each id against ours.
 */
export async function buildCommit(store: GitObjectStore, spec: CommitSpec): Promise<string> {
  const parent = await store.read(spec.parent);
  if (parent?.type !== 'commit') throw new Error(`internal: ${spec.parent} is not a commit`);
  const rootTree = /^tree ([0-9a-f]+)$/m.exec(parent.content.toString('utf8'))?.[1];
  if (!rootTree) throw new Error(`internal: commit ${spec.parent} has no tree`);
  const oidLength = rootTree.length;

  // Paths as byte strings (latin1 of their UTF-8), like tree entry names: a sibling whose name is
  // not UTF-8 is written back byte for byte.
  const files = new Map<string, Buffer>();
  const folders = new Set<string>(['']);
  for (const change of spec.changes) {
    const parts = change.file.split('/');
    if (!change.file || change.file.startsWith('/') || parts.some((s) => s === '' || s === '.' || s === '..')) {
      throw new Error(`internal: cannot commit a path like ${JSON.stringify(change.file)}`);
    }
    const path = Buffer.from(change.file, 'utf8').toString('latin1');
    files.set(path, Buffer.isBuffer(change.content) ? change.content : Buffer.from(change.content, 'utf8'));
    const bytes = path.split('/');
    for (let i = 1; i < bytes.length; i++) folders.add(bytes.slice(0, i).join('/'));
  }
  // Every folder on the paths as it is now (a missing one is new).
  const listed = await Promise.all(
    [...folders].map(async (folder) => {
      const object = await store.read(folder ? `${rootTree}:${utf8(folder)}` : rootTree);
      if (object && object.type !== 'tree') throw new Error(`${utf8(folder)} is a file in the Flux repo, not a folder`);
      return [folder, object ? parseTree(object.content, oidLength / 2) : []] as const;
    }),
  );
  const entries = new Map(listed.map(([folder, list]) => [folder, new Map(list.map((e) => [e.name, e]))]));

  const writes: Array<{ type: 'blob' | 'tree' | 'commit'; content: Buffer; oid: string }> = [];
  const put = (type: 'blob' | 'tree' | 'commit', content: Buffer) => {
    const oid = objectId(type, content, oidLength);
    writes.push({ type, content, oid });
    return oid;
  };
  for (const [file, content] of files) {
    const slash = file.lastIndexOf('/');
    const [folder, name] = slash < 0 ? ['', file] : [file.slice(0, slash), file.slice(slash + 1)];
    const existing = entries.get(folder)!.get(name);
    if (existing && !/^100[67][0-9]{2}$/.test(existing.mode)) throw new Error(`${utf8(file)} is not a plain file in the Flux repo; it cannot be written as one`);
    entries.get(folder)!.set(name, { name, mode: existing?.mode ?? '100644', oid: put('blob', content) });
  }
  // Deepest folders first: each new tree's id goes into its parent.
  let rootOid = rootTree;
  for (const folder of [...folders].sort((a, b) => depth(b) - depth(a))) {
    const oid = put('tree', encodeTree([...entries.get(folder)!.values()]));
    if (folder === '') rootOid = oid;
    else {
      const slash = folder.lastIndexOf('/');
      const [up, name] = slash < 0 ? ['', folder] : [folder.slice(0, slash), folder.slice(slash + 1)];
      const existing = entries.get(up)!.get(name);
      if (existing && existing.mode !== '040000') throw new Error(`${utf8(folder)} is a file in the Flux repo, not a folder`);
      entries.get(up)!.set(name, { name, mode: '040000', oid });
    }
  }
  const commit = put('commit', Buffer.from(`tree ${rootOid}\nparent ${spec.parent}\nauthor ${spec.who}\ncommitter ${spec.who}\n\n${spec.message}`, 'utf8'));
  await Promise.all(writes.map((w) => store.write(w.type, w.content, w.oid)));
  return commit;
}

const utf8 = (bytes: string) => Buffer.from(bytes, 'latin1').toString('utf8');

function depth(folder: string): number {
  return folder === '' ? 0 : folder.split('/').length;
}
