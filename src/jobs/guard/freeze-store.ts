import type { ChangeFeed } from '../change-feed.js';
import { HashMirror } from '../hash-mirror.js';
import type { RedisClient } from '../redis-connection.js';

/** A `/freeze <env> <duration> [reason]`, kept in Redis so every bot and worker sees it. */
export interface ManualFreeze {
  env: string;
  by: string;
  reason: string;
  since: number;
  until: number;
}

/**
 * Manual freezes by environment; one ended by time is ignored and removed on the first read that
 * sees it ended (so every process then agrees it is over). With a ChangeFeed (the bot's ack
 * path) reads come from an in-process mirror, as for locks and channel bindings; the worker and
 * the CLI read Redis.
 */
export class FreezeStore {
  private readonly mirror?: HashMirror;

  constructor(
    private readonly redis: RedisClient,
    private readonly feed?: ChangeFeed,
    private readonly key = 'rollbot:freezes',
  ) {
    if (feed) this.mirror = new HashMirror(redis, key, feed);
  }

  async set(freeze: ManualFreeze): Promise<void> {
    await this.redis.hset(this.key, freeze.env, JSON.stringify(freeze));
    await this.changed();
  }

  async get(env: string, now: number): Promise<ManualFreeze | undefined> {
    const raw = this.mirror ? await this.mirror.get(env) : await this.redis.hget(this.key, env);
    if (!raw) return undefined;
    const freeze = JSON.parse(raw) as ManualFreeze;
    if (freeze.until > now) return freeze;
    await this.redis.hdel(this.key, env);
    await this.changed();
    return undefined;
  }

  async list(now: number): Promise<ManualFreeze[]> {
    const raw = this.mirror ? [...(await this.mirror.all()).values()] : Object.values(await this.redis.hgetall(this.key));
    return raw.map((entry) => JSON.parse(entry) as ManualFreeze).filter((f) => f.until > now);
  }

  /** Removes the freeze; returns what it was (undefined when there was none in force). */
  async remove(env: string, now: number): Promise<ManualFreeze | undefined> {
    const current = await this.get(env, now);
    if (current) {
      await this.redis.hdel(this.key, env);
      await this.changed();
    }
    return current;
  }

  private async changed(): Promise<void> {
    this.mirror?.invalidate();
    await this.feed?.changed(this.key);
  }
}
