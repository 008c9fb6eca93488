import type { ChangeFeed } from './change-feed.js';
import type { RedisClient } from './redis-connection.js';

/**
 * An in-process copy of one small Redis hash for the ack path: reads cost no round trip while the
 * copy is fresh. The ChangeFeed drops it when any process writes the hash; the TTL is the safety
 * net for a missed message (a partition, a writer that is not rollbot).
 */
export class HashMirror {
  private copy?: Map<string, string>;
  private loadedAt = 0;
  private loading?: Promise<Map<string, string>>;
  /** Bumped on every change, so a load that raced a change is not kept. */
  private generation = 0;

  constructor(
    private readonly redis: RedisClient,
    private readonly key: string,
    feed: ChangeFeed,
    private readonly ttlMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {
    feed.onChange(key, () => this.invalidate());
  }

  async all(): Promise<Map<string, string>> {
    if (this.copy && this.now() - this.loadedAt < this.ttlMs) return this.copy;
    this.loading ??= this.load().finally(() => (this.loading = undefined));
    return this.loading;
  }

  async get(field: string): Promise<string | undefined> {
    return (await this.all()).get(field);
  }

  invalidate(): void {
    this.generation++;
    this.copy = undefined;
  }

  private async load(): Promise<Map<string, string>> {
    const generation = this.generation;
    const startedAt = this.now();
    const fresh = new Map(Object.entries(await this.redis.hgetall(this.key)));
    if (generation === this.generation) {
      this.copy = fresh;
      this.loadedAt = startedAt;
    }
    return fresh;
  }
}
