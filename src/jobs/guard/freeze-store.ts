import type { RedisClient } from '../redis-connection.js';

/** A `/freeze <env> <duration> [reason]`, kept in Redis so every bot and worker sees it. */
export interface ManualFreeze {
  env: string;
  by: string;
  reason: string;
  since: number;
  until: number;
}

/** Manual freezes by environment; one ended by time is ignored (and cleaned up) on the next read. */
export class FreezeStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly key = 'rollbot:freezes',
  ) {}

  async set(freeze: ManualFreeze): Promise<void> {
    await this.redis.hset(this.key, freeze.env, JSON.stringify(freeze));
  }

  async get(env: string, now: number): Promise<ManualFreeze | undefined> {
    const raw = await this.redis.hget(this.key, env);
    if (!raw) return undefined;
    const freeze = JSON.parse(raw) as ManualFreeze;
    if (freeze.until > now) return freeze;
    await this.redis.hdel(this.key, env);
    return undefined;
  }

  async list(now: number): Promise<ManualFreeze[]> {
    const all = Object.values(await this.redis.hgetall(this.key)).map((raw) => JSON.parse(raw) as ManualFreeze);
    return all.filter((f) => f.until > now);
  }

  /** Removes the freeze; returns what it was (undefined when there was none in force). */
  async remove(env: string, now: number): Promise<ManualFreeze | undefined> {
    const current = await this.get(env, now);
    if (current) await this.redis.hdel(this.key, env);
    return current;
  }
}
