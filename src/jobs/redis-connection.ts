import { Redis } from 'ioredis';

/** BullMQ workers need `maxRetriesPerRequest: null` (blocking commands must not time out). */
export function createRedisConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
}
