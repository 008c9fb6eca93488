import type { Readable, Writable } from 'node:stream';
import { execa, type ResultPromise } from 'execa';
import { GitUnavailable } from '../errors.js';
import { GitCommandFailed } from './git.js';

/** Reads one answer from the front of what the process printed so far, or undefined until it is all there. */
export type AnswerParser<T> = (buffer: Buffer) => { used: number; value: T } | undefined;

/** One line (the process flushes after each answer). */
export const lineAnswer: AnswerParser<string> = (buffer) => {
  const end = buffer.indexOf(10);
  return end < 0 ? undefined : { used: end + 1, value: buffer.subarray(0, end).toString('utf8') };
};

interface Pending {
  parse: AnswerParser<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

type Child = ResultPromise<{ buffer: false; stdin: 'pipe'; stdout: 'pipe'; stderr: 'pipe'; reject: false }>;

/**
 * A git process that stays up and answers requests in order over its stdin and stdout
 * (`cat-file --batch`, `hash-object --stdin-paths`): a request costs a pipe round
 * trip instead of a process start. Requests are queued; answers are matched in order. A process that
 * exits fails what was waiting and is started again on the next request. It never keeps Node's event
 * loop alive while nothing waits on it.
 */
export class GitPipe {
  private session?: Session;

  constructor(
    private readonly args: string[],
    private readonly cwd: string,
    /** A process asked nothing for this long ends (a worker with many clones keeps few processes). */
    private readonly idleMs = 30_000,
  ) {}

  request<T>(input: string | Buffer, parse: AnswerParser<T>): Promise<T> {
    const session = this.session ?? (this.session = this.start());
    clearTimeout(session.idle);
    return new Promise<T>((resolve, reject) => {
      if (session.pending.length === 0) holdLoop(session.child, true);
      session.pending.push({ parse, resolve: resolve as (value: unknown) => void, reject });
      session.child.stdin.write(input);
    });
  }

  /** Ends the process once it has answered what it was asked. */
  close(): void {
    if (this.session) clearTimeout(this.session.idle);
    this.session?.child.stdin.end();
    this.session = undefined;
  }

  /** The process now answering, if one is up (for tests and diagnostics). */
  get pid(): number | undefined {
    return this.session?.child.pid;
  }

  private start(): Session {
    const child = execa('git', this.args, {
      cwd: this.cwd,
      buffer: false,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      reject: false,
      env: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    }) as Child;
    // Answers and waiters belong to one process: one that exits fails only its own requests.
    const session: Session = { child, buffer: Buffer.alloc(0), pending: [], stderr: '' };
    child.stdout.on('data', (chunk: Buffer) => {
      if (!onData(session, chunk)) return;
      clearTimeout(session.idle);
      session.idle = setTimeout(() => this.session === session && this.close(), this.idleMs).unref();
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => (session.stderr = (session.stderr + text).slice(-4000)));
    child.stdin.on('error', () => undefined); // an exit is reported below
    void child.then((result) => {
      if (this.session === session) this.session = undefined;
      const waiting = session.pending.splice(0);
      if (!waiting.length) return;
      const error =
        result.exitCode === undefined && result.failed
          ? new GitUnavailable(`git could not be started (${result.shortMessage}). Install git (apt-get install git) on the worker.`)
          : new GitCommandFailed(this.args, { stdout: '', stderr: session.stderr, exitCode: result.exitCode ?? 1 });
      for (const p of waiting) p.reject(error);
    });
    holdLoop(child, false);
    return session;
  }
}

interface Session {
  child: Child;
  buffer: Buffer;
  pending: Pending[];
  stderr: string;
  idle?: NodeJS.Timeout;
}

/** Hands complete answers to their waiters; true once nothing waits any more. */
function onData(session: Session, chunk: Buffer): boolean {
  session.buffer = session.buffer.length ? Buffer.concat([session.buffer, chunk]) : chunk;
  while (session.pending.length) {
    const answer = session.pending[0]!.parse(session.buffer);
    if (!answer) return false;
    session.buffer = session.buffer.subarray(answer.used);
    session.pending.shift()!.resolve(answer.value);
  }
  holdLoop(session.child, false);
  return true;
}

/** ref() while an answer is awaited (a CLI run must not end mid-request), unref() when idle. */
function holdLoop(child: Child, hold: boolean): void {
  const streams = [child.stdin, child.stdout, child.stderr] as Array<(Readable | Writable) & { ref?: () => void; unref?: () => void }>;
  for (const s of streams) (hold ? s.ref : s.unref)?.call(s);
  if (hold) child.ref();
  else child.unref();
}
