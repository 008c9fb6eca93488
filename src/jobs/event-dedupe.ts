import type { RedisClient } from './redis-connection.js';

/**
 * Slack retries an event it thinks was not acknowledged (X-Slack-Retry-Num); the first delivery
 * claims its id with SET NX, and later ones are dropped.
 */
export class EventDedupe {
  constructor(
    private readonly redis: RedisClient,
    private readonly ttlSeconds = 3600,
  ) {}

  async claim(id: string): Promise<boolean> {
    return (await this.redis.set(`rollbot:seen:${id}`, '1', 'EX', this.ttlSeconds, 'NX')) === 'OK';
  }
}
