import type { Redis } from 'ioredis';
import { RollbotError } from '../../core/errors.js';

export interface DeployLock {
  env: string;
  holder: string;
  since: number;
  reason: string;
  /** A timed lock (`/lock prod 2h`) ends by itself at this moment (epoch ms). */
  until?: number;
}

const utc = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

export class EnvironmentLocked extends RollbotError {
  readonly code = 'environment_locked';
  constructor(lock: DeployLock) {
    super(
      `\`${lock.env}\` is locked by <@${lock.holder}> since ${utc(lock.since)}${lock.reason ? ` (${lock.reason})` : ''}. Ask them to \`/unlock ${lock.env}\`, or wait${lock.until ? ` (it ends by itself at ${utc(lock.until)})` : ''}.`,
    );
  }
}

export class LockNotHeld extends RollbotError {
  readonly code = 'lock_not_held';
}

// KEYS[1] locks hash. ARGV: env, lock json, holder, now. A lock past its `until` counts as free.
const LOCK = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local held = cjson.decode(current)
  if not (held['until'] and tonumber(held['until']) <= tonumber(ARGV[4])) then return current end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 'ok'
`;

// KEYS[1] locks hash. ARGV: env, holder, since. Removes the lock only if it is still that one.
const RELEASE_IF_SAME = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if not current then return 0 end
local held = cjson.decode(current)
if held['holder'] == ARGV[2] and string.format('%.0f', held['since']) == ARGV[3] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 1
end
return 0
`;

/**
 * Deploy locks (hubot-deploy, Atlantis): a locked environment refuses rollouts and release applies
 * from anyone but the holder.
 */
export class DeployLocks {
  constructor(
    private readonly redis: Redis,
    private readonly key = 'rollbot:locks',
    /** Decides whether a timed lock has ended (tests move it forward). */
    private readonly clock: () => number = Date.now,
  ) {}

  /** Takes the lock, or returns the lock someone else already holds. `until`: it ends by itself then. */
  async lock(env: string, holder: string, reason: string, now: number, until?: number): Promise<{ ok: true; lock: DeployLock } | { ok: false; lock: DeployLock }> {
    const lock: DeployLock = { env, holder, since: now, reason, ...(until ? { until } : {}) };
    const result = (await this.redis.eval(LOCK, 1, this.key, env, JSON.stringify(lock), holder, String(now))) as string;
    if (result === 'ok') return { ok: true, lock };
    return { ok: false, lock: JSON.parse(result) as DeployLock };
  }

  /** Only the holder unlocks, unless forced (which the caller audits). */
  async unlock(env: string, user: string, force = false): Promise<DeployLock> {
    const current = await this.get(env);
    if (!current) throw new LockNotHeld(`\`${env}\` is not locked.`);
    if (current.holder !== user && !force) {
      throw new LockNotHeld(`\`${env}\` is locked by <@${current.holder}>, not you. Ask them, or use \`/unlock ${env} --force\` if they are away.`);
    }
    await this.redis.hdel(this.key, env);
    return current;
  }

  /** The lock in force; a timed lock past its end is not one (its expiry job cleans it up). */
  async get(env: string): Promise<DeployLock | undefined> {
    const lock = await this.getRaw(env);
    return lock && !this.ended(lock) ? lock : undefined;
  }

  /** The stored lock, ended or not (the expiry job needs to see it). */
  async getRaw(env: string): Promise<DeployLock | undefined> {
    const raw = await this.redis.hget(this.key, env);
    return raw ? (JSON.parse(raw) as DeployLock) : undefined;
  }

  async list(): Promise<DeployLock[]> {
    return Object.values(await this.redis.hgetall(this.key))
      .map((raw) => JSON.parse(raw) as DeployLock)
      .filter((lock) => !this.ended(lock));
  }

  /** Removes the lock if it is still the one taken by `holder` at `since` (an expiry does not remove a newer lock). */
  async releaseIfSame(env: string, holder: string, since: number): Promise<boolean> {
    return (await this.redis.eval(RELEASE_IF_SAME, 1, this.key, env, holder, String(since))) === 1;
  }

  private ended(lock: DeployLock): boolean {
    return lock.until !== undefined && lock.until <= this.clock();
  }

  /** Throws EnvironmentLocked unless the environment is free or held by `user`. */
  async assertMayDeploy(env: string, user: string): Promise<void> {
    const lock = await this.get(env);
    if (lock && lock.holder !== user) throw new EnvironmentLocked(lock);
  }
}
