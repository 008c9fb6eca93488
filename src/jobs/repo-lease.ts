import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis-connection.js';

// Only the holder (same token) may renew or release: a lease that expired and was taken by another
// worker is never extended or deleted by the old holder.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * A lease on one Flux repository branch in Redis (SET NX PX, renewed while held), so one worker
 * process at a time applies that repository's rollouts, across machines. A killed holder's lease
 * expires after `ttlMs`. The lease saves work; it is not what keeps changes safe: git refuses a
 * non-fast-forward push, and the batch re-applies on the new head.
 */
export class RepoLease {
  readonly token = `${process.pid}-${randomUUID()}`;
  private timer?: NodeJS.Timeout;
  private lost = false;

  constructor(
    private readonly redis: RedisClient,
    readonly key: string,
    private readonly ttlMs: number,
    private readonly onLost: () => void = () => undefined,
  ) {}

  async tryAcquire(): Promise<boolean> {
    const set = await this.redis.set(this.key, this.token, 'PX', this.ttlMs, 'NX');
    if (set !== 'OK') return false;
    this.lost = false;
    this.timer = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
    return true;
  }

  /** False once a renewal found the lease gone (expired while this process stalled). */
  get held(): boolean {
    return this.timer !== undefined && !this.lost;
  }

  private async renew(): Promise<void> {
    try {
      const renewed = await this.redis.eval(RENEW, 1, this.key, this.token, String(this.ttlMs));
      if (renewed === 0 && !this.lost) {
        this.lost = true;
        this.onLost();
      }
    } catch {
      // Redis unreachable for a moment: the next renewal tries again before the lease runs out.
    }
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.redis.eval(RELEASE, 1, this.key, this.token).catch(() => undefined);
  }

  /** The token of whoever holds the lease now, if anyone. */
  static holder(redis: RedisClient, key: string): Promise<string | null> {
    return redis.get(key);
  }
}
