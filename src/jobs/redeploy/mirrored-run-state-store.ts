import type { RunState, RunStateStore } from '../../core/pipeline/index.js';

/** Redis is the record; each state is also written atomically to a JSON file (seed 004's state file). */
export class MirroredRunStateStore implements RunStateStore {
  constructor(
    private readonly primary: RunStateStore,
    private readonly mirror: RunStateStore,
  ) {}

  get(runId: string) {
    return this.primary.get(runId);
  }

  async put(state: RunState) {
    await this.primary.put(state);
    await this.mirror.put(state);
  }

  listRecent(limit: number) {
    return this.primary.listRecent(limit);
  }

  tryAcquireRunLock(runId: string, ttlMs: number) {
    return this.primary.tryAcquireRunLock(runId, ttlMs);
  }

  renewRunLock(runId: string, token: string, ttlMs: number) {
    return this.primary.renewRunLock(runId, token, ttlMs);
  }

  releaseRunLock(runId: string, token: string) {
    return this.primary.releaseRunLock(runId, token);
  }
}
