import { execa } from 'execa';
import { GitCommandFailed } from './git.js';

function startFastImport(dir: string) {
  return execa('git', ['fast-import', '--quiet', '--done'], {
    cwd: dir,
    buffer: false,
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    reject: false,
    env: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
  });
}

/**
 * Writes a batch's commits through one long-lived `git fast-import` instead of one process per
 * commit. Each commit's id is known at once (`get-mark`), so the next rollout builds on it; the
 * objects and the branch ref are written when the batch is finished. `--done` means a stream cut
 * short (a crash) writes no ref at all.
 */
export class BatchCommitWriter {
  private readonly child: ReturnType<typeof startFastImport>;
  private mark = 0;
  private stdout = '';
  private stderr = '';
  private readonly waiters: Array<(line: string) => void> = [];
  private exited = false;
  /** The index entries the finished batch must record (mode, blob, path), last one per path wins. */
  private readonly entries = new Map<string, { mode: string; blob: string }>();
  /** Commits of this stream by id: a parent written here is named by its mark. */
  private readonly marks = new Map<string, number>();

  constructor(
    private readonly dir: string,
    private readonly branch: string,
  ) {
    this.child = startFastImport(dir);
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.stdout += chunk;
      let newline: number;
      while ((newline = this.stdout.indexOf('\n')) >= 0) {
        const line = this.stdout.slice(0, newline);
        this.stdout = this.stdout.slice(newline + 1);
        this.waiters.shift()?.(line);
      }
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => (this.stderr += chunk));
    void this.child.then(() => {
      this.exited = true;
      for (const w of this.waiters.splice(0)) w('');
    });
  }

  /** One commit of the files' new contents on top of `parent`; returns the commit id. */
  async commit(files: Array<{ file: string; content: Buffer; mode: string }>, message: string, who: string, parent: string): Promise<string> {
    if (this.exited) throw this.failure('fast-import stopped');
    const blobs = files.map(() => ++this.mark);
    const commit = ++this.mark;
    const parts: Buffer[] = [];
    for (const [i, f] of files.entries()) parts.push(Buffer.from(`blob\nmark :${blobs[i]}\ndata ${f.content.length}\n`), f.content, Buffer.from('\n'));
    const from = this.marks.has(parent) ? `:${this.marks.get(parent)}` : parent;
    const changes = files.map((f, i) => `M ${f.mode} :${blobs[i]} ${f.file}\n`).join('');
    parts.push(
      Buffer.from(
        `commit refs/heads/${this.branch}\nmark :${commit}\nauthor ${who}\ncommitter ${who}\ndata ${Buffer.byteLength(message)}\n${message}\nfrom ${from}\n${changes}\n` +
          blobs.map((m) => `get-mark :${m}\n`).join('') +
          `get-mark :${commit}\n`,
      ),
    );
    const blobIds = blobs.map(() => this.nextLine());
    const commitId = this.nextLine();
    this.child.stdin.write(Buffer.concat(parts));
    const ids = await Promise.all([...blobIds, commitId]);
    if (!ids.every((id) => /^[0-9a-f]{40,64}$/.test(id))) throw this.failure('no commit id');
    const c = ids[ids.length - 1]!;
    for (const [i, f] of files.entries()) this.entries.set(f.file, { mode: f.mode, blob: ids[i]! });
    this.marks.set(c, commit);
    return c;
  }

  /** Ends the stream: fast-import writes the objects and moves the branch to the last commit. */
  async finish(): Promise<Array<{ file: string; mode: string; blob: string }>> {
    if (!this.exited) this.child.stdin.end('done\n');
    const result = await this.child;
    if (result.exitCode !== 0) throw this.failure(`exit ${result.exitCode}`);
    return [...this.entries].map(([file, e]) => ({ file, ...e }));
  }

  /** Drops the stream without writing a ref (the batch failed before its push). */
  abort(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }

  private nextLine(): Promise<string> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private failure(what: string): GitCommandFailed {
    return new GitCommandFailed(['fast-import', what], { stdout: '', stderr: this.stderr, exitCode: 1 });
  }
}
