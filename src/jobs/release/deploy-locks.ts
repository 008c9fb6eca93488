import type { ChangeFeed } from '../change-feed.js';
import { HashMirror } from '../hash-mirror.js';
import type { RedisClient } from '../redis-connection.js';
import { RollbotError } from '../../core/errors.js';
import { escapeMrkdwn, mention } from '../../core/mrkdwn.js';


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
  /** For Slack: the holder as a mention, the reason (their words) escaped. */
  readonly mrkdwn: string;
  constructor(lock: DeployLock) {
    const sentence = (holder: string, reason: string, env: string) =>
      `\`${env}\` is locked by ${holder} since ${utc(lock.since)}${reason ? ` (${reason})` : ''}. Ask them to \`/unlock ${env}\`, or wait${lock.until ? ` (it ends by itself at ${utc(lock.until)})` : ''}.`;
    super(sentence(`<@${lock.holder}>`, lock.reason, lock.env));
    this.mrkdwn = sentence(mention(lock.holder), escapeMrkdwn(lock.reason), escapeMrkdwn(lock.env));
  }
}

export class LockNotHeld extends RollbotError {
  readonly code = 'lock_not_held';
  constructor(
    message: string,
    /** For Slack, when the sentence names someone. */
    readonly mrkdwn: string = escapeMrkdwn(message),
  ) {
    super(message);
  }
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
  private readonly mirror?: HashMirror;

  /** With a ChangeFeed (the bot's ack path) list() reads an in-process mirror; the worker reads Redis. */
  constructor(
    private readonly redis: RedisClient,
    private readonly feed?: ChangeFeed,
    /** Decides whether a timed lock has ended (tests move it forward). */
    private readonly clock: () => number = Date.now,
    private readonly key = 'rollbot:locks',
  ) {
    if (feed) this.mirror = new HashMirror(redis, key, feed);
  }

  private async changed(): Promise<void> {
    this.mirror?.invalidate();
    await this.feed?.changed(this.key);
  }

  /** Takes the lock, or returns the lock someone else already holds. `until`: it ends by itself then. */
  async lock(env: string, holder: string, reason: string, now: number, until?: number): Promise<{ ok: true; lock: DeployLock } | { ok: false; lock: DeployLock }> {
    const lock: DeployLock = { env, holder, since: now, reason, ...(until ? { until } : {}) };
    const result = (await this.redis.eval(LOCK, 1, this.key, env, JSON.stringify(lock), holder, String(now))) as string;
    if (result === 'ok') {
      await this.changed();
      return { ok: true, lock };
    }
    return { ok: false, lock: JSON.parse(result) as DeployLock };
  }

  /** Only the holder unlocks, unless forced (which the caller audits). */
  async unlock(env: string, user: string, force = false): Promise<DeployLock> {
    const current = await this.get(env);
    if (!current) throw new LockNotHeld(`\`${env}\` is not locked.`);
    if (current.holder !== user && !force) {
      const sentence = (holder: string, name: string) => `\`${name}\` is locked by ${holder}, not you. Ask them, or use \`/unlock ${name} --force\` if they are away.`;
      throw new LockNotHeld(sentence(`<@${current.holder}>`, env), sentence(mention(current.holder), escapeMrkdwn(env)));
    }
    await this.redis.hdel(this.key, env);
    await this.changed();
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
    const raw = this.mirror ? [...(await this.mirror.all()).values()] : Object.values(await this.redis.hgetall(this.key));
    return raw.map((entry) => JSON.parse(entry) as DeployLock).filter((lock) => !this.ended(lock));
  }

  /** Removes the lock if it is still the one taken by `holder` at `since` (an expiry does not remove a newer lock). */
  async releaseIfSame(env: string, holder: string, since: number): Promise<boolean> {
    const released = (await this.redis.eval(RELEASE_IF_SAME, 1, this.key, env, holder, String(since))) === 1;
    if (released) await this.changed();
    return released;
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
