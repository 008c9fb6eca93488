import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '../progress.js';
import { isRunId, validateRunId } from './run-id.js';
import type { RunState, RunStateStore } from './state.js';

interface LockFile {
  token: string;
  expiresAt: number;
}

/**
 * One JSON file per run (`<dir>/<run_id>.json`), written like the seed: a temp file in the same
 * folder, then rename, so a reader or a crash never sees half a state. Locks are `<run_id>.lock`
 * files created exclusively; they are safe between processes on one host (several hosts share
 * state through the Redis store instead).
 */
export class FileRunStateStore implements RunStateStore {
  constructor(
    readonly dir: string,
    private readonly now: Clock = Date.now,
  ) {}

  private statePath(runId: string): string {
    return join(this.dir, `${validateRunId(runId)}.json`);
  }

  private lockPath(runId: string): string {
    return join(this.dir, `${validateRunId(runId)}.lock`);
  }

  async get(runId: string): Promise<RunState | undefined> {
    const text = await readIfExists(this.statePath(runId));
    return text === undefined ? undefined : (JSON.parse(text) as RunState);
  }

  async put(state: RunState): Promise<void> {
    await this.writeAtomically(this.statePath(state.run_id), `${JSON.stringify(state, null, 2)}\n`);
  }

  async listRecent(limit: number): Promise<RunState[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const states: RunState[] = [];
    for (const name of names) {
      if (!name.endsWith('.json') || !isRunId(name.slice(0, -5))) continue;
      const state = await this.get(name.slice(0, -5)).catch(() => undefined);
      if (state) states.push(state);
    }
    return states.sort((a, b) => b.started_at.localeCompare(a.started_at)).slice(0, limit);
  }

  async tryAcquireRunLock(runId: string, ttlMs: number): Promise<string | undefined> {
    const path = this.lockPath(runId);
    await mkdir(this.dir, { recursive: true });
    const token = randomUUID();
    const body = JSON.stringify({ token, expiresAt: this.now() + ttlMs } satisfies LockFile);
    if (await this.createExclusive(path, body)) return token;
    const held = await this.readLock(path);
    if (held && held.expiresAt > this.now()) return undefined;
    // Expired (or unreadable): move it aside. Rename is atomic, so of two processes taking over
    // only one moves the stale lock; if what we moved is a live lock someone created meanwhile, we
    // put it back (link never overwrites) and report the lock as held.
    const aside = `${path}.${token}.stale`;
    try {
      await rename(path, aside);
    } catch {
      return undefined;
    }
    const moved = await this.readLock(aside);
    if (moved && moved.expiresAt > this.now()) {
      await link(aside, path).catch(() => undefined);
      await unlink(aside).catch(() => undefined);
      return undefined;
    }
    await unlink(aside).catch(() => undefined);
    return (await this.createExclusive(path, body)) ? token : undefined;
  }

  async renewRunLock(runId: string, token: string, ttlMs: number): Promise<boolean> {
    const path = this.lockPath(runId);
    const held = await this.readLock(path);
    if (!held || held.token !== token) return false;
    await this.writeAtomically(path, JSON.stringify({ token, expiresAt: this.now() + ttlMs } satisfies LockFile));
    return true;
  }

  async releaseRunLock(runId: string, token: string): Promise<void> {
    const path = this.lockPath(runId);
    const held = await this.readLock(path);
    if (held?.token === token) await unlink(path).catch(() => undefined);
  }

  /** Complete content or nothing: written to a temp file, then linked (fails if the lock exists). */
  private async createExclusive(path: string, body: string): Promise<boolean> {
    const tmp = join(this.dir, `.${randomUUID()}.lock.tmp`);
    await writeFile(tmp, body, { mode: 0o600 });
    try {
      await link(tmp, path);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  private async readLock(path: string): Promise<LockFile | undefined> {
    const text = await readIfExists(path);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as LockFile;
    } catch {
      return undefined;
    }
  }

  private async writeAtomically(path: string, text: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `.${randomUUID()}.tmp`);
    try {
      const handle = await open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(text, 'utf8');
        // Durable before it becomes visible: after a power loss the old state is better than none.
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, path);
    } catch (error) {
      await unlink(tmp).catch(() => undefined);
      throw error;
    }
  }
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
