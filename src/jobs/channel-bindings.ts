import type { RedisClient } from './redis-connection.js';

/** `/rwenv set`: which environment a channel acts on, kept in Redis so it survives restarts. */
export class ChannelBindings {
  constructor(
    private readonly redis: RedisClient,
    private readonly key = 'rollbot:rwenv',
  ) {}

  async get(channel: string): Promise<string | undefined> {
    return (await this.redis.hget(this.key, channel)) ?? undefined;
  }

  async set(channel: string, env: string): Promise<void> {
    await this.redis.hset(this.key, channel, env);
  }
}
