import type { RedisTarget } from '../core/config/redis-target.js';
import { ConfigError } from '../core/errors.js';

/** The Redis a bot or worker process was given: a Sentinel/Cluster target, or one server's URL. */
export function redisTargetOf(options: { redis?: RedisTarget; redisUrl?: string }): RedisTarget {
  if (options.redis) return options.redis;
  if (options.redisUrl) return { kind: 'server', url: options.redisUrl };
  throw new ConfigError('No Redis is set. Set REDIS_URL (e.g. redis://localhost:6379), REDIS_SENTINELS with REDIS_SENTINEL_NAME, or REDIS_CLUSTER_NODES — or use `rollbot local`, which starts one.');
}
