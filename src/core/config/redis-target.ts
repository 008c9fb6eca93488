import { ConfigError } from '../errors.js';

/**
 * Where Redis is, as teams run it: one server (REDIS_URL), a Sentinel-managed master
 * (REDIS_SENTINELS + REDIS_SENTINEL_NAME) or a Redis Cluster (REDIS_CLUSTER_NODES). Pure: the
 * ioredis client is built from it in src/jobs/redis-connection.ts.
 */
export interface RedisHostPort {
  host: string;
  port: number;
}

export type RedisTarget =
  | { kind: 'server'; url: string }
  | {
      kind: 'sentinel';
      sentinels: RedisHostPort[];
      /** The master group name the sentinels monitor (`sentinel monitor <name> …`). */
      name: string;
      password?: string;
      sentinelPassword?: string;
      /** Replicas that must hold an enqueued job before the bot acks it, so a failover loses no acked command. */
      replicasToAck: number;
    }
  | { kind: 'cluster'; nodes: RedisHostPort[]; password?: string };


/** `host:port,host:port` → host/port pairs; says which variable and which entry is wrong. */
export function parseHostPorts(raw: string, variable: string, defaultPort: number): RedisHostPort[] {
  const entries = raw.split(',').map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) throw new ConfigError(`${variable} is empty. Set it to host:port pairs separated by commas, e.g. 10.0.0.1:${defaultPort},10.0.0.2:${defaultPort}.`);
  return entries.map((entry) => {
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
    const plain = /^([^:]+)(?::(\d+))?$/.exec(entry);
    const match = bracketed ?? plain;
    const port = match?.[2] === undefined ? defaultPort : Number(match[2]);
    if (!match || !Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new ConfigError(`${variable} has '${entry}', which is not host:port. Write it like redis-1.internal:${defaultPort}.`);
    }
    return { host: match[1]!, port };
  });
}

function wholeNumber(raw: string | undefined, variable: string, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(`${variable}='${raw}' is not a whole number; set it to e.g. ${fallback} or unset it.`);
  return value;
}

/** Reads the REDIS_* variables; undefined when none is set (local mode then starts its own server). */
export function readRedisTarget(env: Record<string, string | undefined>): RedisTarget | undefined {
  const given = (['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const).filter((key) => env[key]);
  if (given.length > 1) {
    throw new ConfigError(`${given.join(' and ')} are both set. Set only one: REDIS_URL for one server, REDIS_SENTINELS for Sentinel, REDIS_CLUSTER_NODES for a cluster.`);
  }
  const password = env.REDIS_PASSWORD || undefined;
  if (env.REDIS_SENTINELS) {
    const name = env.REDIS_SENTINEL_NAME;
    if (!name) throw new ConfigError('REDIS_SENTINELS is set but REDIS_SENTINEL_NAME is not. Set it to the master name your sentinels monitor (often mymaster).');
    return {
      kind: 'sentinel',
      sentinels: parseHostPorts(env.REDIS_SENTINELS, 'REDIS_SENTINELS', 26_379),
      name,
      password,
      sentinelPassword: env.REDIS_SENTINEL_PASSWORD || undefined,
      replicasToAck: wholeNumber(env.REDIS_ACK_REPLICAS, 'REDIS_ACK_REPLICAS', 1),
    };
  }
  if (env.REDIS_CLUSTER_NODES) return { kind: 'cluster', nodes: parseHostPorts(env.REDIS_CLUSTER_NODES, 'REDIS_CLUSTER_NODES', 6_379), password };
  if (env.REDIS_URL) return { kind: 'server', url: env.REDIS_URL };
  return undefined;
}

/** For logs and messages: where Redis is, without passwords. */
export function describeRedisTarget(target: RedisTarget): string {
  const list = (nodes: RedisHostPort[]) => nodes.map((n) => `${n.host}:${n.port}`).join(', ');
  switch (target.kind) {
    case 'server':
      return target.url.replace(/\/\/[^@/]*@/, '//***@');
    case 'sentinel':
      return `Sentinel master '${target.name}' via ${list(target.sentinels)}`;
    case 'cluster':
      return `Redis Cluster via ${list(target.nodes)}`;
  }
}
