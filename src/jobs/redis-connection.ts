import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { RedisTarget } from '../core/config/redis-target.js';
import { DEFAULT_PREFIX } from './queue-names.js';

/** One server or a cluster: the stores and queues use only the commands both have. */
export type RedisClient = Redis | Cluster;

/**
 * BullMQ workers need `maxRetriesPerRequest: null` (blocking commands must not time out). ioredis
 * reconnects on its own; its error events are reported, not thrown, so a Redis restart is a blip.
 */
const BASE: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true };

/**
 * After a Sentinel failover the old master may come back as a replica: a write that reaches it
 * answers READONLY, and reconnecting asks the sentinels for the new master.
 */
function reconnectOnReadOnly(error: Error): boolean | 1 | 2 {
  return error.message.startsWith('READONLY') ? 2 : false;
}

function build(target: RedisTarget, keyPrefix?: string): RedisClient {
  const prefixed = keyPrefix ? { keyPrefix } : {};
  switch (target.kind) {
    case 'server':
      return new Redis(target.url, { ...BASE, ...prefixed });
    case 'sentinel':
      return new Redis({
        ...BASE,
        ...prefixed,
        sentinels: target.sentinels,
        name: target.name,
        password: target.password,
        sentinelPassword: target.sentinelPassword,
        failoverDetector: true,
        reconnectOnError: reconnectOnReadOnly,
      });
    case 'cluster':
      return new Cluster(target.nodes, {
        ...prefixed,
        redisOptions: { ...BASE, password: target.password },
        // BullMQ's blocking reads and Lua scripts must not give up while slots move.
        clusterRetryStrategy: (times) => Math.min(100 * times, 2_000),
        enableReadyCheck: true,
      });
  }
}

/** A URL alone still means one server (tests and local mode pass their redis-server's URL). */
function asTarget(target: RedisTarget | string): RedisTarget {
  return typeof target === 'string' ? { kind: 'server', url: target } : target;
}

export function createRedisConnection(target: RedisTarget | string, onError: (error: Error) => void = () => undefined): RedisClient {
  const redis = build(asTarget(target));
  redis.on('error', onError);
  return redis;
}

/**
 * What a process needs from Redis: a connection for the queues and one for rollbot's own keys.
 * On a cluster every key of rollbot's must share a hash slot — BullMQ's Lua scripts and the
 * stores' MULTI/EVAL touch several keys at once — so the queue prefix becomes `{rollbot}` and the
 * stores' connection prefixes every key with `{rollbot}:` (BullMQ refuses a keyPrefix of ioredis,
 * hence two connections). One server or Sentinel: a single connection, keys as before.
 */
export interface RedisConnections {
  queues: RedisClient;
  stores: RedisClient;
  queuePrefix: string;
  /**
   * Sentinel only: waits until the replicas hold what this connection wrote (Redis WAIT), so a
   * command the bot acked survives the master's loss. Resolves with the replicas that confirmed.
   */
  confirmWrites?: () => Promise<number>;
  disconnect(): void;
}

export interface OpenRedisOptions {
  queuePrefix?: string;
  onError?: (error: Error) => void;
  /** Sentinel: how long an enqueue waits for replicas (Redis WAIT) before it acks anyway. */
  waitMs?: number;
  /** Sentinel: fewer replicas than REDIS_ACK_REPLICAS confirmed a write. */
  onDegraded?: (confirmed: number) => void;
}

export function openRedis(target: RedisTarget | string, options: OpenRedisOptions = {}): RedisConnections {
  const resolved = asTarget(target);
  const onError = options.onError ?? (() => undefined);
  const prefix = options.queuePrefix ?? DEFAULT_PREFIX;
  const queues = build(resolved);
  queues.on('error', onError);
  if (resolved.kind === 'cluster') {
    const tag = prefix.startsWith('{') ? prefix : `{${prefix}}`;
    const stores = build(resolved, `${tag}:`);
    stores.on('error', onError);
    return {
      queues,
      stores,
      queuePrefix: tag,
      disconnect() {
        queues.disconnect();
        stores.disconnect();
      },
    };
  }
  if (resolved.kind === 'sentinel' && resolved.replicasToAck > 0) {
    // WAIT blocks the connection it runs on, so the stores get their own and only enqueues wait.
    const stores = build(resolved);
    stores.on('error', onError);
    return {
      queues,
      stores,
      queuePrefix: prefix,
      confirmWrites: replicaConfirmation(queues as Redis, resolved.replicasToAck, options.waitMs ?? 500, options.onDegraded),
      disconnect() {
        queues.disconnect();
        stores.disconnect();
      },
    };
  }
  return { queues, stores: queues, queuePrefix: prefix, disconnect: () => queues.disconnect() };
}

/**
 * Redis WAIT after a write: resolves once `replicas` replicas hold it, or after `waitMs`. While
 * fewer replicas answer (one died, a failover left the new master alone) the wait is skipped for a
 * few seconds, so a degraded group slows one command in a while, not every command.
 */
function replicaConfirmation(connection: Redis, replicas: number, waitMs: number, onDegraded?: (confirmed: number) => void, now = Date.now) {
  let skipUntil = 0;
  return async (): Promise<number> => {
    if (now() < skipUntil) return 0;
    const confirmed = Number(await connection.wait(replicas, waitMs));
    if (confirmed < replicas) {
      skipUntil = now() + 5_000;
      onDegraded?.(confirmed);
    }
    return confirmed;
  };
}

/** A second connection to the same server (blocking readers need their own), with the same handler. */
export function duplicateConnection(redis: RedisClient, onError: (error: Error) => void = () => undefined): RedisClient {
  const copy = redis.duplicate();
  copy.on('error', onError);
  return copy;
}
