import { createHash } from 'node:crypto';
import { unlink, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { GitPipe, lineAnswer, type AnswerParser } from './git-pipe.js';

export interface GitObject {
  oid: string;
  type: 'blob' | 'tree' | 'commit' | 'tag';
  content: Buffer;
}

export interface TreeEntry {
  /** Octal as git writes it: 100644, 100755, 120000, 040000, 160000. */
  mode: string;
  /** The name's bytes as a latin1 string (names need not be UTF-8; this keeps every byte). */
  name: string;
  oid: string;
}

const SLASH = Buffer.from('/');
const NUL = Buffer.from([0]);
const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
const HEADER = /^([0-9a-f]{40}(?:[0-9a-f]{24})?) (blob|tree|commit|tag) (\d+)$/;

/** `cat-file --batch` answers: `<oid> <type> <size>\n<content>\n`, or `<name> missing\n`. */
const objectAnswer: AnswerParser<GitObject | null> = (buffer) => {
  const end = buffer.indexOf(10);
  if (end < 0) return undefined;
  const header = HEADER.exec(buffer.subarray(0, end).toString('utf8'));
  if (!header) return { used: end + 1, value: null };
  const size = Number(header[3]);
  if (buffer.length < end + 1 + size + 1) return undefined;
  const content = Buffer.from(buffer.subarray(end + 1, end + 1 + size));
  return { used: end + 2 + size, value: { oid: header[1]!, type: header[2] as GitObject['type'], content } };
};

function checkedOid(answer: string): string {
  if (!OID.test(answer)) throw new Error(`git answered '${answer}' where an object id was expected`);
  return answer;
}

/**
 * The objects of one repository (a bare clone), read and written through long-lived git plumbing:
 * `cat-file --batch` reads, `hash-object -w --stdin-paths` (one process per object type) writes
 * blobs, trees and commits. Nothing here touches a work tree or an index, and no process starts per object.
 * Writes are loose objects with no ref: until a push (or a ref) names them they are garbage git's
 * own gc collects.
 */
export class GitObjectStore {
  private static readonly stores = new Map<string, GitObjectStore>();
  private readonly reader: GitPipe;
  private readonly pipes: Record<'blob' | 'tree' | 'commit', GitPipe>;
  /** hash-object reads files: scratch files named after this process, one per write. */
  private readonly scratch: string;
  private written = 0;

  private constructor(readonly gitDir: string) {
    this.reader = new GitPipe(['cat-file', '--batch'], gitDir);
    this.pipes = {
      blob: new GitPipe(['hash-object', '-w', '--no-filters', '--stdin-paths'], gitDir),
      tree: new GitPipe(['hash-object', '-t', 'tree', '-w', '--stdin-paths'], gitDir),
      commit: new GitPipe(['hash-object', '-t', 'commit', '-w', '--stdin-paths'], gitDir),
    };
    this.scratch = resolve(gitDir, `rollbot-object-${process.pid}`); // hash-object runs in gitDir: an absolute path
  }

  static of(gitDir: string): GitObjectStore {
    let store = GitObjectStore.stores.get(gitDir);
    if (!store) GitObjectStore.stores.set(gitDir, (store = new GitObjectStore(gitDir)));
    return store;
  }

  /** Ends every long-lived git process (a clone is deleted, or the process shuts down). */
  static closeAll(gitDir?: string): void {
    for (const [dir, store] of GitObjectStore.stores) {
      if (gitDir && dir !== gitDir) continue;
      store.close();
      GitObjectStore.stores.delete(dir);
    }
  }

  /** An object by anything `cat-file` understands (`<commit>:<path>`, an oid, a ref), or null. */
  read(spec: string): Promise<GitObject | null> {
    if (/[\n\r]/.test(spec)) throw new Error(`internal: cannot read an object named ${JSON.stringify(spec)}`);
    return this.reader.request(`${spec}\n`, objectAnswer);
  }

  /**
   * Writes one object. Several writes may be in flight at once (each has its own scratch file and
   * the pipes answer in order), so a commit's blob, trees and commit cost about one round trip.
   * With `expected` (the id computed beforehand), an answer that differs is an error.
   */
  async write(type: 'blob' | 'tree' | 'commit', content: Buffer | string, expected?: string): Promise<string> {
    const path = `${this.scratch}-${++this.written}`;
    await writeFile(path, content);
    try {
      const oid = checkedOid(await this.pipes[type].request(`${path}\n`, lineAnswer));
      if (expected && oid !== expected) throw new Error(`internal: git wrote ${type} ${oid} where ${expected} was computed`);
      return oid;
    } finally {
      void unlink(path).catch(() => undefined);
    }
  }

  private close(): void {
    for (const pipe of [this.reader, ...Object.values(this.pipes)]) pipe.close();
  }
}

/** The id git gives an object: the hash of `<type> <size>\0<content>` (SHA-1, or SHA-256 for 64-digit ids). */
export function objectId(type: 'blob' | 'tree' | 'commit', content: Buffer, oidLength: number): string {
  return createHash(oidLength === 64 ? 'sha256' : 'sha1')
    .update(`${type} ${content.length}\0`)
    .update(content)
    .digest('hex');
}

/** A tree in git's binary format, entries sorted as git sorts them (a folder as if its name ended in '/'). */
export function encodeTree(entries: TreeEntry[]): Buffer {
  const keyed = entries.map((e) => {
    if (!e.name || e.name.includes('/') || e.name.includes('\0')) throw new Error(`internal: bad tree entry name ${JSON.stringify(e.name)}`);
    const name = Buffer.from(e.name, 'latin1');
    return { e, name, key: typeOfMode(e.mode) === 'tree' ? Buffer.concat([name, SLASH]) : name };
  });
  keyed.sort((a, b) => Buffer.compare(a.key, b.key));
  const parts: Buffer[] = [];
  for (const { e, name } of keyed) parts.push(Buffer.from(`${e.mode.replace(/^0+/, '')} `, 'latin1'), name, NUL, Buffer.from(e.oid, 'hex'));
  return Buffer.concat(parts);
}

export function typeOfMode(mode: string): 'tree' | 'commit' | 'blob' {
  if (mode === '40000' || mode === '040000') return 'tree';
  if (mode === '160000') return 'commit';
  return 'blob';
}

/** The entries of a raw tree object (`<mode> <name>\0<binary oid>`, repeated). */
export function parseTree(content: Buffer, oidBytes: number): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (let at = 0; at < content.length; ) {
    const space = content.indexOf(32, at);
    const nul = content.indexOf(0, space);
    const mode = content.subarray(at, space).toString('latin1');
    entries.push({
      mode: mode === '40000' ? '040000' : mode,
      name: content.subarray(space + 1, nul).toString('latin1'),
      oid: content.subarray(nul + 1, nul + 1 + oidBytes).toString('hex'),
    });
    at = nul + 1 + oidBytes;
  }
  return entries;
}
