import type { RedisClient } from '../redis-connection.js';
import type { HandoffEntry, HandoffOutcome, NumberedSnapshot } from './handoff-codec.js';

// Only the lease holder takes entries; each taken one is recorded with the taker's lease token, so an
// owner can tell a holder that is still working on it from one that is gone.
const TAKE = `
if redis.call('get', KEYS[3]) ~= ARGV[2] then return {} end
local items = redis.call('lrange', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #items == 0 then return items end
redis.call('ltrim', KEYS[1], #items, -1)
for _, item in ipairs(items) do
  redis.call('hset', KEYS[2], cjson.decode(item).id, ARGV[2])
end
redis.call('pexpire', KEYS[2], ARGV[3])
return items`;

// Per handoff id, read at one instant: its result, or '~' when a worker took it and no longer holds
// the lease without having written a result (killed, or stalled past its lease), else ''.
const STATES = `
local lease = redis.call('get', KEYS[1])
local out = {}
for i, id in ipairs(ARGV) do
  local result = redis.call('get', KEYS[2 + i])
  if result then out[i] = result
  else
    local taker = redis.call('hget', KEYS[2], id)
    if taker and taker ~= lease then out[i] = '~' else out[i] = '' end
  end
end
return out`;

export type HandoffState = { kind: 'result'; outcome: HandoffOutcome } | { kind: 'orphaned' } | { kind: 'waiting' };

export type HandoffMessage = ({ t: 'p' } & NumberedSnapshot) | { t: 'd'; r: HandoffOutcome };

/**
 * The Redis side of handing waiting rollouts to the worker that holds a repository's lease. All keys
 * hang off the lease key (on a cluster the stores' connection prefixes them all with `{rollbot}:`, so
 * they share the lease's slot and the scripts may touch them together):
 * - `<lease>:handoff`  list of waiting entries (JSON), oldest first;
 * - `<lease>:taken`    hash: handoff id → lease token of the worker that took it;
 * - `<lease>:result:<id>`  the outcome, kept `resultTtlMs`;
 * - channel `<lease>:progress:<id>`  each progress snapshot, then the outcome.
 */
export class RepoHandoff {
  constructor(
    private readonly redis: RedisClient,
    private readonly resultTtlMs = 10 * 60_000,
  ) {}

  channel(leaseKey: string, id: string): string {
    return `${leaseKey}:progress:${id}`;
  }

  async put(leaseKey: string, entries: HandoffEntry[], front = false): Promise<void> {
    if (entries.length === 0) return;
    const values = entries.map((e) => JSON.stringify(e));
    if (front) await this.redis.lpush(`${leaseKey}:handoff`, ...values.reverse());
    else await this.redis.rpush(`${leaseKey}:handoff`, ...values);
    // Entries of owners that all died are not kept forever (their jobs were recovered meanwhile).
    await this.redis.pexpire(`${leaseKey}:handoff`, this.resultTtlMs);
  }

  /** Up to `count` waiting entries, oldest first; none unless `token` holds the lease. */
  async take(leaseKey: string, token: string, count: number): Promise<HandoffEntry[]> {
    if (count <= 0) return [];
    const items = (await this.redis.eval(TAKE, 3, `${leaseKey}:handoff`, `${leaseKey}:taken`, leaseKey, String(count), token, String(this.resultTtlMs))) as string[];
    return items.map((item) => JSON.parse(item) as HandoffEntry);
  }

  /** Whether anything waits to be taken. */
  async waiting(leaseKey: string): Promise<boolean> {
    return (await this.redis.llen(`${leaseKey}:handoff`)) > 0;
  }

  async states(leaseKey: string, ids: string[]): Promise<HandoffState[]> {
    if (ids.length === 0) return [];
    const keys = [leaseKey, `${leaseKey}:taken`, ...ids.map((id) => `${leaseKey}:result:${id}`)];
    const raw = (await this.redis.eval(STATES, keys.length, ...keys, ...ids)) as string[];
    return raw.map((r) => (r === '~' ? { kind: 'orphaned' } : r === '' ? { kind: 'waiting' } : { kind: 'result', outcome: JSON.parse(r) as HandoffOutcome }));
  }

  progress(leaseKey: string, id: string, snapshot: NumberedSnapshot): Promise<unknown> {
    return this.redis.publish(this.channel(leaseKey, id), JSON.stringify({ t: 'p', ...snapshot } satisfies HandoffMessage));
  }

  /** The outcome first in its key (an owner that missed the message reads it there), then on the channel. */
  async finish(leaseKey: string, id: string, outcome: HandoffOutcome): Promise<void> {
    const json = JSON.stringify(outcome);
    await this.redis.set(`${leaseKey}:result:${id}`, json, 'PX', this.resultTtlMs);
    await this.redis.publish(this.channel(leaseKey, id), JSON.stringify({ t: 'd', r: outcome } satisfies HandoffMessage));
  }

  /** Forgets who took these (before they are put back for the next holder). */
  async untake(leaseKey: string, ids: string[]): Promise<void> {
    if (ids.length) await this.redis.hdel(`${leaseKey}:taken`, ...ids);
  }

  /** The owner is done with it: the taker record and result go (a late result just expires). */
  async forget(leaseKey: string, id: string): Promise<void> {
    await this.redis.hdel(`${leaseKey}:taken`, id);
    await this.redis.del(`${leaseKey}:result:${id}`);
  }
}
