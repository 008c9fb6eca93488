import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis-connection.js';
import type { RunState, RunStateStore } from '../../core/pipeline/index.js';

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * Redeploy run states in Redis (one JSON record per run, a sorted set for "recent"), with run locks
 * as SET NX PX tokens: a crashed worker's lock expires and the run can be resumed.
 */
export class RedisRunStateStore implements RunStateStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix = 'rollbot:redeploy',
    private readonly ttlSeconds = 90 * 24 * 3600,
  ) {}

  private key(runId: string): string {
    return `${this.prefix}:run:${runId}`;
  }

  private lockKey(runId: string): string {
    return `${this.prefix}:lock:${runId}`;
  }

  async get(runId: string): Promise<RunState | undefined> {
    const text = await this.redis.get(this.key(runId));
    return text ? (JSON.parse(text) as RunState) : undefined;
  }

  async put(state: RunState): Promise<void> {
    await this.redis
      .multi()
      .set(this.key(state.run_id), JSON.stringify(state), 'EX', this.ttlSeconds)
      .zadd(`${this.prefix}:recent`, Date.parse(state.started_at) || 0, state.run_id)
      .exec();
  }

  async listRecent(limit: number): Promise<RunState[]> {
    const ids = await this.redis.zrevrange(`${this.prefix}:recent`, 0, limit - 1);
    const states = await Promise.all(ids.map((id) => this.get(id)));
    return states.filter((s): s is RunState => s !== undefined);
  }

  async tryAcquireRunLock(runId: string, ttlMs: number): Promise<string | undefined> {
    const token = randomUUID();
    return (await this.redis.set(this.lockKey(runId), token, 'PX', ttlMs, 'NX')) === 'OK' ? token : undefined;
  }

  async renewRunLock(runId: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(RENEW, 1, this.lockKey(runId), token, String(ttlMs))) === 1;
  }

  async releaseRunLock(runId: string, token: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.lockKey(runId), token);
  }

  /** Is a worker executing this run right now? (Refuses a second resume at the door.) */
  async isRunning(runId: string): Promise<boolean> {
    return (await this.redis.exists(this.lockKey(runId))) === 1;
  }
}
