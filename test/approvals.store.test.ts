import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisProcess } from '../src/local-mode/redis-process.js';
import { ApprovalStore, type ApprovalRequest } from '../src/jobs/release/approval-store.js';
import { AuditLog } from '../src/jobs/release/audit-log.js';
import { DeployLocks } from '../src/jobs/release/deploy-locks.js';

let server: RedisProcess;
let redis: Redis;
beforeAll(async () => {
  server = await new RedisProcess().start();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.dispose();
});
beforeEach(async () => {
  await redis.flushall();
});

const request = (over: Partial<ApprovalRequest> = {}): ApprovalRequest => ({
  id: 'rel-1',
  env: 'prod',
  service: 'papi',
  requester: 'U_REQ',
  required: 1,
  allowSelfApproval: false,
  deadline: 10_000,
  createdAt: 0,
  channel: 'C1',
  plan: { toTag: 'ps-1-abcdef0' } as ApprovalRequest['plan'],
  ...over,
});

describe('approval votes, decided atomically in Redis', () => {
  it('20 simultaneous clicks from approvers produce exactly one "approved"', async () => {
    const store = new ApprovalStore(redis);
    await store.create(request());
    const clients = Array.from({ length: 20 }, () => new Redis(server.url));
    const outcomes = await Promise.all(clients.map((c, i) => new ApprovalStore(c).vote('rel-1', `U_${i}`, 100)));
    clients.forEach((c) => c.disconnect());
    expect(outcomes.filter((o) => o === 'approved')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'closed:approved')).toHaveLength(19);
  });

  it('with two required, the first vote is recorded and the second approves', async () => {
    const store = new ApprovalStore(redis);
    await store.create(request({ required: 2 }));
    expect(await store.vote('rel-1', 'U_A', 1)).toBe('recorded');
    expect(await store.vote('rel-1', 'U_A', 2)).toBe('duplicate');
    expect(await store.vote('rel-1', 'U_B', 3)).toBe('approved');
    const state = await store.get('rel-1');
    expect(state?.status).toBe('approved');
    expect(state?.votes).toEqual([{ user: 'U_A', at: 1 }, { user: 'U_B', at: 3 }]);
  });

  it('refuses the requester (four eyes) unless self-approval is allowed', async () => {
    const store = new ApprovalStore(redis);
    await store.create(request());
    expect(await store.vote('rel-1', 'U_REQ', 1)).toBe('self');
    await store.create(request({ id: 'rel-2', allowSelfApproval: true }));
    expect(await store.vote('rel-2', 'U_REQ', 1)).toBe('approved');
  });

  it('expires at the deadline and refuses later votes', async () => {
    const store = new ApprovalStore(redis);
    await store.create(request({ deadline: 500 }));
    expect(await store.vote('rel-1', 'U_A', 501)).toBe('expired');
    expect(await store.vote('rel-1', 'U_B', 502)).toBe('closed:expired');
    expect((await store.get('rel-1'))?.status).toBe('expired');
  });

  it('transitions only from the allowed statuses', async () => {
    const store = new ApprovalStore(redis);
    await store.create(request());
    expect(await store.transition('rel-1', ['pending'], 'rejected', 5, { rejectedBy: 'U_X', reason: 'not today' })).toBe(true);
    expect(await store.transition('rel-1', ['pending'], 'approved', 6)).toBe(false);
    expect(await store.get('rel-1')).toMatchObject({ status: 'rejected', rejectedBy: 'U_X', reason: 'not today' });
    expect(await store.vote('rel-1', 'U_A', 7)).toBe('closed:rejected');
  });
});

describe('deploy locks', () => {
  it('one holder at a time; others are refused with who, since when and why', async () => {
    const locks = new DeployLocks(redis);
    expect((await locks.lock('prod', 'U_A', 'db migration', Date.UTC(2026, 10, 24, 9, 30))).ok).toBe(true);
    const second = await locks.lock('prod', 'U_B', 'me too', 1);
    expect(second).toMatchObject({ ok: false, lock: { holder: 'U_A' } });
    await expect(locks.assertMayDeploy('prod', 'U_B')).rejects.toThrow('`prod` is locked by <@U_A> since 2026-11-24 09:30 UTC (db migration).');
    await expect(locks.assertMayDeploy('prod', 'U_A')).resolves.toBeUndefined();
    await expect(locks.unlock('prod', 'U_B')).rejects.toThrow(/locked by <@U_A>, not you/);
    await locks.unlock('prod', 'U_A');
    expect(await locks.list()).toEqual([]);
  });
});

describe('audit stream', () => {
  it('keeps entries newest first and filters by service', async () => {
    const audit = new AuditLog(redis);
    await audit.append({ type: 'release.requested', who: 'U_A', service: 'papi', env: 'prod', at: 1 });
    await audit.append({ type: 'lock', who: 'U_B', env: 'prod', at: 2 });
    await audit.append({ type: 'release.rejected', who: 'U_C', service: 'papi', detail: 'not today', at: 3 });
    expect((await audit.latest(10)).map((e) => e.type)).toEqual(['release.rejected', 'lock', 'release.requested']);
    expect((await audit.latest(10, 'papi')).map((e) => e.who)).toEqual(['U_C', 'U_A']);
  });
});
