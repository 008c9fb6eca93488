import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AmbiguousImageSite, isRollbotError, PushFailed, ServiceNotFound, userMessageOf } from '../src/core/errors.js';
import { RolloutEngine, type RolloutResult } from '../src/core/rollout/rollout-engine.js';
import { deserializeError, serializeError } from '../src/jobs/handoff/handoff-codec.js';
import { RepoHandoff } from '../src/jobs/handoff/repo-handoff.js';
import { EnvironmentLocked } from '../src/jobs/release/deploy-locks.js';
import { RepoBatcher } from '../src/jobs/repo-batcher.js';
import { RedisProcess } from '../src/local-mode/redis-process.js';
import { BareRepo, removeDir, run, tempDir, valuesFile } from './support/git-fixtures.js';
import { makeEnv, recordingReporter } from './support/rollout-env.js';

let server: RedisProcess;
let root: string;
const connections: Redis[] = [];
const batchers: RepoBatcher[] = [];
beforeAll(async () => {
  server = await new RedisProcess().start();
});
afterAll(async () => {
  await server?.dispose();
});
beforeEach(async () => {
  root = await tempDir();
});
afterEach(async () => {
  for (const b of batchers.splice(0)) await b.close();
  for (const c of connections.splice(0)) c.disconnect();
  await removeDir(root);
});

function connect(): Redis {
  const redis = new Redis(server.url);
  connections.push(redis);
  return redis;
}

/** A worker process's share: its own clone (data dir), engine, Redis connection and batcher. */
function worker(name: string, env: ReturnType<typeof makeEnv>, prefix: string): RepoBatcher {
  const engine = new RolloutEngine({
    dataDir: join(root, `data-${name}`),
    identity: { authorName: 'rollbot', authorEmail: 'rollbot@example.com' },
    pushAttempts: 5,
    backoffMs: () => 5,
  });
  const batcher = new RepoBatcher({ redis: connect(), engine, prefix, leaseMs: 1_000, pollMs: 30, environment: (n) => (n === env.name ? env : undefined) });
  batchers.push(batcher);
  return batcher;
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Commits on the remote that carry `Rollbot-Request: <id>`. */
async function commitsOfRequest(flux: BareRepo, id: string): Promise<number> {
  const out = await run(flux.url, 'log', '--format=%H', `--grep=^Rollbot-Request: ${id}$`, 'main');
  return out.split('\n').filter(Boolean).length;
}

const LOCK = { env: 'staging', holder: 'U1', reason: 'release', since: 0 } as ConstructorParameters<typeof EnvironmentLocked>[0];
const services = (n: number) => Array.from({ length: n }, (_, i) => `svc${String(i).padStart(2, '0')}`);
let prefixes = 0;
const newPrefix = () => `handoff-${process.pid}-${prefixes++}`;

/** A repo of these services, an owner worker, and the lease held by `holder` (another worker, as far as the owner knows). */
async function heldByAnother(holder: string, names: string[]) {
  const flux = await BareRepo.create(root, Object.fromEntries(names.map((s) => [`apps/${s}/values.yaml`, valuesFile(s, 'old')])));
  const env = makeEnv(root, flux.url);
  const prefix = newPrefix();
  const owner = worker('owner', env, prefix);
  const redis = connect();
  const key = owner.leaseKey(env);
  await redis.set(key, holder, 'PX', 30_000);
  return { flux, env, prefix, owner, redis, key, handoff: new RepoHandoff(redis) };
}

describe('workers share one batch per repository through Redis', () => {
  it("rollouts sent to two workers at once go out in the lease holder's one push; each keeps its own progress, commit and result", async () => {
    const names = services(10);
    const flux = await BareRepo.create(root, Object.fromEntries(names.map((s) => [`apps/${s}/values.yaml`, valuesFile(s, 'old')])));
    const pushes = await flux.countPushes();
    const env = makeEnv(root, flux.url);
    const prefix = newPrefix();
    const a = worker('a', env, prefix);
    const b = worker('b', env, prefix);
    // A third worker holds the repository, so both hand their rollouts to Redis; then it lets go.
    const redis = connect();
    const key = a.leaseKey(env);
    await redis.set(key, 'a-third-worker', 'PX', 30_000);

    const sent = [...names.slice(0, 5), 'nope', ...names.slice(5)];
    const reporters = sent.map(() => recordingReporter());
    const outcomes = sent.map((service, i) =>
      (i % 2 ? b : a).rollout(env, { service, pr: i + 1, sha: 'abcdef1', requestedBy: `U_${i}`, requestId: `job-${i}` }, reporters[i]!).then(
        (result) => ({ ok: true as const, result }),
        (error: unknown) => ({ ok: false as const, error }),
      ),
    );
    await waitUntil(async () => (await redis.llen(`${key}:handoff`)) === sent.length, 'every rollout handed to Redis');
    expect(reporters[0]!.last().steps[0]!.detail).toMatch(/another worker is pushing to this repository/);
    await redis.del(key);
    const settled = await Promise.all(outcomes);
    await Promise.all([a.idle(), b.idle()]); // the counters are final once the batch returned

    expect(await pushes()).toBe(1);
    const [holder, other] = a.stats.pushes === 1 ? [a, b] : [b, a];
    expect(holder.stats).toMatchObject({ pushes: 1, batches: 1 });
    // a took the even-numbered rollouts (6), b the odd ones (5); both handed every one to Redis.
    expect(other.stats).toMatchObject({ pushes: 0, batches: 0, handedOut: other === a ? 6 : 5 });
    expect(holder.stats.handedIn).toBe(other.stats.handedOut);
    for (const [i, service] of sent.entries()) {
      const outcome = settled[i]!;
      const steps = reporters[i]!.last().steps;
      if (service === 'nope') {
        // The holder's typed error, rebuilt on the owner: the job maps it to the same user message.
        expect(outcome.ok).toBe(false);
        expect(!outcome.ok && outcome.error).toBeInstanceOf(ServiceNotFound);
        expect(userMessageOf(!outcome.ok && outcome.error)).toMatch(/^Could not find flux config for 'nope'\./);
        expect(steps[0]).toMatchObject({ id: 'locate', status: 'failed' });
        continue;
      }
      expect(outcome.ok && outcome.result).toMatchObject({ status: 'updated', service, tag: `ps-${i + 1}-abcdef1`, pushAttempts: 1 });
      // Every reporter saw the holder's progress, ending in success.
      expect(steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
      expect(steps.find((s) => s.id === 'push')!.detail).toBe(`main (attempt 1, with ${names.length - 1} other rollouts)`);
      const commit = (outcome as { result: RolloutResult }).result.commit!;
      expect(await run(flux.url, 'log', '-1', '--format=%B', commit)).toContain(`Requested-by: U_${i}\nRollbot-Request: job-${i}`);
      expect(await commitsOfRequest(flux, `job-${i}`)).toBe(1);
    }
    expect(await flux.commitCount()).toBe(1 + names.length);
    // Nothing left behind in Redis but the (expiring) taker records' hash, emptied.
    expect(await redis.llen(`${key}:handoff`)).toBe(0);
    expect(await redis.hlen(`${key}:taken`)).toBe(0);
  }, 30_000);

  it('a holder that took rollouts and died: the owner hands them to the next holder or, holding the lease, applies them itself, once', async () => {
    const names = services(4);
    const { flux, env, prefix, owner, redis, key, handoff } = await heldByAnother('dead-holder', names);
    const reporters = names.map(() => recordingReporter());
    const results = Promise.all(names.map((service, i) => owner.rollout(env, { service, pr: i + 1, sha: 'abcdef1', requestId: `req-${i}` }, reporters[i]!)));
    await waitUntil(async () => (await redis.llen(`${key}:handoff`)) === names.length, 'the rollouts handed to Redis');

    // The holder takes them; before it dies, one of them already landed (its push went through).
    const taken = await handoff.take(key, 'dead-holder', 10);
    expect(taken.map((e) => e.request.requestId)).toEqual(names.map((_, i) => `req-${i}`));
    const landed = new RolloutEngine({ dataDir: join(root, 'data-dead'), identity: { authorName: 'rollbot', authorEmail: 'rollbot@example.com' }, pushAttempts: 3 });
    await landed.rollout(env, { ...taken[0]!.request }, recordingReporter());
    // Its lease changes hands (a live worker holds it now): the owner puts them back for that one.
    await redis.set(key, 'live-holder', 'PX', 30_000);
    await waitUntil(async () => (await redis.llen(`${key}:handoff`)) === names.length, 'the orphaned rollouts handed on');
    expect(await redis.hlen(`${key}:taken`)).toBe(0);
    // That holder ends too without taking them: the owner gets the lease and applies them itself.
    await redis.del(key);
    const done = await results;
    await owner.idle();

    expect(done.map((r) => r.status)).toEqual(['updated', 'updated', 'updated', 'updated']);
    expect(reporters[0]!.last().steps.find((s) => s.id === 'commit')!.detail).toMatch(/^landed earlier: /);
    for (const i of names.keys()) expect(await commitsOfRequest(flux, `req-${i}`)).toBe(1);
    expect(await flux.commitCount()).toBe(1 + names.length);
    expect(owner.stats).toMatchObject({ pushes: 1, handedOut: 2 * names.length });
  }, 30_000);

  it('a result that arrives after the owner took its rollout back is ignored', async () => {
    const { flux, owner, redis, key, handoff, env } = await heldByAnother('stalled-holder', ['papi']);
    const reporter = recordingReporter();
    const result = owner.rollout(env, { service: 'papi', pr: 7, sha: 'abcdef1', requestId: 'late-1' }, reporter);
    await waitUntil(async () => (await redis.llen(`${key}:handoff`)) === 1, 'the rollout handed to Redis');
    const [entry] = await handoff.take(key, 'stalled-holder', 1);
    await redis.del(key); // its lease ran out while it stalled
    const applied = await result;
    expect(applied).toMatchObject({ status: 'updated', pushAttempts: 1 });

    // The stalled holder wakes up and reports (a failure, say): nobody listens any more.
    await handoff.finish(key, entry!.id, { ok: false, error: serializeError(new PushFailed()) });
    await new Promise((r) => setTimeout(r, 100));
    expect(reporter.last().steps.map((s) => s.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
    expect(await commitsOfRequest(flux, 'late-1')).toBe(1);
  }, 30_000);
});

describe('a rollout the holder cannot apply', () => {
  it('is declined (the holder has no such environment on this repository) and its owner applies it itself', async () => {
    const flux = await BareRepo.create(root, { 'apps/papi/values.yaml': valuesFile('papi', 'old') });
    const env = makeEnv(root, flux.url);
    const owner = worker('owner', env, newPrefix());
    const redis = connect();
    const key = owner.leaseKey(env);
    const handoff = new RepoHandoff(redis);
    await redis.set(key, 'holder-without-rdebug', 'PX', 30_000);
    const result = owner.rollout(env, { service: 'papi', pr: 9, sha: 'abcdef1', requestId: 'declined-1' }, recordingReporter());
    await waitUntil(async () => (await redis.llen(`${key}:handoff`)) === 1, 'the rollout handed to Redis');
    const [entry] = await handoff.take(key, 'holder-without-rdebug', 1);
    await handoff.finish(key, entry!.id, { declined: "this worker has no environment 'rdebug' on this repository" });
    // The owner keeps it from now on: while the holder still holds the lease, nothing is handed out again.
    await new Promise((r) => setTimeout(r, 200));
    expect(await redis.llen(`${key}:handoff`)).toBe(0);
    await redis.del(key);

    expect(await result).toMatchObject({ status: 'updated', tag: 'ps-9-abcdef1' });
    await owner.idle();
    expect(owner.stats).toMatchObject({ handedOut: 1, pushes: 1 });
    expect(await commitsOfRequest(flux, 'declined-1')).toBe(1);
  }, 30_000);
});

describe('errors handed back through Redis', () => {
  it("keep their class, fields and user message, so the owner's job reports them as a local failure", () => {
    const roundTrip = (e: unknown) => deserializeError(JSON.parse(JSON.stringify(serializeError(e))));
    const ambiguous = roundTrip(new AmbiguousImageSite('papi', [{ ref: 'a.yaml:spec.image', file: 'a.yaml', path: 'spec.image', current: 'v1' }]));
    expect(ambiguous).toBeInstanceOf(AmbiguousImageSite);
    expect((ambiguous as AmbiguousImageSite).candidates).toEqual([{ ref: 'a.yaml:spec.image', file: 'a.yaml', path: 'spec.image', current: 'v1' }]);
    expect((ambiguous as AmbiguousImageSite).service).toBe('papi');

    const push = roundTrip(new PushFailed());
    expect(push).toBeInstanceOf(PushFailed);
    expect((push as PushFailed).transient).toBe(true);
    expect((push as PushFailed).code).toBe('push_failed');

    // A class the codec does not list is still a user error with its own words.
    const locked = roundTrip(new EnvironmentLocked(LOCK));
    expect(isRollbotError(locked)).toBe(true);
    expect(userMessageOf(locked)).toBe(new EnvironmentLocked(LOCK).userMessage);

    const internal = roundTrip(new TypeError('x is undefined'));
    expect(isRollbotError(internal)).toBe(false);
    expect(internal.message).toBe('x is undefined');
    expect(internal.name).toBe('TypeError');
  });
});
