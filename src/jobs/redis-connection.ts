import { Redis } from 'ioredis';

/**
 * BullMQ workers need `maxRetriesPerRequest: null` (blocking commands must not time out). ioredis
 * reconnects on its own; its error events are reported, not thrown, so a Redis restart is a blip.
 */
export function createRedisConnection(url: string, onError: (error: Error) => void = () => undefined): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
  redis.on('error', onError);
  return redis;
}

/** A second connection to the same server (blocking readers need their own), with the same handler. */
export function duplicateConnection(redis: Redis, onError: (error: Error) => void = () => undefined): Redis {
  const copy = redis.duplicate();
  copy.on('error', onError);
  return copy;
}
