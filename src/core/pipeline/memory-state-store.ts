import { randomUUID } from 'node:crypto';
import type { Clock } from '../progress.js';
import type { RunState, RunStateStore } from './state.js';

/**
 * For tests and single-process use. States are kept as JSON text, so callers never share objects
 * with the store (the same isolation a file or Redis gives).
 */
export class MemoryRunStateStore implements RunStateStore {
  private readonly states = new Map<string, string>();
  private readonly locks = new Map<string, { token: string; expiresAt: number }>();

  constructor(private readonly now: Clock = Date.now) {}

  async get(runId: string): Promise<RunState | undefined> {
    const text = this.states.get(runId);
    return text === undefined ? undefined : (JSON.parse(text) as RunState);
  }

  async put(state: RunState): Promise<void> {
    this.states.set(state.run_id, JSON.stringify(state));
  }

  async listRecent(limit: number): Promise<RunState[]> {
    const all = [...this.states.values()].map((t) => JSON.parse(t) as RunState);
    return all.sort((a, b) => b.started_at.localeCompare(a.started_at)).slice(0, limit);
  }

  async tryAcquireRunLock(runId: string, ttlMs: number): Promise<string | undefined> {
    const held = this.locks.get(runId);
    if (held && held.expiresAt > this.now()) return undefined;
    const token = randomUUID();
    this.locks.set(runId, { token, expiresAt: this.now() + ttlMs });
    return token;
  }

  async renewRunLock(runId: string, token: string, ttlMs: number): Promise<boolean> {
    const held = this.locks.get(runId);
    if (!held || held.token !== token) return false;
    held.expiresAt = this.now() + ttlMs;
    return true;
  }

  async releaseRunLock(runId: string, token: string): Promise<void> {
    if (this.locks.get(runId)?.token === token) this.locks.delete(runId);
  }

  /** Test helper: is anyone holding the run's lock right now? */
  isLocked(runId: string): boolean {
    const held = this.locks.get(runId);
    return held !== undefined && held.expiresAt > this.now();
  }
}
