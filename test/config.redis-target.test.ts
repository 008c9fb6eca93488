import { describe, expect, it } from 'vitest';
import { describeRedisTarget, readRedisTarget } from '../src/core/config/redis-target.js';

describe('where Redis is, from REDIS_* variables', () => {
  it('is nothing when no variable is set (local mode starts its own)', () => {
    expect(readRedisTarget({})).toBeUndefined();
  });

  it('is one server from REDIS_URL', () => {
    expect(readRedisTarget({ REDIS_URL: 'redis://r:6379' })).toEqual({ kind: 'server', url: 'redis://r:6379' });
  });

  it('is a Sentinel group, default port 26379, one replica confirming each enqueue', () => {
    expect(readRedisTarget({ REDIS_SENTINELS: 's1:26380, s2', REDIS_SENTINEL_NAME: 'mymaster', REDIS_PASSWORD: 'pw' })).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1', port: 26380 },
        { host: 's2', port: 26379 },
      ],
      name: 'mymaster',
      password: 'pw',
      sentinelPassword: undefined,
      replicasToAck: 1,
    });
    expect(readRedisTarget({ REDIS_SENTINELS: 's1', REDIS_SENTINEL_NAME: 'm', REDIS_ACK_REPLICAS: '0' })).toMatchObject({ replicasToAck: 0 });
  });

  it('is a cluster from REDIS_CLUSTER_NODES, IPv6 in brackets', () => {
    expect(readRedisTarget({ REDIS_CLUSTER_NODES: '10.0.0.1:7000,[::1]:7001' })).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '::1', port: 7001 },
      ],
      password: undefined,
    });
  });

  it('says which variable is wrong and how to fix it', () => {
    expect(() => readRedisTarget({ REDIS_SENTINELS: 's1' })).toThrow('REDIS_SENTINEL_NAME is not. Set it to the master name');
    expect(() => readRedisTarget({ REDIS_URL: 'redis://a', REDIS_CLUSTER_NODES: 'b:1' })).toThrow('REDIS_URL and REDIS_CLUSTER_NODES are both set. Set only one');
    expect(() => readRedisTarget({ REDIS_CLUSTER_NODES: 'a:99999' })).toThrow("REDIS_CLUSTER_NODES has 'a:99999', which is not host:port");
    expect(() => readRedisTarget({ REDIS_CLUSTER_NODES: ' , ' })).toThrow('REDIS_CLUSTER_NODES is empty');
  });

  it('never shows a password when it names the target', () => {
    expect(describeRedisTarget({ kind: 'server', url: 'redis://user:secret@r:6379' })).toBe('redis://***@r:6379');
  });
});
