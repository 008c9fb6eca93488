import type { ChangeFeed } from './change-feed.js';
import { HashMirror } from './hash-mirror.js';
import type { RedisClient } from './redis-connection.js';

/**
 * `/rwenv set`: which environment a channel acts on, kept in Redis so it survives restarts. With a
 * ChangeFeed (the bot), reads come from an in-process mirror that every writer invalidates.
 */
export class ChannelBindings {
  private readonly mirror?: HashMirror;

  constructor(
    private readonly redis: RedisClient,
    private readonly feed?: ChangeFeed,
    private readonly key = 'rollbot:rwenv',
  ) {
    if (feed) this.mirror = new HashMirror(redis, key, feed);
  }

  async get(channel: string): Promise<string | undefined> {
    if (this.mirror) return this.mirror.get(channel);
    return (await this.redis.hget(this.key, channel)) ?? undefined;
  }

  async set(channel: string, env: string): Promise<void> {
    await this.redis.hset(this.key, channel, env);
    this.mirror?.invalidate();
    await this.feed?.changed(this.key);
  }
}
